/**
 * Task blocks: which regions of a stage's index space become one task. Elementwise stages follow the
 * chunk grid, with tiny chunks batched; reductions grow blocks along reduced axes so most results
 * finish in one task, and split them again when a block is too large or too few to keep workers busy.
 */
import { sizeOf } from "../src/core/shape.js";
import { DEFAULT_RECHUNK_LIMITS } from "./rechunk-plan.js";

export interface BlockOptions {
  /** Chunks smaller than this are batched into one task. */
  readonly minTaskBytes: number;
  /** A task reads at most about this much. */
  readonly maxTaskBytes: number;
  /**
   * The same for reductions whose inputs are all in memory: they read them in place, so a task's own
   * memory is its partial, not its block, and fewer, larger tasks save per-task costs.
   */
  readonly maxInPlaceTaskBytes: number;
  /** Stages bigger than this are split into at least 2 × workers tasks. */
  readonly parallelMinBytes: number;
  readonly workers: number;
  /** Partials merged per combine task. */
  readonly fanIn: number;
  /** Most stages a rechunked source may go through (restage.ts); 0 reads sources as stored. */
  readonly rechunkStages: number;
}

export const DEFAULT_BLOCK_OPTIONS: BlockOptions = {
  minTaskBytes: 1 << 20,
  maxTaskBytes: 16 << 20,
  maxInPlaceTaskBytes: 64 << 20,
  parallelMinBytes: 1 << 20,
  workers: 2,
  fanIn: 16,
  rechunkStages: DEFAULT_RECHUNK_LIMITS.maxStages,
};

export interface Block {
  readonly index: readonly number[];
  readonly start: readonly number[];
  readonly shape: readonly number[];
}

/** Batch tiny chunks: grow the innermost axes first, in whole chunks, so blocks stay contiguous. */
export function elementwiseBlockShape(shape: readonly number[], chunk: readonly number[], itemBytes: number, o: BlockOptions): number[] {
  const b = [...chunk];
  for (let d = shape.length - 1; d >= 0; d--) {
    const bytes = sizeOf(b) * itemBytes;
    if (bytes >= o.minTaskBytes) break;
    if (b[d]! >= shape[d]!) continue;
    const factor = Math.ceil(o.minTaskBytes / Math.max(bytes, 1));
    b[d] = Math.min(shape[d]!, b[d]! * factor);
  }
  return b;
}

function halveLargest(b: number[], axes: readonly number[]): boolean {
  for (const d of axes) {
    if (b[d]! > 1) {
      b[d] = Math.ceil(b[d]! / 2);
      return true;
    }
  }
  return false;
}

export function reductionBlockShape(
  shape: readonly number[], chunk: readonly number[], reduced: readonly boolean[], itemBytes: number, o: BlockOptions, wholeAxes: boolean,
): number[] {
  const b = chunk.map((c, i) => (reduced[i] ? Math.max(shape[i]!, 1) : c));
  const keepAxes = shape.map((_, i) => i).filter((i) => !reduced[i]);
  const redAxes = shape.map((_, i) => i).filter((i) => reduced[i]);
  const bytes = () => sizeOf(b) * itemBytes;
  while (bytes() > o.maxTaskBytes && halveLargest(b, keepAxes));
  if (!wholeAxes) while (bytes() > o.maxTaskBytes && halveLargest(b, redAxes));
  const total = sizeOf(shape) * itemBytes;
  const count = () => shape.reduce((n, s, i) => n * Math.ceil(Math.max(s, 1) / b[i]!), 1);
  if (total > o.parallelMinBytes) {
    while (count() < 2 * o.workers) {
      if (halveLargest(b, keepAxes)) continue;
      if (wholeAxes || !halveLargest(b, redAxes)) break;
    }
  }
  return b;
}

/**
 * Blocks for a reduction that reads file-backed chunks: kept axes stay one chunk wide (no chunk is
 * read by two tasks), reduced axes grow by whole chunks up to the task size. Groups along the
 * reduced axes then run as chains, so one partial per output block is alive at a time.
 */
export function chunkedReductionBlockShape(shape: readonly number[], chunk: readonly number[], reduced: readonly boolean[], itemBytes: number, o: BlockOptions): number[] {
  const b = [...chunk];
  for (let d = shape.length - 1; d >= 0; d--) {
    if (!reduced[d]) continue;
    const bytes = sizeOf(b) * itemBytes;
    const factor = Math.max(1, Math.floor(o.maxTaskBytes / Math.max(bytes, 1)));
    b[d] = Math.min(Math.max(shape[d]!, 1), b[d]! * factor);
  }
  return b;
}

export function enumerateBlocks(shape: readonly number[], block: readonly number[]): Block[] {
  const nd = shape.length;
  const counts = shape.map((s, i) => Math.max(1, Math.ceil(s / block[i]!)));
  if (shape.some((s) => s === 0)) return [{ index: shape.map(() => 0), start: shape.map(() => 0), shape: [...shape] }];
  const out: Block[] = [];
  const idx = new Array<number>(nd).fill(0);
  const total = counts.reduce((a, b) => a * b, 1);
  for (let k = 0; k < total; k++) {
    const start = idx.map((i, d) => i * block[d]!);
    out.push({ index: [...idx], start, shape: start.map((s, d) => Math.min(block[d]!, shape[d]! - s)) });
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d]! < counts[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}
