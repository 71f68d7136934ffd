/** Arrays of every dtype and awkward shape, plain and masked, shared by the format tests. */
import { DTYPE_NAMES, DTYPES, allocate, type DTypeName } from "../../src/core/dtype.js";
import { MaskedNDArray, NDArray, type Element } from "../../src/core/ndarray.js";

export const SHAPES: readonly number[][] = [[], [0], [5], [2, 3], [2, 0, 3], [3, 1, 2], [1, 1, 1, 4]];

/** Edge values per dtype: extremes, zero, and for 64-bit ints values past 2^53. */
export function edgeValues(d: DTypeName): (number | bigint)[] {
  const info = DTYPES[d];
  if (info.kind === "b") return [1, 0, 1, 1, 0];
  if (info.kind === "f") {
    const max = d === "float32" ? 3.4028234663852886e38 : Number.MAX_VALUE;
    return [0.1, -0, NaN, Infinity, -Infinity, max, -2.5, 1e-30, 7];
  }
  if (info.big) {
    const extra = [2n ** 53n, 2n ** 53n + 1n, 12345n];
    return info.kind === "i" ? [BigInt(info.min), BigInt(info.max), 0n, -1n, -(2n ** 53n), -(2n ** 53n) - 1n, ...extra] : [0n, BigInt(info.max), 1n, ...extra];
  }
  const lo = Number(info.min), hi = Number(info.max);
  return info.kind === "i" ? [lo, hi, 0, -1, 1, 17] : [lo, hi, 1, 17];
}

export function plainArray(d: DTypeName, shape: readonly number[]): NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = allocate(d, n, false);
  const ev = edgeValues(d);
  for (let i = 0; i < n; i++) data[i] = ev[i % ev.length]! as never;
  return new NDArray(data, shape, d);
}

/** Masks every third element starting at 1 (0-d: masked), with a non-default fill value. */
export function maskedArray(d: DTypeName, shape: readonly number[], pattern: "some" | "all" | "none" = "some"): MaskedNDArray {
  const a = plainArray(d, shape);
  const mask = new Uint8Array(a.size);
  for (let i = 0; i < mask.length; i++) {
    mask[i] = pattern === "all" ? 1 : pattern === "none" ? 0 : (a.size === 1 || i % 3 === 1) ? 1 : 0;
  }
  const fill: Element = d === "bool" ? false : DTYPES[d].big ? 7n : 7;
  return new MaskedNDArray(a.data, mask, shape, d, fill);
}

export interface Case {
  label: string;
  array: NDArray | MaskedNDArray;
}

export function allCases(): Case[] {
  const out: Case[] = [];
  for (const d of DTYPE_NAMES) {
    for (const s of SHAPES) {
      out.push({ label: `${d} [${s}]`, array: plainArray(d, s) });
      out.push({ label: `masked ${d} [${s}]`, array: maskedArray(d, s) });
    }
    out.push({ label: `masked(all) ${d} [4]`, array: maskedArray(d, [4], "all") });
    out.push({ label: `masked(none) ${d} [4]`, array: maskedArray(d, [4], "none") });
  }
  return out;
}

/** Element i as a JS value (boolean for bool, bigint for 64-bit ints). */
export function valueAt(a: NDArray | MaskedNDArray, i: number): number | bigint | boolean {
  const v = a.data[i]!;
  return a.dtype === "bool" ? v !== 0 : v;
}

export function maskOf(a: NDArray | MaskedNDArray): Uint8Array | undefined {
  return a instanceof MaskedNDArray ? a.mask : undefined;
}

/** Same value, where NaN equals NaN and 0 differs from -0. */
export function same(x: unknown, y: unknown): boolean {
  return Object.is(x, y);
}

/** Whether two results hold the same dtype, shape, values, mask (and masked values match where unmasked). */
export function sameArray(a: NDArray | MaskedNDArray, b: NDArray | MaskedNDArray): string | undefined {
  if (a.dtype !== b.dtype) return `dtype ${a.dtype} vs ${b.dtype}`;
  if (a.shape.join() !== b.shape.join() || a.shape.length !== b.shape.length) return `shape [${a.shape}] vs [${b.shape}]`;
  const ma = maskOf(a), mb = maskOf(b);
  if ((ma === undefined) !== (mb === undefined)) return "one is masked, the other not";
  for (let i = 0; i < a.size; i++) {
    if ((ma?.[i] ?? 0) !== (mb?.[i] ?? 0)) return `mask differs at ${i}`;
    if (ma?.[i]) continue;
    if (!same(valueAt(a, i), valueAt(b, i))) return `value differs at ${i}: ${String(valueAt(a, i))} vs ${String(valueAt(b, i))}`;
  }
  return undefined;
}
