/** The shapes a computed result takes, and the 0-d bridge between JS scalars and arrays. */
import { allocate, type DTypeName } from "../core/dtype.js";
import { MaskedNDArray, NDArray, coerceElement, elementAt, type Element } from "../core/ndarray.js";

/** A computed scalar; `null` is a masked scalar. */
export type ScalarResult = number | bigint | boolean | null;

/** Anything `compute` can resolve to under the native format. */
export type ComputeResult =
  | NDArray
  | MaskedNDArray
  | ScalarResult
  | string
  | readonly ComputeResult[]
  | { readonly [key: string]: ComputeResult };

export type ArrayResult = NDArray | MaskedNDArray;

export function isArrayResult(v: unknown): v is ArrayResult {
  return v instanceof NDArray || v instanceof MaskedNDArray;
}

export function isScalarResult(v: unknown): v is ScalarResult {
  return v === null || typeof v === "number" || typeof v === "bigint" || typeof v === "boolean";
}

const I64_MAX = 2n ** 63n - 1n;

/**
 * The dtype a JS scalar gets when the caller gives none. A JS number may have come from
 * any numeric dtype, so it is taken as float64 (NumPy's default for a Python float);
 * callers that know better pass the dtype.
 */
export function scalarDType(v: ScalarResult): DTypeName {
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return v > I64_MAX ? "uint64" : "int64";
  return "float64";
}

/** A scalar as a 0-d array (masked when null). */
export function scalarToArray(v: ScalarResult, dtype: DTypeName = scalarDType(v)): ArrayResult {
  const data = allocate(dtype, 1, false);
  if (v === null) {
    const out = new MaskedNDArray(data, new Uint8Array([1]), [], dtype);
    data[0] = coerceElement(out.fillValue, dtype) as never;
    return out;
  }
  data[0] = coerceElement(v, dtype) as never;
  return new NDArray(data, [], dtype);
}

/** A decoded 0-d array as the JS scalar `compute` would give (bigint for 64-bit ints). */
export function arrayToScalar(a: ArrayResult): ScalarResult {
  if (a instanceof MaskedNDArray && a.mask[0]) return null;
  return elementAt(a.data, 0, a.dtype);
}

/** Decoders hand 0-d arrays back as scalars; every other array as is. */
export function unwrapZeroD(a: ArrayResult): ArrayResult | ScalarResult {
  return a.shape.length === 0 ? arrayToScalar(a) : a;
}

/** The raw bytes of a typed array, without copying. */
export function bytesOf(a: { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** A decoded fill value as `dtype` stores it; `undefined` (the dtype's default) when absent. */
export function fillFor(dtype: DTypeName, v: Element | undefined): Element | undefined {
  if (v === undefined) return undefined;
  return dtype === "bool" ? Boolean(v) : coerceElement(v, dtype);
}
