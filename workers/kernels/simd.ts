/**
 * The SIMD path of the map and reduce kernels: when every leaf is walked contiguously along the
 * innermost loop axis, the program runs in WebAssembly, four float32 or two float64 lanes at a
 * time. Operands in the arena (src/core/arena.ts) are read and written in place; others are
 * copied in cache-sized pieces into this thread's scratch (the only other memory a kernel can
 * address). A reduction's accumulators are mirrored into scratch for the region and copied back once.
 * Returns false, having touched nothing, when the loop does not fit; the JS loops then run.
 */
import type { TypedArray } from "../../src/core/dtype.js";
import type { Program } from "../../scheduler/program.js";
import type { Coalesced } from "../codegen/coalesce.js";
import type { Accumulators, Operand, PartialFn } from "../codegen/loops.js";
import { outPointers, type SimdMode } from "../codegen/wasm/kernel.js";
import { simdLane, simdPaysOff, type Lane } from "../codegen/wasm/ops.js";
import { simdEnabled, simdKernel, simdReadsArena, simdScratch, type SimdRun } from "../codegen/wasm/runtime.js";

/** Elements per staged piece: a piece of every leaf and its accumulators stay in L1/L2. */
const PIECE = 2048;
/** Largest accumulator span mirrored into scratch (float64 elements; three spans fit a slot). */
const MAX_MIRROR = 1 << 17;

let regions = 0;
let staged = 0;
let forced = false;

/** Tests run every program the table covers through SIMD, paying off or not. */
export function forceSimd(on: boolean): void {
  forced = on;
}

/** Regions this thread has run through the SIMD path (for tests that must know which path ran). */
export function simdRegions(): number {
  return regions;
}

/** Pieces of operands this thread has copied into scratch (for tests that arena operands are read in place). */
export function simdStagedPieces(): number {
  return staged;
}

const ARRAY_OF: Record<Lane, new (buffer: ArrayBufferLike, byteOffset: number, length: number) => Float32Array | Float64Array> = { f32: Float32Array, f64: Float64Array };
const LANE_BYTES: Record<Lane, number> = { f32: 4, f64: 8 };

function eligible(p: Program, kind: "map" | "reduce", leaves: readonly Operand[], c: Coalesced): Lane | null {
  if (!simdEnabled() || c.shape.length === 0 || c.shape.includes(0)) return null;
  const lane = simdLane(p);
  if (lane === null || (!forced && !simdPaysOff(p, lane, kind, simdReadsArena() && leaves.every((l) => l.arena === true)))) return null;
  const inner = c.shape.length - 1;
  for (let j = 0; j < leaves.length; j++) {
    if (c.strides[j]![inner] !== 1 || !(leaves[j]!.data instanceof ARRAY_OF[lane])) return null;
  }
  return lane;
}

/** Offsets of every operand at each run start (all axes but the innermost), in C order. */
function* runStarts(c: Coalesced, offsets: readonly number[]): Generator<readonly number[]> {
  const nd = c.shape.length;
  const pos = [...offsets];
  const idx = new Array<number>(nd - 1).fill(0);
  const total = c.shape.slice(0, nd - 1).reduce((a, b) => a * b, 1);
  for (let r = 0; r < total; r++) {
    yield pos;
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      for (let j = 0; j < pos.length; j++) pos[j]! += c.strides[j]![d]!;
      if (idx[d]! < c.shape[d]!) break;
      for (let j = 0; j < pos.length; j++) pos[j]! -= c.strides[j]![d]! * c.shape[d]!;
      idx[d] = 0;
    }
  }
}

/**
 * How each operand reaches the kernel: in place (an arena operand, at its own address) or
 * through a staged piece of scratch.
 */
interface Staging {
  run: SimdRun;
  /** Scratch memory: the buffer, and the byte address where the region (the caller's head bytes first) starts. */
  buffer: ArrayBufferLike;
  head: number;
  /** Per operand: its staging view, or null when the kernel reads it in place. */
  views: (TypedArray | null)[];
  /** Byte address of each staged piece (unused for in-place operands). */
  pieceAt: number[];
  /** Longest run the kernel takes at once: PIECE when anything is staged. */
  piece: number;
}

/** Scratch laid out for a region: `headBytes` for the caller, then a piece per staged operand (null when it does not fit). */
function stage(p: Program, lane: Lane, mode: SimdMode, ops: readonly Operand[], headBytes: number): Staging | null {
  const size = LANE_BYTES[lane];
  const inPlace = simdReadsArena() ? ops.map((o) => o.arena === true) : ops.map(() => false);
  const nStaged = inPlace.filter((x) => !x).length;
  const s = simdScratch(headBytes + nStaged * PIECE * size);
  if (s === null) return null;
  let at = s.base + headBytes;
  const pieceAt = inPlace.map((x) => (x ? -1 : (at += PIECE * size) - PIECE * size));
  const views = inPlace.map((x, j) => (x ? null : new ARRAY_OF[lane](s.buffer, pieceAt[j]!, PIECE)));
  return { run: simdKernel(p, lane, mode), buffer: s.buffer, head: s.base, views, pieceAt, piece: nStaged === 0 ? Infinity : PIECE };
}

/** The kernel's address of operand j's elements from `at` on, staging k of them first when it is not in place. */
function leafPointer(s: Staging, o: Operand, j: number, at: number, k: number, size: number): number {
  const v = s.views[j];
  if (v === null) return o.data.byteOffset + at * size;
  v.set(o.data.subarray(at, at + k) as never);
  staged++;
  return s.pieceAt[j]!;
}

/** out[...] = program(leaves) with the output walked contiguously too (last operand of `c`). */
export function simdMap(p: Program, leaves: readonly Operand[], out: Operand, c: Coalesced): boolean {
  const lane = eligible(p, "map", leaves, c);
  const L = leaves.length;
  if (lane === null || c.strides[L]![c.shape.length - 1] !== 1 || out.mask !== undefined || !(out.data instanceof ARRAY_OF[lane])) return false;
  const size = LANE_BYTES[lane];
  const ops = [...leaves, out];
  const s = stage(p, lane, "map", ops, 0);
  if (s === null) return false;
  const m = c.shape[c.shape.length - 1]!;
  const args = new Array<number>(L + 2);
  for (const pos of runStarts(c, ops.map((o) => o.offset))) {
    for (let from = 0; from < m; from += s.piece) {
      const k = Math.min(s.piece, m - from);
      args[0] = k;
      for (let j = 0; j < L; j++) args[1 + j] = leafPointer(s, leaves[j]!, j, pos[j]! + from, k, size);
      const outView = s.views[L];
      args[L + 1] = outView === null ? out.data.byteOffset + (pos[L]! + from) * size : s.pieceAt[L]!;
      s.run(...(args as [number, ...number[]]));
      if (outView !== null) out.data.set(outView.subarray(0, k) as never, pos[L]! + from);
    }
  }
  regions++;
  return true;
}

/**
 * Accumulate the program's values into `acc` (sum or moments partials) over the region; the last
 * operand of `c` is the accumulator index space (stride 0 on reduced axes).
 */
export function simdReduce(p: Program, fn: PartialFn, leaves: readonly Operand[], accOffset: number, acc: Accumulators, c: Coalesced): boolean {
  if (fn !== "sum" && fn !== "moments") return false;
  const lane = eligible(p, "reduce", leaves, c);
  const L = leaves.length;
  const nd = c.shape.length;
  const accStrides = c.strides[L]!;
  const row = lane !== null && accStrides[nd - 1] === 1;
  if (lane === null || (!row && accStrides[nd - 1] !== 0) || !(acc.a instanceof Float64Array) || acc.c !== undefined) return false;
  // the span of accumulators this region touches (strides are non-negative)
  const span = 1 + c.shape.reduce((sum, n, d) => sum + (n - 1) * accStrides[d]!, 0);
  const size = LANE_BYTES[lane];
  const arrays = fn === "moments" ? [acc.a, acc.q!, acc.sh!] : [acc.a];
  const mode: SimdMode = `${fn}-${row ? "row" : "scalar"}`;
  // accumulators in the arena are added into where they are; others are mirrored into scratch
  const inPlace = acc.arena === true && fn === "sum" && simdReadsArena();
  if (!inPlace && span > MAX_MIRROR) return false;
  // stage first: growing a private memory would detach views made before
  const s = stage(p, lane, mode, leaves, inPlace ? 0 : arrays.length * span * 8);
  if (s === null) return false;
  if (inPlace) {
    stagedRuns(s, leaves, c, size, 1, span, row, acc.a.byteOffset + accOffset * 8);
    regions++;
    return true;
  }
  const mirrors = arrays.map((a, i) => {
    const v = new Float64Array(s.buffer, s.head + i * span * 8, span);
    v.set(a.subarray(accOffset, accOffset + span));
    return v;
  });
  stagedRuns(s, leaves, c, size, outPointers(mode), span, row, s.head);
  // the shift (sh) is read only
  arrays.slice(0, fn === "moments" ? 2 : 1).forEach((a, i) => a.set(mirrors[i]!, accOffset));
  regions++;
  return true;
}

/**
 * The row and scalar kernels over every run of the region, leaves staged piece by piece where not
 * in place; the accumulator arrays are `span` float64s apart from byte address `accAt`.
 */
function stagedRuns(s: Staging, leaves: readonly Operand[], c: Coalesced, size: number, nOut: number, span: number, row: boolean, accAt: number): void {
  const L = leaves.length;
  const nd = c.shape.length;
  const m = c.shape[nd - 1]!;
  const args = new Array<number>(1 + L + nOut);
  for (const pos of runStarts(c, [...leaves.map((l) => l.offset), 0])) {
    for (let from = 0; from < m; from += s.piece) {
      const k = Math.min(s.piece, m - from);
      args[0] = k;
      for (let j = 0; j < L; j++) args[1 + j] = leafPointer(s, leaves[j]!, j, pos[j]! + from, k, size);
      const at = accAt + (pos[L]! + (row ? from : 0)) * 8;
      for (let i = 0; i < nOut; i++) args[1 + L + i] = i * span * 8 + at;
      s.run(...(args as [number, ...number[]]));
    }
  }
}
