/**
 * The SIMD path of the map and reduce kernels: when every leaf is walked contiguously along the
 * innermost loop axis, each run is copied in cache-sized pieces into WebAssembly memory (the only
 * memory a kernel can address) and evaluated there, four float32 or two float64 lanes at a time.
 * A reduction's accumulators are mirrored into that memory for the region and copied back once.
 * Returns false, having touched nothing, when the loop does not fit; the JS loops then run.
 */
import type { TypedArray } from "../../src/core/dtype.js";
import type { Program } from "../../scheduler/program.js";
import type { Coalesced } from "../codegen/coalesce.js";
import type { Accumulators, Operand, PartialFn } from "../codegen/loops.js";
import { outPointers, type SimdMode } from "../codegen/wasm/kernel.js";
import { simdLane, simdPaysOff, type Lane } from "../codegen/wasm/ops.js";
import { simdEnabled, simdKernel, simdMemory, type SimdRun } from "../codegen/wasm/runtime.js";

/** Elements per staged piece: a piece of every leaf and its accumulators stay in L1/L2. */
const PIECE = 2048;
/** Largest accumulator span mirrored into kernel memory (float64 elements). */
const MAX_MIRROR = 1 << 18;

let regions = 0;
let forced = false;

/** Tests run every program the table covers through SIMD, paying off or not. */
export function forceSimd(on: boolean): void {
  forced = on;
}

/** Regions this thread has run through the SIMD path (for tests that must know which path ran). */
export function simdRegions(): number {
  return regions;
}

const ARRAY_OF: Record<Lane, typeof Float32Array | typeof Float64Array> = { f32: Float32Array, f64: Float64Array };

function eligible(p: Program, kind: "map" | "reduce", leaves: readonly Operand[], c: Coalesced): Lane | null {
  if (!simdEnabled() || c.shape.length === 0 || c.shape.includes(0)) return null;
  const lane = simdLane(p);
  if (lane === null || (!forced && !simdPaysOff(p, lane, kind))) return null;
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

interface Staging {
  run: SimdRun;
  /** Byte address of each leaf's piece. */
  leafAt: number[];
  views: TypedArray[];
}

/** Kernel memory laid out for a region (null when it cannot grow: the JS loops run instead). */
function stage(p: Program, lane: Lane, mode: SimdMode, nLeaves: number, base: number): Staging | null {
  const size = lane === "f32" ? 4 : 8;
  const leafAt = Array.from({ length: nLeaves }, (_, j) => base + j * PIECE * size);
  let buf: ArrayBuffer;
  try {
    buf = simdMemory(base + nLeaves * PIECE * size);
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
  return { run: simdKernel(p, lane, mode), leafAt, views: leafAt.map((at) => new ARRAY_OF[lane](buf, at, PIECE)) };
}

function copyIn(s: Staging, leaves: readonly Operand[], pos: readonly number[], from: number, k: number): void {
  for (let j = 0; j < leaves.length; j++) {
    const at = pos[j]! + from;
    s.views[j]!.set(leaves[j]!.data.subarray(at, at + k) as never);
  }
}

/** out[...] = program(leaves) with the output walked contiguously too (last operand of `c`). */
export function simdMap(p: Program, leaves: readonly Operand[], out: Operand, c: Coalesced): boolean {
  const lane = eligible(p, "map", leaves, c);
  const L = leaves.length;
  if (lane === null || c.strides[L]![c.shape.length - 1] !== 1 || out.mask !== undefined || !(out.data instanceof ARRAY_OF[lane])) return false;
  const size = lane === "f32" ? 4 : 8;
  const s = stage(p, lane, "map", L, PIECE * size);
  if (s === null) return false;
  const outView = new ARRAY_OF[lane](simdMemory(0), 0, PIECE);
  const m = c.shape[c.shape.length - 1]!;
  for (const pos of runStarts(c, [...leaves.map((l) => l.offset), out.offset])) {
    for (let from = 0; from < m; from += PIECE) {
      const k = Math.min(PIECE, m - from);
      copyIn(s, leaves, pos, from, k);
      s.run(k, ...s.leafAt, 0);
      const at = pos[L]! + from;
      out.data.set(outView.subarray(0, k) as never, at);
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
  if (span > MAX_MIRROR) return false;
  const arrays = fn === "moments" ? [acc.a, acc.q!, acc.sh!] : [acc.a];
  const mode: SimdMode = `${fn}-${row ? "row" : "scalar"}`;
  // stage first: it grows the memory, which would detach views made before
  const s = stage(p, lane, mode, L, arrays.length * span * 8);
  if (s === null) return false;
  const buf = simdMemory(0);
  const mirrors = arrays.map((a, i) => {
    const v = new Float64Array(buf, i * span * 8, span);
    v.set(a.subarray(accOffset, accOffset + span));
    return v;
  });
  const m = c.shape[nd - 1]!;
  const ptrs = new Array<number>(outPointers(mode)).fill(0);
  for (const pos of runStarts(c, [...leaves.map((l) => l.offset), 0])) {
    for (let from = 0; from < m; from += PIECE) {
      const k = Math.min(PIECE, m - from);
      copyIn(s, leaves, pos, from, k);
      const at = (pos[L]! + (row ? from : 0)) * 8;
      for (let i = 0; i < ptrs.length; i++) ptrs[i] = i * span * 8 + at;
      s.run(k, ...s.leafAt, ...ptrs);
    }
  }
  // the shift (sh) is read only
  arrays.slice(0, fn === "moments" ? 2 : 1).forEach((a, i) => a.set(mirrors[i]!, accOffset));
  regions++;
  return true;
}
