/** Turn what `compute()` returned into `.npy` contents, and compare two `.npy` results within a tolerance. */
import { DTYPES, isFloat, type DTypeName, type TypedArray } from "../src/core/dtype.js";
import type { NpyContents } from "../src/core/npy.js";

interface ArrayLike {
  data: TypedArray;
  shape: number[];
  dtype: DTypeName;
  mask?: Uint8Array;
}

function isArrayLike(r: unknown): r is ArrayLike {
  if (typeof r !== "object" || r === null) return false;
  const o = r as Record<string, unknown>;
  return ArrayBuffer.isView(o["data"]) && Array.isArray(o["shape"]) && typeof o["dtype"] === "string" && o["dtype"] in DTYPES;
}

function scalar(v: number): NpyContents {
  return { data: Float64Array.of(v), shape: [], dtype: "float64" };
}

/** A masked result becomes a float array with NaN where masked (how peers.py saves masked references). */
export function toNpyContents(r: unknown): NpyContents {
  if (typeof r === "number") return scalar(r);
  if (typeof r === "bigint") return scalar(Number(r));
  if (typeof r === "boolean") return scalar(r ? 1 : 0);
  if (r === null) return scalar(NaN);
  if (!isArrayLike(r)) throw new Error(`compute() returned an unexpected ${Object.prototype.toString.call(r)}`);
  if (r.mask === undefined) return { data: r.data, shape: r.shape, dtype: r.dtype };
  const dtype: DTypeName = isFloat(r.dtype) ? r.dtype : "float64";
  const data = dtype === "float32" ? new Float32Array(r.data.length) : new Float64Array(r.data.length);
  for (let i = 0; i < data.length; i++) data[i] = r.mask[i] ? NaN : Number(r.data[i]);
  return { data, shape: r.shape, dtype };
}

export interface Tolerance {
  rtol: number;
  atol: number;
}

/** `undefined` when `got` matches `want`, else a one-line reason. NaN matches NaN. */
export function compareResults(got: NpyContents, want: NpyContents, tol: Tolerance): string | undefined {
  const shapeOf = (s: number[]): string => `(${s.join(", ")})`;
  if (got.shape.length !== want.shape.length || got.shape.some((s, i) => s !== want.shape[i])) {
    return `shape ${shapeOf(got.shape)}, peer ${shapeOf(want.shape)}`;
  }
  // A full reduction computes to a JS number, so 0-d results carry no dtype to compare.
  if (got.shape.length > 0 && got.dtype !== want.dtype) return `dtype ${got.dtype}, peer ${want.dtype}`;
  let bad = 0;
  let first = -1;
  let worst = 0;
  for (let i = 0; i < want.data.length; i++) {
    const g = Number(got.data[i]);
    const w = Number(want.data[i]);
    if (Number.isNaN(g) && Number.isNaN(w)) continue;
    const diff = Math.abs(g - w);
    if (diff <= tol.atol + tol.rtol * Math.abs(w)) continue;
    if (first < 0) first = i;
    bad++;
    worst = Number.isNaN(diff) ? NaN : Math.max(worst, diff);
  }
  if (bad === 0) return undefined;
  const at = `flat index ${first}: ${Number(got.data[first])} vs peer ${Number(want.data[first])}`;
  return `${bad} of ${want.data.length} values differ beyond rtol ${tol.rtol}, atol ${tol.atol} (max |diff| ${worst}; first at ${at})`;
}
