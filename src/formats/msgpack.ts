/**
 * The `msgpack` format: an array or scalar is the map `{dtype, shape, data, mask?, fillValue?}`
 * with `data` (the C-order values) and `mask` (one byte per element, 1 = masked) as binary
 * holding raw little-endian bytes. Strings, lists and objects are packed as themselves, with
 * arrays inside them as such maps.
 */
import { Packr, Unpackr } from "msgpackr";
import { DTYPES, isDTypeName, viewOf, type DTypeName } from "../core/dtype.js";
import { MaskedNDArray, NDArray, type Element } from "../core/ndarray.js";
import { sizeOf } from "../core/shape.js";
import { FormatDecodeError } from "./errors.js";
import {
  bytesOf, fillFor, isArrayResult, isScalarResult, scalarToArray, unwrapZeroD,
  type ArrayResult, type ComputeResult,
} from "./result.js";

/** Plain maps, not msgpackr's record extension, so any MessagePack reader can decode them. */
const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false });

interface Envelope {
  dtype: DTypeName;
  shape: number[];
  data: Uint8Array;
  mask?: Uint8Array;
  fillValue?: Element;
}

type Packable = Envelope | string | number | bigint | boolean | null | Packable[] | { [key: string]: Packable };

function envelope(a: ArrayResult): Envelope {
  const env: Envelope = { dtype: a.dtype, shape: a.shape, data: bytesOf(a.data) };
  if (a instanceof MaskedNDArray) {
    env.mask = bytesOf(a.mask);
    env.fillValue = a.fillValue;
  }
  return env;
}

function toPackable(v: ComputeResult): Packable {
  if (isArrayResult(v)) return envelope(v);
  if (isScalarResult(v) || typeof v === "string") return v;
  if (Array.isArray(v)) return v.map(toPackable);
  const out: { [key: string]: Packable } = {};
  for (const [k, x] of Object.entries(v)) out[k] = toPackable(x);
  return out;
}

/** `dtype` is the dtype of a top-level scalar result, when the caller knows it. */
export function encodeMsgpack(value: ComputeResult, dtype?: DTypeName): Uint8Array {
  const top = isScalarResult(value) ? envelope(scalarToArray(value, dtype)) : toPackable(value);
  const buf = packr.pack(top);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

const fail = (msg: string): never => { throw new FormatDecodeError("msgpack", msg); };
const ENVELOPE_KEYS = new Set(["dtype", "shape", "data", "mask", "fillValue"]);

function isEnvelope(x: { [key: string]: unknown }): boolean {
  return typeof x["dtype"] === "string" && Array.isArray(x["shape"]) && x["data"] instanceof Uint8Array
    && Object.keys(x).every((k) => ENVELOPE_KEYS.has(k));
}

function decodeEnvelope(env: { [key: string]: unknown }): ArrayResult {
  const dtype = env["dtype"];
  if (!isDTypeName(dtype)) return fail(`unknown dtype ${JSON.stringify(dtype)}`);
  const shape = env["shape"] as unknown[];
  if (!shape.every((s): s is number => typeof s === "number" && Number.isInteger(s) && s >= 0)) {
    return fail(`shape must be a list of non-negative integers, got [${shape.map(String)}]`);
  }
  const n = sizeOf(shape);
  const raw = env["data"] as Uint8Array;
  if (raw.length !== n * DTYPES[dtype].bytes) {
    return fail(`data has ${raw.length} bytes; ${dtype} of shape [${shape}] needs ${n * DTYPES[dtype].bytes}`);
  }
  // Copy: the unpacked binary is a view into the input at an arbitrary (unaligned) offset.
  const buf = new ArrayBuffer(raw.length);
  new Uint8Array(buf).set(raw);
  const data = viewOf(dtype, buf, 0, n);
  const mask = env["mask"];
  if (mask === undefined) return new NDArray(data, shape, dtype);
  if (!(mask instanceof Uint8Array) || mask.length !== n) {
    return fail(`mask must be ${n} bytes of binary, got ${mask instanceof Uint8Array ? `${mask.length} bytes` : typeof mask}`);
  }
  const fill = env["fillValue"];
  if (fill !== undefined && typeof fill !== "number" && typeof fill !== "bigint" && typeof fill !== "boolean") {
    return fail(`fillValue must be a number, bigint or boolean, got ${typeof fill}`);
  }
  const ownMask = new Uint8Array(n);
  for (let i = 0; i < n; i++) ownMask[i] = mask[i] ? 1 : 0;
  return new MaskedNDArray(data, ownMask, shape, dtype, fillFor(dtype, fill));
}

function fromUnpacked(x: unknown): ComputeResult {
  if (Array.isArray(x)) return x.map(fromUnpacked);
  if (x instanceof Uint8Array) return fail("unexpected binary outside a {dtype, shape, data} map");
  if (x !== null && typeof x === "object") {
    const obj = x as { [key: string]: unknown };
    if (isEnvelope(obj)) return unwrapZeroD(decodeEnvelope(obj));
    const out: { [key: string]: ComputeResult } = {};
    for (const [k, v] of Object.entries(obj)) out[k] = fromUnpacked(v);
    return out;
  }
  if (x === undefined) return null;
  return x as ComputeResult;
}

/** Unpack `msgpack`-format bytes; an array map becomes an array (a scalar when 0-d). */
export function decodeMsgpack(bytes: Uint8Array): ComputeResult {
  if (bytes.length === 0) return fail("no data");
  let values: unknown[];
  try {
    values = unpackr.unpackMultiple(bytes) as unknown[];
  } catch (e) {
    throw new FormatDecodeError("msgpack", `not valid MessagePack (${(e as Error).message})`, { cause: e });
  }
  if (values.length !== 1) return fail(`expected one value, found ${values.length} (trailing bytes?)`);
  return fromUnpacked(values[0]);
}
