/** Small node builders the numpy functions compose from (ufuncs, masks, index ramps). */
import { allocate, DTYPES, type DTypeName } from "../core/dtype.js";
import type { Node } from "../graph/node.js";
import { make } from "../graph/make.js";
import { constNode, ufunc } from "../proxy/operand.js";
import { literalNode } from "../proxy/literal.js";

/** A ufunc over nodes and plain JS numbers (numbers stay weak scalars). */
export function uf(fn: string, ...args: (Node | number | boolean)[]): Node {
  return ufunc(fn, args.map((a) => (typeof a === "object" ? { node: a } : a)));
}

export function isFloatNode(n: Node): boolean {
  return DTYPES[n.dtype].kind === "f";
}

export function constOf(v: number | boolean | bigint, d: DTypeName): Node {
  return constNode(v, d);
}

export function broadcastTo(n: Node, shape: readonly number[]): Node {
  return n.shape.length === shape.length && n.shape.every((s, i) => s === shape[i]) ? n : make("broadcast", [n], { shape: [...shape] });
}

/** `n` masked where `cond` holds, keeping any mask it has. */
export function maskWhere(n: Node, cond: Node): Node {
  const data = n.masked ? make("getdata", [n], {}) : n;
  const m = n.masked ? uf("or", cond, make("getmask", [n], {})) : cond;
  return make("make_masked", [data, m], {});
}

export function filledWith(n: Node, v: number | boolean | bigint): Node {
  return n.masked ? make("filled", [n, constNode(v, n.dtype)], {}) : n;
}

export function getdata(n: Node): Node {
  return n.masked ? make("getdata", [n], {}) : n;
}

/** 0, 1, ..., n-1 (int64 unless asked) laid along `axis` of an `ndim`-d shape of ones. */
export function ramp(n: number, axis = 0, ndim = 1, dtype: DTypeName = "int64"): Node {
  const d = allocate(dtype, n, true);
  for (let i = 0; i < n; i++) d[i] = (DTYPES[dtype].big ? BigInt(i) : i) as never;
  const shape = Array.from({ length: ndim }, (_, i) => (i === axis ? n : 1));
  return literalNode(d, shape, dtype);
}

/** The C-order flat index of every element of `shape` (fused: a sum of ramps times strides). */
export function flatIndex(shape: readonly number[]): Node {
  let acc: Node | undefined;
  let stride = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    const r = ramp(shape[k]!, k, shape.length);
    const term = stride === 1 ? r : uf("mul", r, stride);
    acc = acc === undefined ? term : uf("add", acc, term);
    stride *= shape[k]!;
  }
  return acc === undefined ? constNode(0, "int64") : broadcastTo(acc, shape);
}
