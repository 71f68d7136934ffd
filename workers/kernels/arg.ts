/**
 * One-pass argmin/argmax: each block keeps a (value, global index) pair per output element, pairs
 * merge in the reduction tree, and the finalize writes the indices. The block is read once.
 * Order: first occurrence wins ties (blocks visit their reduced positions in increasing index; a
 * merge keeps the smaller index on equal values). argmin/argmax: the first NaN wins, as in NumPy.
 * nanargmin/nanargmax: NaN is skipped; a slice with nothing else keeps index -1.
 */
import { DTYPES, allocate, type DTypeName, type TypedArray } from "../../src/core/dtype.js";
import type { ArgFn } from "../../src/graph/ops.js";
import type { Program } from "../../scheduler/program.js";
import type { Operand } from "../codegen/loops.js";
import { evalRegion } from "./region.js";

/** Where the block's indices start: global index = base + Σ blockIndex[d] * strides[d] (0 on kept axes). */
export interface ArgIndex {
  readonly base: number;
  readonly strides: readonly number[];
}

export interface ArgPartial {
  fn: ArgFn;
  /** The best value so far per output element (its dtype: float64, or the 64-bit integer dtype). */
  a: TypedArray;
  /** Its global index, -1 while none was seen. */
  i: Float64Array;
  n: number;
}

const wantsMin = (fn: ArgFn): boolean => fn === "argmin" || fn === "nanargmin";
const skipsNaN = (fn: ArgFn): boolean => fn === "nanargmin" || fn === "nanargmax";

/** Is `v` strictly better than `best` (ties are not)? */
function beats(v: number | bigint, best: number | bigint, min: boolean, skipNaN: boolean): boolean {
  if (!skipNaN) {
    if (best !== best) return false;
    if (v !== v) return true;
  }
  return min ? v < best : v > best;
}

export function runArgPartial(fn: ArgFn, program: Program, shape: readonly number[], leaves: readonly Operand[], reduced: readonly boolean[], index: ArgIndex, shared: boolean): ArgPartial {
  const r = evalRegion(program, shape, leaves);
  if (r.mask !== undefined) throw new Error(`${fn}: masked values reached the kernel (they are filled before)`);
  const nd = shape.length;
  const nOut = shape.reduce((a, s, d) => (reduced[d] ? a : a * s), 1);
  const accType: DTypeName = DTYPES[r.dtype].big ? r.dtype : "float64";
  const a = allocate(accType, nOut, shared);
  const idx = shared ? new Float64Array(new SharedArrayBuffer(nOut * 8)) : new Float64Array(nOut);
  idx.fill(-1);
  const accStrides = new Array<number>(nd).fill(0);
  for (let d = nd - 1, st = 1; d >= 0; d--) {
    if (!reduced[d]) {
      accStrides[d] = st;
      st *= shape[d]!;
    }
  }
  const min = wantsMin(fn), skip = skipsNaN(fn);
  const data = r.data;
  const total = data.length;
  if (total > 0) {
    // rows along the last axis; the odometer walks the others
    const inner = nd === 0 ? 1 : shape[nd - 1]!;
    const sa = nd === 0 ? 0 : accStrides[nd - 1]!;
    const si = nd === 0 ? 0 : index.strides[nd - 1]!;
    const k = new Array<number>(Math.max(nd - 1, 0)).fill(0);
    let accBase = 0, idxBase = index.base;
    for (let p = 0; p < total; p += inner) {
      let ai = accBase, gi = idxBase;
      for (let j = 0; j < inner; j++, ai += sa, gi += si) {
        const v = data[p + j]!;
        if (skip && v !== v) continue;
        if (idx[ai]! < 0 || beats(v, a[ai]!, min, skip)) {
          a[ai] = v as never;
          idx[ai] = gi;
        }
      }
      for (let d = nd - 2; d >= 0; d--) {
        accBase += accStrides[d]!;
        idxBase += index.strides[d]!;
        if (++k[d]! < shape[d]!) break;
        accBase -= accStrides[d]! * shape[d]!;
        idxBase -= index.strides[d]! * shape[d]!;
        k[d] = 0;
      }
    }
  }
  return { fn, a, i: idx, n: total / Math.max(nOut, 1) };
}

/** Merge pairs of the same output region: the better value, the smaller index on a tie. */
export function combineArg(parts: readonly ArgPartial[]): ArgPartial {
  const first = parts[0]!;
  if (parts.length === 1) return first;
  const min = wantsMin(first.fn), skip = skipsNaN(first.fn);
  const a = first.a.slice() as TypedArray;
  const idx = first.i.slice();
  let n = first.n;
  for (let k = 1; k < parts.length; k++) {
    const p = parts[k]!;
    for (let o = 0; o < idx.length; o++) {
      const pi = p.i[o]!;
      if (pi < 0) continue;
      const v = p.a[o]!, best = a[o]!;
      const tie = v === best || (v !== v && best !== best);
      if (idx[o]! < 0 || (tie ? pi < idx[o]! : beats(v, best, min, skip))) {
        a[o] = v as never;
        idx[o] = pi;
      }
    }
    n += p.n;
  }
  return { fn: first.fn, a, i: idx, n };
}

/** Write the indices (int64) into the output operand, C order over `outShape`. */
export function finalizeArg(p: ArgPartial, out: Operand, outShape: readonly number[]): void {
  const nd = outShape.length;
  const k = new Array<number>(nd).fill(0);
  let pos = out.offset;
  const big = out.data instanceof BigInt64Array || out.data instanceof BigUint64Array;
  for (let o = 0; o < p.i.length; o++) {
    out.data[pos] = (big ? BigInt(p.i[o]!) : p.i[o]!) as never;
    for (let d = nd - 1; d >= 0; d--) {
      pos += out.strides[d]!;
      if (++k[d]! < outShape[d]!) break;
      pos -= out.strides[d]! * outShape[d]!;
      k[d] = 0;
    }
  }
}
