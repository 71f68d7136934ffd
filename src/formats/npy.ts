/**
 * `.npy` bytes exactly as `np.save` writes them (format 1.0). NumPy's header differs from a
 * merely valid one in two ways that change its length: it reserves room to grow the first
 * axis in place (21 characters for that axis' digits), and it always pads, adding a full 64
 * bytes when the header would already end on a 64-byte boundary.
 */
import type { DTypeName, TypedArray } from "../core/dtype.js";
import { NpyFormatError, decodeNpy, npyHeader as numpyHeader } from "../core/npy.js";
import { NDArray } from "../core/ndarray.js";
import { FormatDecodeError } from "./errors.js";
import { bytesOf } from "./result.js";

/** NumPy's own header layout lives in core; re-exported under the name the formats use. */
export { npyHeader as numpyHeader } from "../core/npy.js";

/** Header and body as separate parts, so a container can copy the data once. */
export function npyParts(data: TypedArray, shape: readonly number[], dtype: DTypeName): [Uint8Array, Uint8Array] {
  return [numpyHeader(dtype, shape), bytesOf(data)];
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function encodeNpyBytes(data: TypedArray, shape: readonly number[], dtype: DTypeName): Uint8Array {
  return concatBytes(npyParts(data, shape, dtype));
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

export function isNpy(bytes: Uint8Array): boolean {
  return MAGIC.every((b, i) => bytes[i] === b);
}

/** Read one `.npy`; `what` names it in errors (e.g. the `.npz` member). */
export function decodeNpyBytes(bytes: Uint8Array, what = "npy"): NDArray {
  try {
    const { data, shape, dtype } = decodeNpy(bytes);
    return new NDArray(data, shape, dtype);
  } catch (e) {
    if (e instanceof NpyFormatError || e instanceof RangeError) {
      throw new FormatDecodeError(what, e.message, { cause: e });
    }
    throw e;
  }
}
