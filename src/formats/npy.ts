/**
 * `.npy` bytes exactly as `np.save` writes them (format 1.0). NumPy's header differs from a
 * merely valid one in two ways that change its length: it reserves room to grow the first
 * axis in place (21 characters for that axis' digits), and it always pads, adding a full 64
 * bytes when the header would already end on a 64-byte boundary.
 */
import { DTYPES, type DTypeName, type TypedArray } from "../core/dtype.js";
import { NpyFormatError, decodeNpy } from "../core/npy.js";
import { NDArray } from "../core/ndarray.js";
import { FormatDecodeError } from "./errors.js";
import { bytesOf } from "./result.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
const PREFIX = 10; // magic, version 1.0, little-endian u16 header length
const ALIGN = 64;
const GROWTH_AXIS_DIGITS = 21;

export function numpyHeader(dtype: DTypeName, shape: readonly number[]): Uint8Array {
  const shapeRepr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let dict = `{'descr': '${DTYPES[dtype].descr}', 'fortran_order': False, 'shape': ${shapeRepr}, }`;
  if (shape.length > 0) dict += " ".repeat(Math.max(0, GROWTH_AXIS_DIGITS - String(shape[0]).length));
  const hlen = dict.length + 1;
  const pad = ALIGN - ((PREFIX + hlen) % ALIGN);
  const text = dict + " ".repeat(pad) + "\n";
  if (text.length > 0xffff) throw new RangeError(`a .npy header of ${text.length} bytes needs format 2.0`);
  const out = new Uint8Array(PREFIX + text.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = text.length & 0xff;
  out[9] = text.length >> 8;
  for (let i = 0; i < text.length; i++) out[PREFIX + i] = text.charCodeAt(i);
  return out;
}

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
