/** The `.npy` format (version 1.0 and 2.0 readers, 1.0 writer), little endian, C order. */
import { DTYPES, viewOf, type DTypeName, type TypedArray } from "./dtype.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export interface NpyContents {
  data: TypedArray;
  shape: number[];
  dtype: DTypeName;
}

export class NpyFormatError extends Error {
  override name = "NpyFormatError";
}

function descrToDType(descr: string): DTypeName {
  const norm = descr.replace(/^[<|=]/, "");
  for (const info of Object.values(DTYPES)) {
    if (info.descr.replace(/^[<|]/, "") === norm) return info.name;
  }
  if (descr.startsWith(">")) throw new NpyFormatError(`big-endian .npy data (${descr}) is not supported`);
  throw new NpyFormatError(`unsupported .npy dtype '${descr}'`);
}

const PREFIX = 10; // magic, version 1.0, little-endian u16 header length
const ALIGN = 64;
/** NumPy leaves room for the first axis to grow in place to this many digits. */
const GROWTH_AXIS_DIGITS = 21;

/**
 * The header exactly as `np.save` writes it (format 1.0): room to grow the first axis, and padding
 * to a multiple of 64 that is never empty.
 */
export function npyHeader(dtype: DTypeName, shape: readonly number[]): Uint8Array {
  const shapeRepr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let dict = `{'descr': '${DTYPES[dtype].descr}', 'fortran_order': False, 'shape': ${shapeRepr}, }`;
  if (shape.length > 0) dict += " ".repeat(Math.max(0, GROWTH_AXIS_DIGITS - String(shape[0]).length));
  const pad = ALIGN - ((PREFIX + dict.length + 1) % ALIGN);
  const text = dict + " ".repeat(pad) + "\n";
  if (text.length > 0xffff) throw new NpyFormatError(`a .npy header of ${text.length} bytes needs format 2.0`);
  const out = new Uint8Array(PREFIX + text.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = text.length & 0xff;
  out[9] = text.length >> 8;
  for (let i = 0; i < text.length; i++) out[PREFIX + i] = text.charCodeAt(i);
  return out;
}

export function encodeNpy(data: TypedArray, shape: readonly number[], dtype: DTypeName): Uint8Array {
  const header = npyHeader(dtype, shape);
  const body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  out.set(body, header.length);
  return out;
}

export interface NpyLayout {
  dtype: DTypeName;
  shape: number[];
  /** Byte offset of the data. */
  offset: number;
}

/** Parse the header only (used by lazy file sources). */
export function parseNpyHeader(bytes: Uint8Array): NpyLayout {
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) throw new NpyFormatError("not a .npy file (bad magic)");
  }
  const major = bytes[6]!;
  let hlen: number, start: number;
  if (major === 1) {
    hlen = bytes[8]! | (bytes[9]! << 8);
    start = 10;
  } else if (major === 2 || major === 3) {
    hlen = bytes[8]! | (bytes[9]! << 8) | (bytes[10]! << 16) | (bytes[11]! << 24);
    start = 12;
  } else {
    throw new NpyFormatError(`unsupported .npy version ${major}`);
  }
  if (bytes.length < start + hlen) throw new NpyFormatError("truncated .npy header");
  const text = new TextDecoder("latin1").decode(bytes.subarray(start, start + hlen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeTxt = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeTxt === undefined) {
    throw new NpyFormatError(`malformed .npy header: ${text.trim()}`);
  }
  if (fortran === "True") throw new NpyFormatError("Fortran-ordered .npy data is not supported");
  const shape = shapeTxt.split(",").map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (shape.some((s) => !Number.isInteger(s) || s < 0)) throw new NpyFormatError(`bad .npy shape (${shapeTxt})`);
  return { dtype: descrToDType(descr), shape, offset: start + hlen };
}

/** Decode `.npy` bytes; the data is copied into a fresh (aligned) buffer. */
export function decodeNpy(bytes: Uint8Array, shared = false): NpyContents {
  const { dtype, shape, offset } = parseNpyHeader(bytes);
  const info = DTYPES[dtype];
  const n = shape.reduce((a, b) => a * b, 1);
  const need = offset + n * info.bytes;
  if (bytes.length < need) throw new NpyFormatError(`truncated .npy data: need ${need} bytes, have ${bytes.length}`);
  const buf = shared ? new SharedArrayBuffer(n * info.bytes) : new ArrayBuffer(n * info.bytes);
  new Uint8Array(buf).set(bytes.subarray(offset, need));
  return { data: viewOf(dtype, buf, 0, n), shape, dtype };
}
