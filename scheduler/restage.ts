/**
 * Rechunking inside a plan: when a stage's blocks cut across a source's chunks so much that its
 * tasks would decode the same chunks many times over, the region the stage reads is first copied,
 * chunk by chunk, into intermediate stores (see rechunk-plan.ts for their chunk shapes), and the
 * stage reads the last store instead, whole chunks only. Pure: leaves and block shapes in, tasks out.
 */
import { sizeOf } from "../src/core/shape.js";
import { enumerateBlocks } from "./blocks.js";
import type { AxisMap, LeafDesc, SourceLeaf } from "./fuse.js";
import { rechunkStages, type RechunkLimits, type RechunkStage } from "./rechunk-plan.js";
import { alignedRange, elementBytes, type SourceInfo, type Task } from "./task.js";

/** The internal reader of intermediate stores (never named by a user's graph). */
export const STORE_READER = "store";

/** Rechunk only when single-stage reads would decode at least this many times the region. */
export const MIN_AMPLIFICATION = 4;

export interface RestageContext {
  readonly limits: RechunkLimits;
  /** A plan-unique key for a task of this stage. */
  key(kind: string, idx: readonly number[]): string;
  addTask(t: Task): void;
  /** Registers a store, to be removed once task `dropAfter` completes; returns its plan-unique id. */
  addStore(dropAfter: string): number;
  /** The key of the consuming stage's barrier. */
  readonly consumerReady: string;
}

/** The chunk-aligned length around [lo, hi] on an axis chunked by `ch` of length `full`. */
function alignedLength(lo: number, hi: number, ch: number, full: number): number {
  const [a0, a1] = alignedRange({ lo, hi, empty: false }, ch, full);
  return a1 - a0;
}

/** Elements decoded along axis `j` by all blocks of a stage reading it from `source` chunks. */
function decodedAlong(m: AxisMap, source: SourceInfo, j: number, stageShape: readonly number[], block: readonly number[]): number {
  const ch = source.chunks[j]!, full = source.fullShape[j]!;
  if (m.a < 0) return alignedLength(m.c, m.c, ch, full);
  let n = 0;
  for (let s = 0; s < stageShape[m.a]!; s += block[m.a]!) n += alignedLength(m.c + s, m.c + Math.min(stageShape[m.a]!, s + block[m.a]!) - 1, ch, full);
  return n;
}

/**
 * Readers whose chunks are units of storage, each decoded whole to read any part of it. The others
 * read any window at their own grain (npy rows, GeoTIFF tiles), so their `chunks` are only a grid.
 */
const WHOLE_CHUNK_READERS: ReadonlySet<string> = new Set(["zarr"]);

/** Leaves this pass can move: a chunked store whose every axis follows one stage axis forward, or is a constant. */
function movable(l: LeafDesc): l is SourceLeaf {
  return l.kind === "source" && WHOLE_CHUNK_READERS.has(l.source.reader) && l.axes.every((m) => m.a < 0 || m.s === 1);
}

/**
 * The stage's leaves with heavily re-read sources swapped for intermediate stores (their copy tasks
 * added to the context), and the barriers the stage must now wait for.
 */
export function restage(leaves: readonly LeafDesc[], stageShape: readonly number[], block: readonly number[], ctx: RestageContext): { leaves: LeafDesc[]; deps: string[] } {
  const groups = new Map<string, number[]>();
  leaves.forEach((l, i) => {
    if (!movable(l)) return;
    const k = JSON.stringify(l.source);
    const g = groups.get(k);
    if (g === undefined) groups.set(k, [i]);
    else g.push(i);
  });
  const out = [...leaves];
  const deps: string[] = [];
  let groupNo = 0;
  for (const members of groups.values()) {
    const group = members.map((i) => leaves[i] as SourceLeaf);
    const moved = restageGroup(group, stageShape, block, ctx, groupNo++);
    if (moved === undefined) continue;
    members.forEach((i, k) => (out[i] = moved.leaves[k]!));
    deps.push(moved.ready);
  }
  return { leaves: out, deps };
}

/** The region of the source a stage's leaves read (their union), and the block each task reads of it. */
function regionOf(group: readonly SourceLeaf[], stageShape: readonly number[], block: readonly number[]): { lo: number[]; extent: number[]; target: number[] } {
  const nd = group[0]!.source.fullShape.length;
  const lo = new Array<number>(nd).fill(Infinity), hi = new Array<number>(nd).fill(-Infinity);
  const to = new Array<number>(nd).fill(Infinity);
  for (const l of group) {
    l.axes.forEach((m, j) => {
      lo[j] = Math.min(lo[j]!, m.c);
      hi[j] = Math.max(hi[j]!, m.c + (m.a < 0 ? 1 : stageShape[m.a]!) - 1);
      if (m.a >= 0) to[j] = Math.min(to[j]!, block[m.a]!);
    });
  }
  const extent = lo.map((v, j) => hi[j]! - v + 1);
  // a constant axis is read whole by every task
  return { lo, extent, target: to.map((v, j) => (v === Infinity ? extent[j]! : v)) };
}

/** The stages worth running for a group: null when reading as stored wastes too little to pay for them. */
function stagesFor(group: readonly SourceLeaf[], stageShape: readonly number[], block: readonly number[], region: ReturnType<typeof regionOf>, item: number, limits: RechunkLimits): RechunkStage[] | null {
  const source = group[0]!.source;
  // what single-stage reads would decode, against decoding the region once
  let single = 0;
  for (const l of group) single += l.axes.reduce((p, m, j) => p * decodedAlong(m, source, j, stageShape, block), 1);
  const once = region.extent.reduce((p, e, j) => p * alignedLength(region.lo[j]!, region.lo[j]! + e - 1, source.chunks[j]!, source.fullShape[j]!), 1);
  if (single < MIN_AMPLIFICATION * once) return null;
  const stages = rechunkStages(region.extent, source.chunks, region.target, item, limits);
  // each stage writes and reads the region once more: worth it only against enough waste
  return stages === null || stages.length === 0 || single < (2 + 2 * stages.length) * once ? null : stages;
}

function restageGroup(group: readonly SourceLeaf[], stageShape: readonly number[], block: readonly number[], ctx: RestageContext, groupNo: number): { leaves: SourceLeaf[]; ready: string } | undefined {
  if (stageShape.some((s) => s === 0)) return undefined;
  const source = group[0]!.source;
  const item = elementBytes(source);
  const region = regionOf(group, stageShape, block);
  const stages = stagesFor(group, stageShape, block, region, item, ctx.limits);
  if (stages === null) return undefined;
  const { lo, extent } = region;
  let from: SourceInfo = source;
  let fromOrigin = lo;
  let ready: string | undefined;
  stages.forEach(({ chunks, box }, k) => {
    // an intermediate store goes once the next stage has copied it, the last once the stage is done
    const id = ctx.addStore(k === stages.length - 1 ? ctx.consumerReady : ctx.key(`rechunk${groupNo}.${k + 1}`, [-1]));
    const store: SourceInfo = { reader: STORE_READER, params: { store: id, chunks, dtype: source.dtype, masked: source.masked }, fullShape: extent, chunks, dtype: source.dtype, masked: source.masked };
    const keys: string[] = [];
    for (const blk of enumerateBlocks(extent, box)) {
      const start = blk.start.map((s, d) => s + fromOrigin[d]!);
      const aligned = blk.shape.reduce((p, s, d) => p * alignedLength(start[d]!, start[d]! + s - 1, from.chunks[d]!, from.fullShape[d]!), 1);
      // a box that cuts chunks reads them through one chunk of scratch (whole chunks go straight into place)
      const viaChunk = aligned > sizeOf(blk.shape);
      const scratch = viaChunk ? sizeOf(blk.shape) + sizeOf(from.chunks) : aligned;
      const key = ctx.key(`rechunk${groupNo}.${k}`, blk.index);
      ctx.addTask({
        key,
        deps: ready === undefined ? [] : [ready],
        spec: { kernel: "rechunk", from, box: { start, shape: blk.shape }, viaChunk, store, at: blk.start },
        bytes: (scratch + sizeOf(chunks)) * item,
      });
      keys.push(key);
    }
    const barrier = ctx.key(`rechunk${groupNo}.${k}`, [-1]);
    ctx.addTask({ key: barrier, deps: keys, spec: { kernel: "barrier" }, bytes: 0 });
    ready = barrier;
    from = store;
    fromOrigin = extent.map(() => 0);
  });
  const leaves = group.map((l): SourceLeaf => ({ kind: "source", source: from, axes: l.axes.map((m, j) => ({ c: m.c - lo[j]!, a: m.a, s: m.s })) }));
  return { leaves, ready: ready! };
}
