/** `wf.numpy` functions beyond the ufuncs: where, clip, reductions, and shape functions. */
import { promote } from "../core/dtype.js";
import { ProxyTypeError } from "../core/errors.js";
import type { Node } from "../graph/node.js";
import { make } from "../graph/make.js";
import type { ReduceFn } from "../graph/ops.js";
import type { ArrayProxy } from "../proxy/array.js";
import { normalizeAxes, normalizeAxis } from "../proxy/axes.js";
import { resolveWeak, toOperand, ufunc, type ArrayLike } from "../proxy/operand.js";
import { wrapNode } from "../proxy/wrap.js";
import type { ScalarProxy } from "../proxy/scalar.js";

export interface ReduceOptions {
  axis?: number | number[] | null;
  keepdims?: boolean;
  ddof?: number;
}

const nodeOf = (x: ArrayLike): Node => {
  const o = toOperand(x);
  return "weak" in o ? resolveWeak([o])[0]! : o;
};

export function where(cond: ArrayLike, x: ArrayLike, y: ArrayLike): ArrayProxy {
  const c = nodeOf(cond);
  const [xn, yn] = resolveWeak([toOperand(x), toOperand(y)]);
  const cb = c.dtype === "bool" ? c : make("cast", [c], { dtype: "bool" });
  return wrapNode(make("where", [cb, xn!, yn!], {}));
}

export function clip(a: ArrayLike, lo: ArrayLike | null, hi: ArrayLike | null): ArrayProxy {
  let r: Node = nodeOf(a);
  if (lo !== null) r = ufunc("maximum", [wrapNode<ArrayProxy>(r), lo]);
  if (hi !== null) r = ufunc("minimum", [wrapNode<ArrayProxy>(r), hi]);
  return wrapNode(r);
}

function reducer(fn: ReduceFn) {
  return (a: ArrayLike, opts: ReduceOptions = {}): ArrayProxy | ScalarProxy => {
    const n = nodeOf(a);
    const axes = normalizeAxes(opts.axis ?? undefined, n.shape.length);
    const scalar = (opts.axis === undefined || opts.axis === null) && opts.keepdims !== true;
    if ((fn === "min" || fn === "max") && axes.some((ax) => n.shape[ax] === 0)) {
      throw new ProxyTypeError(`zero-size array to reduction operation ${fn === "min" ? "minimum" : "maximum"} which has no identity`);
    }
    return wrapNode(make("reduce", [n], { fn, axes, keepdims: opts.keepdims === true, ddof: opts.ddof ?? 0, scalar }));
  };
}

export const reductions = {
  sum: reducer("sum"), prod: reducer("prod"), min: reducer("min"), max: reducer("max"), amin: reducer("min"), amax: reducer("max"),
  mean: reducer("mean"), median: reducer("median"), std: reducer("std"), var: reducer("var"), all: reducer("all"), any: reducer("any"),
};

export function count_nonzero(a: ArrayLike, opts: ReduceOptions = {}): ArrayProxy | ScalarProxy {
  const n = nodeOf(a);
  const b = n.dtype === "bool" ? n : make("cast", [n], { dtype: "bool" });
  return reductions.sum(wrapNode<ArrayProxy>(b), opts);
}

export function reshape(a: ArrayLike, shape: number[]): ArrayProxy {
  return wrapNode<ArrayProxy>(nodeOf(a)).reshape(shape);
}
export function ravel(a: ArrayLike): ArrayProxy {
  return wrapNode<ArrayProxy>(nodeOf(a)).flatten();
}
export function transpose(a: ArrayLike, axes?: number[]): ArrayProxy {
  const n = nodeOf(a);
  const nd = n.shape.length;
  const perm = axes === undefined ? Array.from({ length: nd }, (_, i) => nd - 1 - i) : axes.map((x) => normalizeAxis(x, nd));
  return wrapNode(make("transpose", [n], { axes: perm }));
}
export function moveaxis(a: ArrayLike, source: number, destination: number): ArrayProxy {
  const n = nodeOf(a);
  const nd = n.shape.length;
  const s = normalizeAxis(source, nd), d = normalizeAxis(destination, nd);
  const order = Array.from({ length: nd }, (_, i) => i).filter((i) => i !== s);
  order.splice(d, 0, s);
  return wrapNode(make("transpose", [n], { axes: order }));
}
export function swapaxes(a: ArrayLike, a1: number, a2: number): ArrayProxy {
  const n = nodeOf(a);
  const nd = n.shape.length;
  const order = Array.from({ length: nd }, (_, i) => i);
  const x = normalizeAxis(a1, nd), y = normalizeAxis(a2, nd);
  [order[x], order[y]] = [order[y]!, order[x]!];
  return wrapNode(make("transpose", [n], { axes: order }));
}
export function expand_dims(a: ArrayLike, axis: number): ArrayProxy {
  const n = nodeOf(a);
  const ax = normalizeAxis(axis, n.shape.length + 1);
  const shape = [...n.shape];
  shape.splice(ax, 0, 1);
  return wrapNode<ArrayProxy>(n).reshape(shape);
}
export function squeeze(a: ArrayLike, axis?: number | number[]): ArrayProxy {
  const n = nodeOf(a);
  const axes = axis === undefined ? n.shape.map((s, i) => (s === 1 ? i : -1)).filter((i) => i >= 0) : normalizeAxes(axis, n.shape.length);
  for (const ax of axes) if (n.shape[ax] !== 1) throw new ProxyTypeError(`cannot select an axis to squeeze out which has size not equal to one (axis ${ax} has size ${n.shape[ax]})`);
  return wrapNode<ArrayProxy>(n).reshape(n.shape.filter((_, i) => !axes.includes(i)));
}
export function broadcast_to(a: ArrayLike, shape: number[]): ArrayProxy {
  return wrapNode(make("broadcast", [nodeOf(a)], { shape }));
}
export function concatenate(arrays: ArrayLike[], opts: { axis?: number } = {}): ArrayProxy {
  const nodes = arrays.map(nodeOf);
  if (nodes.length === 0) throw new ProxyTypeError("need at least one array to concatenate");
  const nd = nodes[0]!.shape.length;
  if (nodes.some((n) => n.shape.length !== nd)) {
    throw new ProxyTypeError(`all the input arrays must have same number of dimensions, got ${nodes.map((n) => n.shape.length).join(", ")}`);
  }
  const axis = normalizeAxis(opts.axis ?? 0, nd);
  void promote;
  return wrapNode(make("concat", nodes, { axis }));
}
export function stack(arrays: ArrayLike[], opts: { axis?: number } = {}): ArrayProxy {
  const nodes = arrays.map(nodeOf);
  if (nodes.length === 0) throw new ProxyTypeError("need at least one array to stack");
  const axis = normalizeAxis(opts.axis ?? 0, nodes[0]!.shape.length + 1);
  return concatenate(nodes.map((n) => expand_dims(wrapNode<ArrayProxy>(n), axis)), { axis });
}
