/**
 * The `json` format: an array or scalar is `{dtype, shape, data}` with `data` as nested lists
 * (a bare element for 0-d) and `null` where masked. Elements follow `elements.ts`: NaN and
 * infinities as strings, 64-bit integers as numbers only when exact; -0 is written -0.0.
 * Strings, lists and objects are written as JSON with the same number rules, arrays inside
 * them as envelopes.
 */
import { allocate, isDTypeName, type DTypeName } from "../core/dtype.js";
import { MaskedNDArray, NDArray, elementAt } from "../core/ndarray.js";
import { cStrides, sizeOf } from "../core/shape.js";
import { fromJsonElement, jsonBigInt, jsonNumber, toJsonElement, type JsonElement } from "./elements.js";
import { FormatDecodeError } from "./errors.js";
import { isArrayResult, isScalarResult, scalarToArray, unwrapZeroD, type ArrayResult, type ComputeResult } from "./result.js";

type JsonValue = JsonElement | null | JsonValue[] | { [key: string]: JsonValue };

function nestedData(a: ArrayResult): JsonValue {
  const mask = a instanceof MaskedNDArray ? a.mask : undefined;
  const at = (i: number): JsonValue => (mask?.[i] ? null : toJsonElement(elementAt(a.data, i, a.dtype), a.dtype));
  if (a.shape.length === 0) return at(0);
  const st = cStrides(a.shape);
  const build = (axis: number, base: number): JsonValue[] => {
    const n = a.shape[axis]!;
    const out: JsonValue[] = new Array(n);
    const last = axis === a.shape.length - 1;
    for (let i = 0; i < n; i++) out[i] = last ? at(base + i) : build(axis + 1, base + i * st[axis]!);
    return out;
  };
  return build(0, 0);
}

function envelope(a: ArrayResult): JsonValue {
  return { dtype: a.dtype, shape: a.shape, data: nestedData(a) };
}

function toJsonValue(v: ComputeResult): JsonValue {
  if (isArrayResult(v)) return envelope(v);
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") return jsonNumber(v);
  if (typeof v === "bigint") return jsonBigInt(v);
  if (Array.isArray(v)) return v.map(toJsonValue);
  const out: { [key: string]: JsonValue } = {};
  for (const [k, x] of Object.entries(v)) out[k] = toJsonValue(x);
  return out;
}

/** Like `JSON.stringify`, but -0 keeps its sign ("-0.0", as Python's json writes it). */
function serialize(v: JsonValue): string {
  if (v === null) return "null";
  if (typeof v === "number") return Object.is(v, -0) ? "-0.0" : String(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (Array.isArray(v)) return `[${v.map(serialize).join(",")}]`;
  return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${serialize(x)}`).join(",")}}`;
}

/** `dtype` is the dtype of a top-level scalar result, when the caller knows it. */
export function encodeJson(value: ComputeResult, dtype?: DTypeName): Uint8Array {
  const top = isScalarResult(value) ? envelope(scalarToArray(value, dtype)) : toJsonValue(value);
  return new TextEncoder().encode(serialize(top));
}

const fail = (msg: string): never => { throw new FormatDecodeError("json", msg); };

function isEnvelope(x: { [key: string]: unknown }): boolean {
  const keys = Object.keys(x).sort();
  return keys.length === 3 && keys[0] === "data" && keys[1] === "dtype" && keys[2] === "shape";
}

function readShape(x: unknown): number[] {
  if (!Array.isArray(x) || !x.every((s): s is number => typeof s === "number" && Number.isInteger(s) && s >= 0)) {
    return fail(`shape must be a list of non-negative integers, got ${JSON.stringify(x)}`);
  }
  return x;
}

function decodeEnvelope(env: { [key: string]: unknown }): ArrayResult {
  const dtype = env["dtype"];
  if (!isDTypeName(dtype)) return fail(`unknown dtype ${JSON.stringify(dtype)}`);
  const shape = readShape(env["shape"]);
  const n = sizeOf(shape);
  const data = allocate(dtype, n, false);
  const mask = new Uint8Array(n);
  let masked = false;
  let k = 0;
  const walk = (x: unknown, axis: number, path: string): void => {
    if (axis === shape.length) {
      if (x === null) {
        mask[k++] = 1;
        masked = true;
        return;
      }
      const r = fromJsonElement(x, dtype);
      if ("problem" in r) fail(`${path}: ${r.problem}`);
      else data[k++] = r.value as never;
      return;
    }
    if (!Array.isArray(x)) return fail(`${path}: expected a list of ${shape[axis]} for shape [${shape}], got ${x === null ? "null" : typeof x}`);
    if (x.length !== shape[axis]) return fail(`${path}: expected ${shape[axis]} items for shape [${shape}], got ${x.length}`);
    x.forEach((item, i) => walk(item, axis + 1, `${path}[${i}]`));
  };
  walk(env["data"], 0, "data");
  return masked ? new MaskedNDArray(data, mask, shape, dtype) : new NDArray(data, shape, dtype);
}

function fromJsonValue(x: unknown): ComputeResult {
  if (Array.isArray(x)) return x.map(fromJsonValue);
  if (x !== null && typeof x === "object") {
    const obj = x as { [key: string]: unknown };
    if (isEnvelope(obj)) return unwrapZeroD(decodeEnvelope(obj));
    const out: { [key: string]: ComputeResult } = {};
    for (const [k, v] of Object.entries(obj)) out[k] = fromJsonValue(v);
    return out;
  }
  return x as ComputeResult;
}

/** Parse `json`-format bytes; an envelope becomes an array (a scalar when 0-d). */
export function decodeJson(bytes: Uint8Array): ComputeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    throw new FormatDecodeError("json", `not valid UTF-8 JSON (${(e as Error).message})`, { cause: e });
  }
  return fromJsonValue(parsed);
}
