/**
 * Tasks are data: a key, a kernel name from a closed table, plain arguments, and the keys they wait on.
 * Buffers are named by id; the executor swaps ids for shared typed arrays when a task is sent.
 */
import { DTYPES, type DTypeName } from "../src/core/dtype.js";
import type { ReduceFn } from "../src/graph/ops.js";
import type { Program } from "./program.js";
import type { AlongParams } from "../src/graph/along.js";
import type { SearchMode } from "../src/graph/search.js";

/** A strided view of a plan buffer, in elements. */
export interface OperandSpec {
  readonly buf: number;
  readonly offset: number;
  readonly strides: readonly number[];
}

/** A file-backed source as the reader sees it. */
export interface SourceInfo {
  readonly reader: string;
  readonly params: { readonly [k: string]: unknown };
  readonly fullShape: readonly number[];
  readonly chunks: readonly number[];
  readonly dtype: DTypeName;
  readonly masked: boolean;
}

/** One axis of a source leaf: source index = c + s * blockIndex[a] (a = -1: the constant c). */
export interface SourceAxis {
  readonly c: number;
  readonly a: number;
  readonly s: number;
}

/**
 * A source read inside the consuming task (read fusion): the task reads the chunk-aligned box of
 * the source that its block touches into its own scratch memory, so a larger-than-memory source is
 * never held whole. `source` and `axes` (at the stage's index 0) are shared by every task of a
 * stage; only the block differs, which keeps plans of 100,000 tasks small.
 */
export interface SourceLeafSpec {
  readonly source: SourceInfo;
  readonly axes: readonly SourceAxis[];
  readonly start: readonly number[];
  readonly shape: readonly number[];
}

/**
 * Where a source leaf's block lies along source axis `j`: the coordinate at the block start (`c`),
 * the range it touches [lo, hi], and whether that range is empty (a zero-length block axis).
 */
function axisSpan(l: SourceLeafSpec, j: number): { c: number; lo: number; hi: number; empty: boolean } {
  const m = l.axes[j]!;
  const c = m.a >= 0 ? m.c + m.s * l.start[m.a]! : m.c;
  const len = m.a >= 0 ? l.shape[m.a]! : 1;
  if (len <= 0) return { c, lo: c, hi: c, empty: true };
  const last = c + (m.a >= 0 ? m.s * (len - 1) : 0);
  return { c, lo: Math.min(c, last), hi: Math.max(c, last), empty: false };
}

/** Bytes per element of data and, when masked, its mask byte. */
export function elementBytes(x: { readonly dtype: DTypeName; readonly masked: boolean }): number {
  return DTYPES[x.dtype].bytes + (x.masked ? 1 : 0);
}

/** The chunk-aligned range [a0, a1) around a span on an axis chunked by `ch` (empty spans: a0 = a1). */
export function alignedRange(span: { lo: number; hi: number; empty: boolean }, ch: number, full: number): [number, number] {
  const a0 = Math.floor(span.lo / ch) * ch;
  return [a0, span.empty ? a0 : Math.min(full, (Math.floor(span.hi / ch) + 1) * ch)];
}

/** The chunk-aligned box a source leaf reads for its block, and its axes at the block start. */
export function sourceBox(l: SourceLeafSpec): { start: number[]; shape: number[]; axes: SourceAxis[] } {
  const bs: number[] = [], bz: number[] = [];
  const axes = l.axes.map((m, j) => {
    const span = axisSpan(l, j);
    const [a0, a1] = alignedRange(span, l.source.chunks[j]!, l.source.fullShape[j]!);
    bs.push(a0);
    bz.push(a1 - a0);
    return { c: span.c, a: m.a, s: m.s };
  });
  return { start: bs, shape: bz, axes };
}

/** The box a source leaf's block actually touches, not rounded out to chunks (same axes as `sourceBox`). */
export function footprintBox(l: SourceLeafSpec): { start: number[]; shape: number[] } {
  const start: number[] = [], shape: number[] = [];
  l.axes.forEach((_, j) => {
    const span = axisSpan(l, j);
    start.push(span.empty ? span.c : span.lo);
    shape.push(span.empty ? 0 : span.hi - span.lo + 1);
  });
  return { start, shape };
}

/**
 * How a task reads a source leaf. When whole chunks would bring in much more than the block touches
 * (a median over time of a stack chunked one image at a time reads a sliver of every chunk), the
 * task reads just its footprint, a chunk at a time through one chunk of scratch: memory stays the
 * footprint plus one chunk instead of growing with the chunks' size (rechunking in bounded memory).
 */
export function sourceReadPlan(l: SourceLeafSpec): { box: { start: number[]; shape: number[] }; axes: SourceAxis[]; viaChunk: boolean; bytes: number } {
  const aligned = sourceBox(l);
  const tight = footprintBox(l);
  const item = elementBytes(l.source);
  const vol = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  if (vol(aligned.shape) <= 2 * vol(tight.shape)) return { box: aligned, axes: aligned.axes, viaChunk: false, bytes: vol(aligned.shape) * item };
  return { box: tight, axes: aligned.axes, viaChunk: true, bytes: (vol(tight.shape) + vol(l.source.chunks)) * item };
}

/** `sourceReadPlan(l).bytes` without building boxes: lowering asks this of every task (100,000 of them in big plans). */
export function sourceScratchBytes(l: SourceLeafSpec): number {
  let aligned = 1, tight = 1, chunk = 1;
  for (let j = 0; j < l.axes.length; j++) {
    chunk *= l.source.chunks[j]!;
    const span = axisSpan(l, j);
    if (span.empty) {
      aligned = tight = 0;
      continue;
    }
    const [a0, a1] = alignedRange(span, l.source.chunks[j]!, l.source.fullShape[j]!);
    tight *= span.hi - span.lo + 1;
    aligned *= a1 - a0;
  }
  const item = elementBytes(l.source);
  return aligned <= 2 * tight ? aligned * item : (tight + chunk) * item;
}

export type LeafSpec = OperandSpec | SourceLeafSpec;

export function isSourceLeaf(l: LeafSpec): l is SourceLeafSpec {
  return "source" in l;
}

export type TaskSpec =
  | { readonly kernel: "map"; readonly program: Program; readonly shape: readonly number[]; readonly leaves: readonly LeafSpec[]; readonly out: OperandSpec }
  | {
      readonly kernel: "reduce";
      readonly program: Program;
      readonly shape: readonly number[];
      readonly leaves: readonly LeafSpec[];
      readonly reduced: readonly boolean[];
      readonly fn: ReduceFn;
      readonly ddof: number;
      readonly out: OperandSpec | null;
      readonly outDType: DTypeName;
      /** Merge the dependencies' partials into this one (a chain keeps one partial alive per output block). */
      readonly merge?: boolean;
      /** arg reductions: the block's global indices are base + Σ blockIndex[d] * strides[d]. */
      readonly argIndex?: { readonly base: number; readonly strides: readonly number[] };
    }
  | {
      /** Merge the dependencies' partials (unique: sorted runs); write the result when `out` is given. */
      readonly kernel: "combine";
      readonly fn: ReduceFn | "unique";
      readonly ddof: number;
      readonly out: OperandSpec | null;
      readonly outShape: readonly number[];
      readonly outDType: DTypeName;
    }
  | {
      readonly kernel: "median";
      readonly program: Program;
      readonly shape: readonly number[];
      readonly leaves: readonly LeafSpec[];
      readonly reduced: readonly boolean[];
      readonly out: OperandSpec;
      readonly outDType: DTypeName;
    }
  | {
      /** Whole-axis kernels (scan, quantile, unique, bincount); with `out` null bincount returns a sum partial, unique a sorted run. */
      readonly kernel: "along";
      readonly program: Program;
      readonly shape: readonly number[];
      readonly leaves: readonly LeafSpec[];
      readonly reduced: readonly boolean[];
      readonly params: AlongParams;
      readonly qStride: number;
      readonly out: OperandSpec | null;
      readonly outDType: DTypeName;
    }
  | {
      /** Binary search of the fused chain's values in a sorted 1-d table (src/graph/search.ts). */
      readonly kernel: "search";
      readonly program: Program;
      readonly shape: readonly number[];
      readonly leaves: readonly LeafSpec[];
      /** The whole table (every task reads all of it). */
      readonly table: OperandSpec;
      readonly tableLength: number;
      readonly mode: SearchMode;
      readonly out: OperandSpec;
    }
  | {
      readonly kernel: "take";
      readonly src: OperandSpec;
      /** One per indexed axis, strided over the broadcast index shape (0 where broadcast). */
      readonly indices: readonly OperandSpec[];
      readonly axes: readonly number[];
      readonly srcShape: readonly number[];
      readonly bAt: number;
      readonly bNdim: number;
      readonly start: readonly number[];
      readonly shape: readonly number[];
      readonly out: OperandSpec;
    }
  | {
      readonly kernel: "read";
      readonly reader: string;
      readonly params: { readonly [k: string]: unknown };
      readonly start: readonly number[];
      readonly shape: readonly number[];
      readonly fullShape: readonly number[];
      readonly out: OperandSpec;
    }
  | {
      /**
       * Copy `box` of `from` (read through one chunk of scratch with `viaChunk`) into whole chunks of
       * an intermediate store, where the box starts at `at` (restage.ts).
       */
      readonly kernel: "rechunk";
      readonly from: SourceInfo;
      readonly box: { readonly start: readonly number[]; readonly shape: readonly number[] };
      readonly viaChunk: boolean;
      readonly store: SourceInfo;
      readonly at: readonly number[];
    }
  | { readonly kernel: "barrier" };

export type KernelName = TaskSpec["kernel"];

/** The operand a task writes, if any. */
export function outOperand(spec: TaskSpec): OperandSpec | null {
  return spec.kernel === "barrier" || spec.kernel === "rechunk" ? null : spec.out;
}

export interface Task {
  readonly key: string;
  readonly deps: readonly string[];
  readonly spec: TaskSpec;
  /** Estimated bytes the task reads and writes (for batching and memory accounting). */
  readonly bytes: number;
}

/** A whole array the plan computes or reads; `payload` buffers exist before the plan runs. */
export interface PlanBuffer {
  readonly id: number;
  readonly dtype: DTypeName;
  readonly shape: readonly number[];
  readonly masked: boolean;
  /** Element strides of the buffer's own layout (C order, or an alias's reshaped view). */
  readonly strides: readonly number[];
  readonly payload?: { readonly data: import("../src/core/dtype.js").TypedArray; readonly mask?: Uint8Array };
  /** Shares the storage of another buffer (reshape of contiguous data). */
  readonly aliasOf?: number;
  /** Key of the barrier task that completes when the buffer is fully written. */
  readonly ready?: string;
}

/** An intermediate store of a rechunked source (restage.ts). */
export interface StoreSpec {
  readonly id: number;
  /** The task after which nothing reads the store any more. */
  readonly dropAfter: string;
}

export interface Plan {
  readonly buffers: readonly PlanBuffer[];
  readonly tasks: readonly Task[];
  readonly result: number;
  /** Intermediate stores of rechunked sources (on disk while the plan runs). */
  readonly stores?: readonly StoreSpec[];
}
