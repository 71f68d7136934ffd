/**
 * Products as broadcasting views multiplied and summed: the engine fuses the product into the
 * reduction, so the broadcast operand is never materialized. The result keeps NumPy's dtype
 * (the promoted input dtype: integer products wrap, bool products are OR of ANDs).
 */
import { allocate, promote } from "../core/dtype.js";
import { ProxyTypeError } from "../core/errors.js";
import type { AttrValue, Node } from "../graph/node.js";
import { make } from "../graph/make.js";
import type { ArrayProxy } from "../proxy/array.js";
import { normalizeAxis } from "../proxy/axes.js";
import { literalNode } from "../proxy/literal.js";
import { asScalar, castTo, checkOptions, dtypeOption, nodeOf, requireKnown, wrap, type ArrayLike } from "./args.js";
import { uf } from "./nodes.js";
import { reduceNode, type Reduced } from "./reduce.js";
import { reshapeNode, transposeNode } from "./shape.js";

const S: AttrValue = ["s", null, null, null];
const N: AttrValue = ["n"];

/** `x` with its axes laid out as `layout`: an axis index, or -1 for a new length-1 axis. */
function placed(x: Node, order: readonly number[], layout: readonly (number | -1)[]): Node {
  const t = transposeNode(x, order);
  if (!layout.includes(-1)) return t;
  return make("view", [t], { items: layout.map((l) => (l === -1 ? N : S)) });
}

/** sum over the trailing `nContract` axes of a * b (already laid out on a common axis space). */
function contract(a: Node, b: Node, firstReduced: number, nAxes: number, result: boolean): Node {
  const d = promote(a.dtype, b.dtype);
  const prod = uf("mul", a, b);
  if (nAxes === firstReduced) return castTo(prod, d);
  const axes = Array.from({ length: nAxes - firstReduced }, (_, i) => firstReduced + i);
  const r = reduceNode("sum", prod, { axis: axes });
  const out = castTo(r, d);
  return result && out.shape.length === 0 ? asScalar(out) : out;
}

function tensordotNode(a: Node, b: Node, axesA: readonly number[], axesB: readonly number[]): Node {
  if (axesA.length !== axesB.length) throw new ProxyTypeError("shape-mismatch for sum");
  const ca = axesA.map((x) => normalizeAxis(x, a.shape.length));
  const cb = axesB.map((x) => normalizeAxis(x, b.shape.length));
  ca.forEach((x, i) => {
    if (a.shape[x] !== b.shape[cb[i]!]) throw new ProxyTypeError("shape-mismatch for sum");
  });
  const fa = a.shape.map((_, i) => i).filter((i) => !ca.includes(i));
  const fb = b.shape.map((_, i) => i).filter((i) => !cb.includes(i));
  const A = placed(a, [...fa, ...ca], [...fa.map(() => 0), ...fb.map(() => -1 as const), ...ca.map(() => 0)]);
  const B = placed(b, [...fb, ...cb], [...fa.map(() => -1 as const), ...fb.map(() => 0), ...cb.map(() => 0)]);
  return contract(A, B, fa.length + fb.length, fa.length + fb.length + ca.length, true);
}

export function tensordot(a: ArrayLike, b: ArrayLike, axes: number | [number | number[], number | number[]] | { axes?: number | [number | number[], number | number[]] } = 2): Reduced {
  const x = nodeOf(a), y = nodeOf(b);
  requireKnown("tensordot", x);
  requireKnown("tensordot", y);
  const ax = typeof axes === "object" && !Array.isArray(axes) ? axes.axes ?? 2 : axes;
  let aa: number[], bb: number[];
  if (typeof ax === "number") {
    if (ax > x.shape.length || ax > y.shape.length) throw new ProxyTypeError("shape-mismatch for sum");
    aa = Array.from({ length: ax }, (_, i) => x.shape.length - ax + i);
    bb = Array.from({ length: ax }, (_, i) => i);
  } else {
    aa = typeof ax[0] === "number" ? [ax[0]] : ax[0];
    bb = typeof ax[1] === "number" ? [ax[1]] : ax[1];
  }
  return wrap(tensordotNode(x, y, aa, bb));
}

export function dot(a: ArrayLike, b: ArrayLike): Reduced {
  const x = nodeOf(a), y = nodeOf(b);
  if (x.shape.length === 0 || y.shape.length === 0) return wrap(uf("mul", x, y));
  const ka = x.shape.length - 1, kb = y.shape.length === 1 ? 0 : y.shape.length - 2;
  if (x.shape[ka] !== y.shape[kb]) throw new ProxyTypeError(`shapes (${x.shape.join(",")}) and (${y.shape.join(",")}) not aligned: ${x.shape[ka]} (dim ${ka}) != ${y.shape[kb]} (dim ${kb})`);
  return wrap(tensordotNode(x, y, [ka], [kb]));
}

export function vdot(a: ArrayLike, b: ArrayLike): Reduced {
  const x = reshapeNode(nodeOf(a), [-1]), y = reshapeNode(nodeOf(b), [-1]);
  if (x.shape[0] !== y.shape[0]) throw new ProxyTypeError("cannot reshape array: vectors have different lengths");
  return wrap(tensordotNode(x, y, [0], [0]));
}

export function inner(a: ArrayLike, b: ArrayLike): Reduced {
  const x = nodeOf(a), y = nodeOf(b);
  if (x.shape.length === 0 || y.shape.length === 0) return wrap(uf("mul", x, y));
  if (x.shape[x.shape.length - 1] !== y.shape[y.shape.length - 1]) throw new ProxyTypeError("shapes not aligned: last dimensions differ");
  return wrap(tensordotNode(x, y, [-1], [-1]));
}

/** matmul: stacks of matrices broadcast; a 1-d operand is a row (left) or column (right) vector. */
export function matmul(a: ArrayLike, b: ArrayLike): Reduced {
  let x = nodeOf(a), y = nodeOf(b);
  if (x.shape.length === 0 || y.shape.length === 0) throw new ProxyTypeError(`matmul: Input operand ${x.shape.length === 0 ? 0 : 1} does not have enough dimensions (has 0, gufunc core with signature (n?,k),(k,m?)->(n?,m?) requires 1)`);
  const vecA = x.shape.length === 1, vecB = y.shape.length === 1;
  if (vecA) x = make("view", [x], { items: [N, S] });
  if (vecB) y = make("view", [y], { items: [S, N] });
  const k = x.shape[x.shape.length - 1]!;
  if (y.shape[y.shape.length - 2] !== k) {
    throw new ProxyTypeError(`matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size ${y.shape[y.shape.length - 2]} is different from ${k})`);
  }
  // x[..., n, k, 1] * y[..., 1, k, m] summed over k
  const xe = make("view", [x], { items: [...x.shape.map(() => S), N] });
  const ye = make("view", [y], { items: [...y.shape.slice(0, -2).map(() => S), N, S, S] });
  const prod = uf("mul", xe, ye);
  const nd = prod.shape.length;
  let r = castTo(reduceNode("sum", prod, { axis: [nd - 2] }), promote(x.dtype, y.dtype));
  if (vecA || vecB) {
    const items = r.shape.map((_, i) => ((vecA && i === r.shape.length - 2) || (vecB && i === r.shape.length - 1) ? ["i", 0] : S));
    r = make("view", [r], { items: items as AttrValue });
  }
  return wrap(r.shape.length === 0 ? asScalar(r) : r);
}

export function outer(a: ArrayLike, b: ArrayLike): ArrayProxy {
  let x = nodeOf(a), y = nodeOf(b);
  if (x.shape.length !== 1) x = reshapeNode(x, [-1]);
  if (y.shape.length !== 1) y = reshapeNode(y, [-1]);
  return wrap(uf("mul", make("view", [x], { items: [S, N] }), make("view", [y], { items: [N, S] })));
}

export interface DiagonalOptions {
  offset?: number;
  axis1?: number;
  axis2?: number;
}

/** The diagonal as a gather with two index ramps; it becomes the last axis, as in NumPy. */
export function diagonalNode(x: Node, o: DiagonalOptions): Node {
  const nd = x.shape.length;
  if (nd < 2) throw new ProxyTypeError("diag requires an array of at least two dimensions");
  const a1 = normalizeAxis(o.axis1 ?? 0, nd), a2 = normalizeAxis(o.axis2 ?? 1, nd);
  if (a1 === a2) throw new ProxyTypeError("axis1 and axis2 cannot be the same");
  const off = o.offset ?? 0;
  const r0 = Math.max(0, -off), c0 = Math.max(0, off);
  const len = Math.max(0, Math.min(x.shape[a1]! - r0, x.shape[a2]! - c0));
  const ramp = (from: number) => {
    const d = allocate("int64", len, true);
    for (let i = 0; i < len; i++) d[i] = BigInt(from + i) as never;
    return literalNode(d, [len], "int64");
  };
  return make("take", [x, ramp(r0), ramp(c0)], { axes: [a1, a2], at: nd - 2 });
}

export function diagonal(a: ArrayLike, opts: DiagonalOptions = {}): ArrayProxy {
  checkOptions("diagonal", opts, ["offset", "axis1", "axis2"]);
  return wrap(diagonalNode(nodeOf(a), opts));
}

export function trace(a: ArrayLike, opts: DiagonalOptions & { dtype?: string } = {}): Reduced {
  checkOptions("trace", opts, ["offset", "axis1", "axis2", "dtype"]);
  const dt = dtypeOption("trace", opts.dtype);
  let d = diagonalNode(nodeOf(a), opts);
  if (dt !== undefined) d = castTo(d, dt);
  let r = reduceNode("sum", d, { axis: d.shape.length - 1 });
  if (dt !== undefined) r = castTo(r, dt);
  return wrap(r.shape.length === 0 ? asScalar(r) : r);
}

export { contract, placed };
