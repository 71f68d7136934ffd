/**
 * Sorted distinct values (masked elements skipped). Each block sorts its own values into a run;
 * runs merge in the combine tree; the last merge writes the values to the front of a masked output
 * the length of the input, the rest masked, and `compressed` then keeps the values.
 * Typed-array sort: numeric, NaN last (NumPy's order), no comparator calls. NaNs collapse to one,
 * as NumPy's unique does (equal_nan, NumPy >= 1.21).
 */
import { allocate, type DTypeName, type TypedArray } from "../../src/core/dtype.js";
import type { Operand } from "../codegen/loops.js";
import type { Region } from "./region.js";

/** A block's sorted distinct values (shared memory: it crosses threads without a copy). */
export interface UniqueRun {
  fn: "unique";
  a: TypedArray;
  n: number;
}

const sortType = (d: DTypeName): DTypeName => (d === "bool" ? "uint8" : d);

/** Sort `vals` in place and keep one of each value (one NaN); returns the distinct prefix's length. */
function sortDistinct(vals: TypedArray): number {
  vals.sort();
  let k = 0;
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i]!;
    if (k > 0) {
      const prev = vals[k - 1]!;
      if (v === prev || (v !== v && prev !== prev)) continue;
    }
    vals[k++] = v as never;
  }
  return k;
}

function runOf(vals: TypedArray, dtype: DTypeName, n: number): UniqueRun {
  const k = sortDistinct(vals);
  const a = allocate(sortType(dtype), k, true);
  a.set(vals.subarray(0, k) as never);
  return { fn: "unique", a, n };
}

function unmaskedValues(r: Region): TypedArray {
  const n = r.data.length;
  const vals = allocate(sortType(r.dtype), n, false);
  let m = 0;
  for (let i = 0; i < n; i++) if (r.mask === undefined || r.mask[i] !== 1) vals[m++] = r.data[i]! as never;
  return vals.subarray(0, m) as TypedArray;
}

/** One block's run. */
export function uniqueRun(r: Region): UniqueRun {
  return runOf(unmaskedValues(r), r.dtype, r.data.length);
}

/** Merge runs: their values concatenated, sorted and made distinct again. */
export function mergeRuns(runs: readonly UniqueRun[]): UniqueRun {
  if (runs.length === 1) return runs[0]!;
  const total = runs.reduce((s, r) => s + r.a.length, 0);
  const first = runs[0]!.a;
  // shared memory, so the merged run goes on to the next merge without a copy
  const Ctor = first.constructor as new (b: SharedArrayBuffer) => TypedArray;
  const vals = new Ctor(new SharedArrayBuffer(total * first.BYTES_PER_ELEMENT));
  let at = 0;
  for (const r of runs) {
    vals.set(r.a as never, at);
    at += r.a.length;
  }
  const k = sortDistinct(vals);
  return { fn: "unique", a: vals.subarray(0, k) as TypedArray, n: runs.reduce((s, r) => s + r.n, 0) };
}

/** The values to the front of the 1-d masked output, the rest masked. */
export function writeUnique(run: UniqueRun, out: Operand): void {
  const st = out.strides[0]!;
  const vals = run.a;
  for (let k = 0; k < vals.length; k++) {
    out.data[out.offset + k * st] = vals[k]! as never;
    out.mask![out.offset + k * st] = 0;
  }
  for (let j = vals.length; j < run.n; j++) out.mask![out.offset + j * st] = 1;
}

/** The whole array in one task. */
export function runUnique(r: Region, out: Operand): void {
  const vals = unmaskedValues(r);
  const k = sortDistinct(vals);
  writeUnique({ fn: "unique", a: vals.subarray(0, k) as TypedArray, n: r.data.length }, out);
}
