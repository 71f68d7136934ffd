/**
 * One array element in JSON. JSON has no NaN, infinities or 64-bit integers, so:
 * NaN / Infinity / -Infinity are the strings "NaN" / "Infinity" / "-Infinity", and a 64-bit
 * integer is a JSON number when |v| <= 2^53 (exact in every JSON reader), else a decimal string.
 */
import { DTYPES, fitsIn, type DTypeName } from "../core/dtype.js";
import type { Element } from "../core/ndarray.js";

export type JsonElement = number | string | boolean;

const EXACT = 2n ** 53n;

export function jsonNumber(v: number): number | string {
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
}

export function jsonBigInt(v: bigint): number | string {
  return v <= EXACT && v >= -EXACT ? Number(v) : String(v);
}

export function toJsonElement(v: Element, dtype: DTypeName): JsonElement {
  if (dtype === "bool") return typeof v === "boolean" ? v : v !== 0 && v !== 0n;
  if (typeof v === "bigint") return jsonBigInt(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  return jsonNumber(v);
}

const SPECIAL: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };
const INTEGER = /^-?\d+$/;

/**
 * A JSON element back to what a typed array of `dtype` stores (0/1 for bool, bigint for
 * 64-bit ints), or the reason it is not a valid element of `dtype`.
 */
export function fromJsonElement(x: unknown, dtype: DTypeName): { value: number | bigint } | { problem: string } {
  const info = DTYPES[dtype];
  if (info.kind === "b") {
    return typeof x === "boolean" ? { value: x ? 1 : 0 } : { problem: `expected true or false, got ${show(x)}` };
  }
  if (info.kind === "f") {
    if (typeof x === "number") return { value: x };
    if (typeof x === "string" && x in SPECIAL) return { value: SPECIAL[x]! };
    return { problem: `expected a number or "NaN"/"Infinity"/"-Infinity", got ${show(x)}` };
  }
  let v: bigint;
  if (typeof x === "number" && Number.isInteger(x)) v = BigInt(x);
  else if (typeof x === "string" && INTEGER.test(x)) v = BigInt(x);
  else return { problem: `expected an integer, got ${show(x)}` };
  if (!fitsIn(dtype, v)) return { problem: `${v} is out of range for ${dtype}` };
  return { value: info.big ? v : Number(v) };
}

function show(x: unknown): string {
  if (typeof x === "string") return JSON.stringify(x);
  if (Array.isArray(x)) return "a list";
  if (x !== null && typeof x === "object") return "an object";
  return String(x);
}
