/** `compute({format})`: encode a result in the resolved format, and read such bytes back. */
import type { DTypeName } from "../core/dtype.js";
import { ProxyTypeError } from "../core/errors.js";
import { decodeArrow, encodeArrow } from "./arrow.js";
import { FormatNotAvailableError } from "./errors.js";
import { decodeJson, encodeJson } from "./json.js";
import { decodeMsgpack, encodeMsgpack } from "./msgpack.js";
import { decodeNpyResult, encodeNpyResult } from "./npz.js";
import {
  isArrayResult, isScalarResult, scalarToArray, unwrapZeroD,
  type ArrayResult, type ComputeResult,
} from "./result.js";
import type { FormatName, FormatSpec } from "./spec.js";

export interface EncodeOptions {
  /**
   * The dtype of a scalar result. A JS number does not say whether it was an int32 or a
   * float64, so without this a number is encoded as float64 (bigint as int64, boolean as bool).
   */
  dtype?: DTypeName;
}

/** Every format whose encoding is bytes. */
export type BytesFormatSpec = Exclude<FormatSpec, { type: "native" }>;

function notAvailable(type: FormatName): never {
  throw new FormatNotAvailableError(`format "${type}" is not available yet (it arrives with imagery results)`);
}

function kindOf(v: ComputeResult): string {
  if (typeof v === "string") return "string";
  return Array.isArray(v) ? "list" : "object";
}

/** npy and arrow hold one array: arrays as they are, scalars as 0-d arrays, nothing else. */
function asArray(v: ComputeResult, type: FormatName, dtype: DTypeName | undefined): ArrayResult {
  if (isArrayResult(v)) return v;
  if (isScalarResult(v)) return scalarToArray(v, dtype);
  throw new ProxyTypeError(`format "${type}" encodes arrays and scalars, not a ${kindOf(v)} result; use "json" or "msgpack"`);
}

/** The native format returns the value itself; every other format returns bytes. */
export function encodeResult(value: ComputeResult, spec: { type: "native" }, opts?: EncodeOptions): ComputeResult;
export function encodeResult(value: ComputeResult, spec: BytesFormatSpec, opts?: EncodeOptions): Uint8Array;
export function encodeResult(value: ComputeResult, spec: FormatSpec, opts?: EncodeOptions): Uint8Array | ComputeResult;
export function encodeResult(value: ComputeResult, spec: FormatSpec, opts: EncodeOptions = {}): Uint8Array | ComputeResult {
  switch (spec.type) {
    case "native": return value;
    case "npy": return encodeNpyResult(asArray(value, spec.type, opts.dtype));
    case "arrow": return encodeArrow(asArray(value, spec.type, opts.dtype));
    case "msgpack": return encodeMsgpack(value, opts.dtype);
    case "json": return encodeJson(value, opts.dtype);
    case "geotiff":
    case "png":
      return notAvailable(spec.type);
  }
}

/**
 * Read bytes that `encodeResult` wrote (or NumPy / Arrow / MessagePack / JSON peers wrote in
 * the same layout). A 0-d array comes back as the JS scalar `compute` gives: bigint for
 * 64-bit integers, boolean for bool, null when masked.
 */
export function decodeResult(bytes: Uint8Array, spec: FormatSpec): ComputeResult {
  switch (spec.type) {
    case "native": throw new TypeError("native results are JS values, not bytes: there is nothing to decode");
    case "npy": return unwrapZeroD(decodeNpyResult(bytes));
    case "arrow": return unwrapZeroD(decodeArrow(bytes));
    case "msgpack": return decodeMsgpack(bytes);
    case "json": return decodeJson(bytes);
    case "geotiff":
    case "png":
      return notAvailable(spec.type);
  }
}
