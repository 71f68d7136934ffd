/** flip, roll, diff, take and compress: views, a concatenation, or a gather. */
import { allocate } from "../core/dtype.js";
import { ProxyTypeError } from "../core/errors.js";
import type { Node } from "../graph/node.js";
import type { ArrayProxy } from "../proxy/array.js";
import { normalizeAxes, normalizeAxis } from "../proxy/axes.js";
import { buildGet, type GetItem } from "../proxy/indexing.js";
import { fromNested, literalNode, type Nested } from "../proxy/literal.js";
import { isHasNode } from "../proxy/operand.js";
import { wrap, nodeOf, requireKnown, type ArrayLike } from "./args.js";
import { concatNodes } from "./join.js";
import { broadcastTo, uf } from "./nodes.js";
import { reshapeNode } from "./shape.js";
import { axisSlice, flipped } from "./views.js";

const proxy = (n: Node): ArrayProxy => wrap<ArrayProxy>(n);

export function flip(m: ArrayLike, axis?: number | number[] | null | { axis?: number | number[] | null }): ArrayProxy {
  const n = nodeOf(m);
  const ax = typeof axis === "object" && axis !== null && !Array.isArray(axis) ? axis.axis : axis;
  return proxy(flipped(n, normalizeAxes(ax ?? undefined, n.shape.length)));
}
export const fliplr = (m: ArrayLike): ArrayProxy => {
  const n = nodeOf(m);
  if (n.shape.length < 2) throw new ProxyTypeError("Input must be >= 2-d.");
  return proxy(flipped(n, [1]));
};
export const flipud = (m: ArrayLike): ArrayProxy => {
  const n = nodeOf(m);
  if (n.shape.length < 1) throw new ProxyTypeError("Input must be >= 1-d.");
  return proxy(flipped(n, [0]));
};

function rollAxis(x: Node, shift: number, axis: number): Node {
  const len = x.shape[axis]!;
  if (len === 0) return x;
  const s = ((shift % len) + len) % len;
  if (s === 0) return x;
  return concatNodes([axisSlice(x, axis, len - s, null, null), axisSlice(x, axis, 0, len - s, null)], axis);
}

export function roll(a: ArrayLike, shift: number | number[], opts: { axis?: number | number[] | null } | number = {}): ArrayProxy {
  let x = nodeOf(a);
  requireKnown("roll", x);
  const axisOpt = typeof opts === "number" ? opts : opts.axis ?? null;
  if (axisOpt === null) {
    if (typeof shift !== "number") throw new ProxyTypeError("roll: a list of shifts needs a list of axes");
    return proxy(reshapeNode(rollAxis(reshapeNode(x, [-1]), shift, 0), x.shape));
  }
  const axes = (typeof axisOpt === "number" ? [axisOpt] : axisOpt).map((v) => normalizeAxis(v, x.shape.length));
  const shifts = typeof shift === "number" ? axes.map(() => shift) : shift;
  if (shifts.length !== axes.length) {
    if (axes.length !== 1 && shifts.length !== 1) throw new ProxyTypeError("'shift' and 'axis' should be scalars or 1D sequences of the same length");
  }
  const n = Math.max(axes.length, shifts.length);
  const total = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const ax = axes[axes.length === 1 ? 0 : i]!;
    total.set(ax, (total.get(ax) ?? 0) + shifts[shifts.length === 1 ? 0 : i]!);
  }
  for (const [ax, s] of total) x = rollAxis(x, s, ax);
  return proxy(x);
}

export interface DiffOptions {
  n?: number;
  axis?: number;
  prepend?: ArrayLike;
  append?: ArrayLike;
}

export function diff(a: ArrayLike, opts: DiffOptions | number = {}): ArrayProxy {
  const o = typeof opts === "number" ? { n: opts } : opts;
  let x = nodeOf(a);
  requireKnown("diff", x);
  const times = o.n ?? 1;
  if (!Number.isInteger(times) || times < 0) throw new ProxyTypeError(`order must be non-negative but got ${times}`);
  if (times === 0) return proxy(x);
  if (x.shape.length === 0) throw new ProxyTypeError("diff requires input that is at least one dimensional");
  const axis = normalizeAxis(o.axis ?? -1, x.shape.length);
  const side = (v: ArrayLike): Node => {
    const n = nodeOf(v);
    const shape = x.shape.map((s, i) => (i === axis ? (n.shape.length === 0 ? 1 : n.shape[i]!) : s));
    return n.shape.length === 0 ? wrap<ArrayProxy>(n).reshape(shape.map(() => 1)).node : n;
  };
  const parts: Node[] = [];
  if (o.prepend !== undefined) parts.push(bcast(side(o.prepend), x, axis));
  parts.push(x);
  if (o.append !== undefined) parts.push(bcast(side(o.append), x, axis));
  if (parts.length > 1) x = concatNodes(parts, axis);
  for (let k = 0; k < times; k++) {
    const hi = axisSlice(x, axis, 1, null, null), lo = axisSlice(x, axis, null, -1, null);
    x = x.dtype === "bool" ? uf("ne", hi, lo) : uf("sub", hi, lo);
  }
  return proxy(x);
}

function bcast(p: Node, x: Node, axis: number): Node {
  return broadcastTo(p, x.shape.map((s, i) => (i === axis ? p.shape[i]! : s)));
}

function indexOperand(indices: ArrayLike): GetItem {
  if (typeof indices === "number") return indices;
  if (isHasNode(indices)) return { node: indices.node };
  if (Array.isArray(indices)) {
    const lit = fromNested(indices as Nested, "int64");
    if (lit.shape.length === 1 && lit.shape[0]! > 0) return (indices as number[]).map(Number);
    return { node: literalNode(lit.data, lit.shape, "int64") };
  }
  throw new ProxyTypeError(`take: indices must be integers or an integer array`);
}

export function take(a: ArrayLike, indices: ArrayLike, opts: { axis?: number | null } | number = {}): ArrayProxy {
  let x = nodeOf(a);
  const axisOpt = typeof opts === "number" ? opts : opts.axis ?? null;
  if (axisOpt === null) x = reshapeNode(x, [-1]);
  const axis = normalizeAxis(axisOpt ?? 0, x.shape.length);
  const items: GetItem[] = x.shape.map((_, i) => (i === axis ? indexOperand(indices) : { kind: "slice", start: null, stop: null, step: null }));
  return proxy(buildGet(x, items));
}

export function compress(condition: ArrayLike, a: ArrayLike, opts: { axis?: number | null } | number = {}): ArrayProxy {
  let x = nodeOf(a);
  const axisOpt = typeof opts === "number" ? opts : opts.axis ?? null;
  if (axisOpt === null) x = reshapeNode(x, [-1]);
  const axis = normalizeAxis(axisOpt ?? 0, x.shape.length);
  const len = x.shape[axis]!;
  let cond: GetItem;
  if (Array.isArray(condition)) {
    const c = (condition as unknown[]).map((v) => Boolean(v));
    if (c.length > len) throw new ProxyTypeError(`index ${c.length - 1} is out of bounds for axis ${axis} with size ${len}`);
    const keep: number[] = [];
    c.forEach((v, i) => v && keep.push(i));
    const d = allocate("int64", keep.length, true);
    keep.forEach((v, i) => (d[i] = BigInt(v) as never));
    cond = { node: literalNode(d, [keep.length], "int64") };
  } else {
    const c = nodeOf(condition);
    if (c.shape.length !== 1) throw new ProxyTypeError("condition must be a 1-d array");
    cond = { node: c.dtype === "bool" ? c : uf("ne", c, 0) };
  }
  const items: GetItem[] = x.shape.map((_, i) => (i === axis ? cond : { kind: "slice", start: null, stop: null, step: null }));
  return proxy(buildGet(x, items));
}
