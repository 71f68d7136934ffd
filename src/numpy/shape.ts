/** Shape functions: reshape, axes moved, dimensions added or removed, broadcasting. */
import { ProxyTypeError } from "../core/errors.js";
import { shapeStr } from "../core/shape.js";
import { broadcastShapes } from "../graph/broadcast.js";
import type { Node } from "../graph/node.js";
import { make } from "../graph/make.js";
import type { ArrayProxy } from "../proxy/array.js";
import { normalizeAxes, normalizeAxis } from "../proxy/axes.js";
import { nodeOf, wrap, type ArrayLike } from "./args.js";
import { broadcastTo } from "./nodes.js";

const proxy = (n: Node): ArrayProxy => wrap<ArrayProxy>(n);

export function reshapeNode(n: Node, shape: readonly number[]): Node {
  return proxy(n).reshape([...shape]).node;
}

export function reshape(a: ArrayLike, shape: number | number[]): ArrayProxy {
  return proxy(nodeOf(a)).reshape(typeof shape === "number" ? [shape] : shape);
}
export function ravel(a: ArrayLike): ArrayProxy {
  return proxy(nodeOf(a)).flatten();
}

export function transposeNode(n: Node, perm: readonly number[]): Node {
  return perm.every((p, i) => p === i) ? n : make("transpose", [n], { axes: [...perm] });
}

export function transpose(a: ArrayLike, axes?: number[] | { axes?: number[] }): ArrayProxy {
  const n = nodeOf(a);
  const nd = n.shape.length;
  const ax = Array.isArray(axes) ? axes : axes?.axes;
  const perm = ax === undefined ? Array.from({ length: nd }, (_, i) => nd - 1 - i) : ax.map((x) => normalizeAxis(x, nd));
  if (ax !== undefined && (perm.length !== nd || new Set(perm).size !== nd)) throw new ProxyTypeError("axes don't match array");
  return proxy(transposeNode(n, perm));
}

export function moveaxisNode(n: Node, source: number | readonly number[], destination: number | readonly number[]): Node {
  const nd = n.shape.length;
  const src = (typeof source === "number" ? [source] : [...source]).map((s) => normalizeAxis(s, nd));
  const dst = (typeof destination === "number" ? [destination] : [...destination]).map((d) => normalizeAxis(d, nd));
  if (src.length !== dst.length) throw new ProxyTypeError("`source` and `destination` arguments must have the same number of elements");
  if (new Set(src).size !== src.length || new Set(dst).size !== dst.length) throw new ProxyTypeError("repeated axis in `source` or `destination` argument");
  const order = Array.from({ length: nd }, (_, i) => i).filter((i) => !src.includes(i));
  [...dst.map((d, k) => [d, src[k]!] as const)].sort((p, q) => p[0] - q[0]).forEach(([d, s]) => order.splice(d, 0, s));
  return transposeNode(n, order);
}

export function moveaxis(a: ArrayLike, source: number | number[], destination: number | number[]): ArrayProxy {
  return proxy(moveaxisNode(nodeOf(a), source, destination));
}

export function swapaxes(a: ArrayLike, a1: number, a2: number): ArrayProxy {
  const n = nodeOf(a);
  const nd = n.shape.length;
  const order = Array.from({ length: nd }, (_, i) => i);
  const x = normalizeAxis(a1, nd), y = normalizeAxis(a2, nd);
  [order[x], order[y]] = [order[y]!, order[x]!];
  return proxy(transposeNode(n, order));
}

/** New axes as a view (no data moves). */
export function expandDimsNode(n: Node, axis: number | readonly number[]): Node {
  const list = typeof axis === "number" ? [axis] : [...axis];
  const out = n.shape.length + list.length;
  const at = normalizeAxes(list, out);
  const items: unknown[] = [];
  for (let i = 0; i < out; i++) items.push(at.includes(i) ? ["n"] : ["s", null, null, null]);
  return make("view", [n], { items: items as never });
}

export function expand_dims(a: ArrayLike, axis: number | number[]): ArrayProxy {
  return proxy(expandDimsNode(nodeOf(a), axis));
}

export function squeeze(a: ArrayLike, axis?: number | number[] | { axis?: number | number[] }): ArrayProxy {
  const n = nodeOf(a);
  const ax = typeof axis === "object" && !Array.isArray(axis) ? axis.axis : axis;
  const axes = ax === undefined ? n.shape.map((s, i) => (s === 1 ? i : -1)).filter((i) => i >= 0) : normalizeAxes(ax, n.shape.length);
  for (const x of axes) if (n.shape[x] !== 1) throw new ProxyTypeError(`cannot select an axis to squeeze out which has size not equal to one`);
  if (axes.length === 0) return proxy(n);
  const items = n.shape.map((_, i) => (axes.includes(i) ? ["i", 0] : ["s", null, null, null]));
  return proxy(make("view", [n], { items: items as never }));
}

function atleast(n: Node, nd: 1 | 2 | 3): Node {
  const s = n.shape.length;
  if (s >= nd) return n;
  if (s === 0) return expandDimsNode(n, Array.from({ length: nd }, (_, i) => i));
  if (nd === 2) return expandDimsNode(n, 0);
  // atleast_3d: (n,) → (1, n, 1), (m, n) → (m, n, 1)
  return s === 1 ? expandDimsNode(n, [0, 2]) : expandDimsNode(n, 2);
}

function atleastFn(nd: 1 | 2 | 3) {
  return (...arrays: ArrayLike[]): ArrayProxy | ArrayProxy[] => {
    const out = arrays.map((a) => proxy(atleast(nodeOf(a), nd)));
    return out.length === 1 ? out[0]! : out;
  };
}
export const atleast_1d = atleastFn(1);
export const atleast_2d = atleastFn(2);
export const atleast_3d = atleastFn(3);
export const atleastNode = atleast;

export function broadcast_to(a: ArrayLike, shape: number | number[]): ArrayProxy {
  const n = nodeOf(a);
  const target = typeof shape === "number" ? [shape] : shape;
  if (target.some((s) => !Number.isInteger(s) || s < 0)) throw new ProxyTypeError(`all elements of broadcast shape must be non-negative, got ${shapeStr(target)}`);
  return proxy(make("broadcast", [n], { shape: [...target] }));
}

export function broadcast_arrays(...arrays: ArrayLike[]): ArrayProxy[] {
  const nodes = arrays.map(nodeOf);
  const shape = broadcastShapes(nodes.map((n) => n.shape));
  return nodes.map((n) => proxy(broadcastTo(n, shape)));
}

export function broadcast_shapes(...shapes: number[][]): number[] {
  return broadcastShapes(shapes);
}
