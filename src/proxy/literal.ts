/**
 * JS values → literal source nodes. Data is kept in SharedArrayBuffers so workers read it without copies;
 * a typed array that is already shared is used as it is.
 */
import { DTYPES, allocate, type DTypeName, type TypedArray } from "../core/dtype.js";
import { ProxyTypeError } from "../core/errors.js";
import { arenaCopyOf } from "../core/arena.js";
import { coerceElement, type Element } from "../core/ndarray.js";
import { shapeStr, sizeOf } from "../core/shape.js";
import { contentToken, freshToken, type Node } from "../graph/node.js";
import { make } from "../graph/make.js";
import { normalizeChunks } from "../../scheduler/chunks.js";

/** Literals up to this size are keyed by content (equal small literals are one node). */
const CONTENT_HASH_BYTES = 1 << 16;

export type Nested = Element | readonly Nested[];

function isShared(a: TypedArray): boolean {
  return typeof SharedArrayBuffer !== "undefined" && a.buffer instanceof SharedArrayBuffer;
}

/** Copies at least this large go to the arena, where SIMD kernels read them in place. */
const ARENA_MIN_BYTES = 256 << 10;

/**
 * A shared copy of `a` (or `a` itself when it is already shared). Large copies live in the arena
 * (src/core/arena.ts) while it has room.
 */
export function toShared(a: TypedArray, dtype: DTypeName): TypedArray {
  if (isShared(a)) return a;
  if (a.length * DTYPES[dtype].bytes >= ARENA_MIN_BYTES) {
    const inArena = arenaCopyOf(a, dtype);
    if (inArena !== undefined) return inArena;
  }
  const out = allocate(dtype, a.length, true);
  out.set(a as never);
  return out;
}

export function literalNode(data: TypedArray, shape: readonly number[], dtype: DTypeName, chunks?: readonly number[] | "auto", mask?: Uint8Array): Node {
  if (data.length !== sizeOf(shape)) {
    throw new ProxyTypeError(`data of length ${data.length} does not fit shape ${shapeStr(shape)}`);
  }
  const ch = normalizeChunks(chunks, shape, DTYPES[dtype].bytes);
  const token = data.byteLength + (mask?.byteLength ?? 0) <= CONTENT_HASH_BYTES ? contentToken(data, mask) : freshToken();
  const attrs = { shape: [...shape], dtype, masked: mask !== undefined, chunks: ch, token };
  return make("literal", [], attrs, mask === undefined ? { data } : { data, mask });
}

/** Shape of a nested JS array, refusing ragged input with the axis where it goes wrong. */
export function nestedShape(v: Nested): number[] {
  const shape: number[] = [];
  let cur: Nested = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = (cur as readonly Nested[])[0]!;
  }
  const check = (x: Nested, axis: number): void => {
    if (axis === shape.length) {
      if (Array.isArray(x)) {
        throw new ProxyTypeError(`ragged nested sequence: inhomogeneous shape after ${axis} dimensions (a list where a number was expected at axis ${axis}); detected shape was ${shapeStr(shape)} + inhomogeneous part`);
      }
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[axis]) {
      const got = Array.isArray(x) ? `length ${x.length}` : "a scalar";
      throw new ProxyTypeError(`ragged nested sequence: inhomogeneous shape at axis ${axis} (expected length ${shape[axis]}, got ${got}); detected shape was ${shapeStr(shape.slice(0, axis))} + inhomogeneous part`);
    }
    for (const y of x as readonly Nested[]) check(y, axis + 1);
  };
  check(v, 0);
  return shape;
}

function flatten(v: Nested, out: Element[]): void {
  if (Array.isArray(v)) for (const x of v as readonly Nested[]) flatten(x, out);
  else out.push(v as Element);
}

/** NumPy's default dtype for a Python value: bool, int64, or float64. */
export function inferDType(values: readonly Element[]): DTypeName {
  let kind: "bool" | "int" | "float" = "bool";
  for (const v of values) {
    if (typeof v === "boolean") continue;
    if (typeof v === "bigint") {
      if (kind === "bool") kind = "int";
      continue;
    }
    if (typeof v !== "number") throw new ProxyTypeError(`cannot make an array from ${v === null ? "null" : typeof v} values`);
    if (!Number.isInteger(v)) kind = "float";
    else if (kind === "bool") kind = "int";
  }
  if (values.length === 0) return "float64";
  return kind === "bool" ? "bool" : kind === "int" ? "int64" : "float64";
}

export function fromNested(v: Nested, dtype?: DTypeName): { data: TypedArray; shape: number[]; dtype: DTypeName } {
  const shape = nestedShape(v);
  const flat: Element[] = [];
  flatten(v, flat);
  const d = dtype ?? inferDType(flat);
  if (dtype === undefined && d === "int64") {
    for (const x of flat) {
      if (typeof x === "number" && !Number.isSafeInteger(x)) throw new ProxyTypeError(`integer ${x} is not exactly representable; pass it as a bigint`);
    }
  }
  const data = allocate(d, flat.length, true);
  for (let i = 0; i < flat.length; i++) data[i] = coerceElement(flat[i]!, d) as never;
  return { data, shape, dtype: d };
}
