/**
 * One argument turned into what replaces its parameter: a constant of the dtype the parameter
 * node has, or a literal array (cast when that is safe). Wrong types are `ProxyTypeError`s naming
 * the parameter.
 */
import { createHash } from "node:crypto";
import { DTYPES, fitsIn, promote, type DTypeName } from "../core/dtype.js";
import { ProxyTypeError } from "../core/errors.js";
import { MaskedNDArray, NDArray } from "../core/ndarray.js";
import { shapeStr } from "../core/shape.js";
import { make } from "../graph/make.js";
import type { Node } from "../graph/node.js";
import { fromNested, literalNode, toShared, type Nested } from "../proxy/literal.js";
import { constNode } from "../proxy/operand.js";
import type { ParamType } from "./spec.js";

function describe(v: unknown): string {
  if (typeof v === "string") return `the string ${JSON.stringify(v)}`;
  if (typeof v === "bigint") return `${v}n`;
  if (v === null || v === undefined) return String(v);
  if (typeof v !== "object") return `${typeof v} ${String(v)}`;
  if (Array.isArray(v)) return "a list";
  return (v as object).constructor?.name ?? "an object";
}

export function wrongType(name: string, type: ParamType, expected: string, v: unknown): ProxyTypeError {
  return new ProxyTypeError(`parameter '${name}' (${type}) expects ${expected}, got ${describe(v)}`);
}

/** A JS value for a small (Int, Float, Bool, Str) parameter, checked. */
export function scalarValue(name: string, type: ParamType, v: unknown): number | bigint | boolean | string {
  switch (type) {
    case "Int":
      if (typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v))) return v;
      throw wrongType(name, type, "an integer", v);
    case "Float":
      if (typeof v === "number" || typeof v === "bigint") return Number(v);
      throw wrongType(name, type, "a number", v);
    case "Bool":
      if (typeof v === "boolean") return v;
      throw wrongType(name, type, "a boolean", v);
    case "Str":
      if (typeof v === "string") return v;
      throw wrongType(name, type, "a string", v);
    case "Scalar":
      if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return v;
      throw wrongType(name, type, "a number or a boolean", v);
    default:
      throw wrongType(name, type, "an array", v);
  }
}

function scalarNode(name: string, type: ParamType, p: Node, v: unknown): Node {
  const x = scalarValue(name, type, v) as number | bigint | boolean;
  const d = p.dtype;
  if (typeof x !== "boolean" && DTYPES[d].kind !== "f" && DTYPES[d].kind !== "b" && !fitsIn(d, x)) {
    throw new ProxyTypeError(`parameter '${name}': integer ${x} is out of bounds for ${d}`);
  }
  return constNode(x, d);
}

function hasNode(v: unknown): v is { node: Node } {
  return typeof v === "object" && v !== null && "node" in v && typeof (v as { node: unknown }).node === "object";
}

/** An array argument as a node: an in-memory array, nested lists, or a lazy proxy. */
function arrayArgNode(name: string, type: ParamType, v: unknown): Node {
  if (hasNode(v)) return v.node;
  if (v instanceof NDArray || v instanceof MaskedNDArray) {
    const mask = v instanceof MaskedNDArray ? (toShared(v.mask, "bool") as Uint8Array) : undefined;
    return literalNode(toShared(v.data, v.dtype), v.shape, v.dtype, undefined, mask);
  }
  if (Array.isArray(v)) {
    const lit = fromNested(v as Nested);
    return literalNode(lit.data, lit.shape, lit.dtype);
  }
  throw wrongType(name, type, "an array (NDArray, MaskedNDArray, nested lists or an Array)", v);
}

function arrayNode(name: string, type: ParamType, p: Node, v: unknown): Node {
  let n = arrayArgNode(name, type, v);
  const want = p.shape;
  if (n.kind !== "array" || n.shape.length !== want.length || n.shape.some((s, i) => want[i] !== -1 && s !== want[i])) {
    throw new ProxyTypeError(`parameter '${name}' (${type}) expects an array of shape ${shapeStr(want.map((s) => (s === -1 ? "?" : s) as number))}, got shape ${shapeStr(n.shape)}`);
  }
  if (n.masked && !p.masked) throw new ProxyTypeError(`parameter '${name}' (Array) expects a plain array, got a masked one (declare it as wf.MaskedArray)`);
  if (n.dtype !== p.dtype) {
    if (promote(n.dtype, p.dtype) !== p.dtype) {
      throw new ProxyTypeError(`parameter '${name}' (${type}) expects ${p.dtype} data (or a type that casts to it safely), got ${n.dtype}`);
    }
    n = make("cast", [n], { dtype: p.dtype });
  }
  if (p.masked && !n.masked) n = make("make_masked", [n, make("broadcast", [constNode(false, "bool")], { shape: [...n.shape] })], {});
  return n;
}

/** The node replacing parameter node `p` given argument `v`. */
export function argumentNode(p: Node, v: unknown): Node {
  const name = p.attrs["name"] as string;
  const type = p.attrs["type"] as ParamType;
  return type === "Array" || type === "MaskedArray" ? arrayNode(name, type, p, v) : scalarNode(name, type, p, v);
}

function hashBytes(a: { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }): string {
  return createHash("sha1").update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest("hex");
}

/** A stable text naming an argument by content (what the result cache keys on). */
export function argumentDigest(v: unknown): string {
  if (typeof v === "bigint") return `b:${v}`;
  if (typeof v === "number") return Object.is(v, -0) ? "n:-0" : `n:${v}`;
  if (typeof v === "boolean" || typeof v === "string") return JSON.stringify(v);
  if (hasNode(v)) return `p:${v.node.hash}`;
  if (v instanceof MaskedNDArray) return `m:${v.dtype}:${v.shape.join("x")}:${hashBytes(v.data)}:${hashBytes(v.mask)}`;
  if (v instanceof NDArray) return `a:${v.dtype}:${v.shape.join("x")}:${hashBytes(v.data)}`;
  return `j:${JSON.stringify(v, (_, x: unknown) => (typeof x === "bigint" ? `${x}n` : x))}`;
}

export type { DTypeName };
