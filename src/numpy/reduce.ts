/** Reductions with NumPy's `axis`, `keepdims`, `ddof` and `dtype` options. */
import { DTYPES, promote, sumDType, type DTypeName } from "../core/dtype.js";
import { ProxyTypeError } from "../core/errors.js";
import type { Node } from "../graph/node.js";
import { make } from "../graph/make.js";
import type { ReduceFn } from "../graph/ops.js";
import { normalizeAxes } from "../proxy/axes.js";
import { constNode, ufunc } from "../proxy/operand.js";
import type { ArrayProxy } from "../proxy/array.js";
import type { ScalarProxy } from "../proxy/scalar.js";
import { asScalar, castTo, checkOptions, dtypeOption, nodeOf, wrap, type ArrayLike } from "./args.js";

export type Axis = number | readonly number[] | null | undefined;

export interface ReduceOptions {
  axis?: Axis;
  keepdims?: boolean;
  ddof?: number;
  dtype?: string;
}

export type Reduced = ArrayProxy | ScalarProxy;

const NUMPY_NAME: Partial<Record<ReduceFn, string>> = { min: "minimum", max: "maximum" };

/** The reduction node; as a `result`, a full reduction without keepdims is a Scalar. */
export function reduceNode(fn: ReduceFn, n: Node, o: { axis?: Axis; keepdims?: boolean; ddof?: number }, result = false): Node {
  const axes = normalizeAxes(o.axis ?? undefined, n.shape.length);
  const keepdims = o.keepdims === true;
  // NumPy returns a scalar whenever every axis is reduced away
  const scalar = result && !keepdims && axes.length === n.shape.length;
  if ((fn === "min" || fn === "max") && axes.some((ax) => n.shape[ax] === 0)) {
    throw new ProxyTypeError(`zero-size array to reduction operation ${NUMPY_NAME[fn]} which has no identity`);
  }
  const ddof = o.ddof ?? 0;
  if (!Number.isFinite(ddof)) throw new ProxyTypeError(`ddof must be a number, got ${String(ddof)}`);
  return make("reduce", [n], { fn, axes, keepdims, ddof, scalar });
}

/** A node whose values were computed per output element (a 0-d one becomes a Scalar when NumPy gives a scalar). */
export function finish(r: Node, o: { axis?: Axis; keepdims?: boolean }): Node {
  return o.keepdims !== true && r.shape.length === 0 ? asScalar(r) : r;
}

/**
 * numpy.ma divides with its masked division, which masks non-finite quotients: a masked mean (with
 * an axis), var or std is masked where it is NaN or infinite, not just where nothing was left.
 */
export function maskInvalid(r: Node): Node {
  if (!r.masked || DTYPES[r.dtype].kind !== "f") return r;
  const d = r.kind === "scalar" ? make("reshape", [r], { shape: [] }) : r;
  const data = make("getdata", [d], {});
  return make("make_masked", [data, ufunc("or", [{ node: make("getmask", [d], {}) }, { node: ufunc("logical_not", [{ node: ufunc("isfinite", [{ node: data }]) }]) }])], {});
}

/** Integer products wrap in 64 bits: the kernel accumulates exactly only in the 64-bit dtype itself. */
export function wideInts(n: Node): Node {
  return DTYPES[n.dtype].kind === "f" ? n : castTo(n, sumDType(n.dtype));
}

const WITH_DTYPE = new Set<ReduceFn>(["sum", "prod", "mean", "var", "std"]);

function reducer(fn: ReduceFn, fname: string) {
  const allowed = ["axis", "keepdims", ...(fn === "var" || fn === "std" ? ["ddof"] : []), ...(WITH_DTYPE.has(fn) ? ["dtype"] : [])];
  return (a: ArrayLike, opts: ReduceOptions = {}): Reduced => {
    checkOptions(fname, opts, allowed);
    const dt = dtypeOption(fname, opts.dtype);
    let n = nodeOf(a);
    if (dt !== undefined) n = castTo(n, dt);
    if (fn === "prod") n = wideInts(n);
    let r = reduceNode(fn, n, opts, dt === undefined);
    if (n.masked && (fn === "var" || fn === "std" || (fn === "mean" && r.kind !== "scalar"))) r = finish(maskInvalid(r), opts);
    if (dt !== undefined) r = finish(castTo(r, dt), opts);
    return wrap(r);
  };
}

export const reductions = {
  sum: reducer("sum", "sum"),
  prod: reducer("prod", "prod"),
  min: reducer("min", "min"),
  max: reducer("max", "max"),
  amin: reducer("min", "amin"),
  amax: reducer("max", "amax"),
  mean: reducer("mean", "mean"),
  median: reducer("median", "median"),
  std: reducer("std", "std"),
  var: reducer("var", "var"),
  all: reducer("all", "all"),
  any: reducer("any", "any"),
};

/** Nonzero elements (masked elements are not counted). */
export function count_nonzero(a: ArrayLike, opts: { axis?: Axis; keepdims?: boolean } = {}): Reduced {
  checkOptions("count_nonzero", opts, ["axis", "keepdims"]);
  let n = nodeOf(a);
  if (n.masked) n = make("filled", [n, constNode(0, n.dtype)], {});
  return wrap(reduceNode("sum", castTo(n, "bool"), opts, true));
}

/** Range of values (max - min), in the input's dtype as NumPy computes it. */
export function ptp(a: ArrayLike, opts: { axis?: Axis; keepdims?: boolean } = {}): Reduced {
  checkOptions("ptp", opts, ["axis", "keepdims"]);
  const n = nodeOf(a);
  const o = { axis: opts.axis, keepdims: opts.keepdims === true };
  const d = ufunc("sub", [{ node: reduceNode("max", n, o) }, { node: reduceNode("min", n, o) }]);
  return wrap(finish(d, opts));
}

export interface AverageOptions {
  axis?: Axis;
  weights?: ArrayLike;
  returned?: boolean;
  keepdims?: boolean;
}

/** Weights aligned with `a`: the same shape, or 1-d along a single `axis`. */
function alignWeights(a: Node, w: Node, axis: Axis): Node {
  if (w.shape.length === a.shape.length && w.shape.every((s, i) => s === a.shape[i])) return w;
  if (axis === undefined || axis === null) throw new ProxyTypeError("Axis must be specified when shapes of a and weights differ.");
  if (w.shape.length !== 1) throw new ProxyTypeError("1D weights expected when shapes of a and weights differ.");
  const [ax] = normalizeAxes(typeof axis === "number" ? axis : axis.length === 1 ? axis[0]! : NaN, a.shape.length);
  if (w.shape[0] !== a.shape[ax!]) throw new ProxyTypeError("Length of weights not compatible with specified axis.");
  const shape = a.shape.map((_, i) => (i === ax ? w.shape[0]! : 1));
  return make("reshape", [w], { shape });
}

function averageDType(a: DTypeName, w: DTypeName): DTypeName {
  const k = DTYPES[a].kind;
  const p = promote(a, w);
  return k === "f" ? p : promote(p, "float64");
}

/** Weighted mean; with `returned`, also the sum of the weights (broadcast to the result's shape). */
export function average(a: ArrayLike, opts: AverageOptions = {}): Reduced | [Reduced, Reduced] {
  checkOptions("average", opts, ["axis", "weights", "returned", "keepdims"]);
  const n = nodeOf(a);
  const o = { axis: opts.axis, keepdims: opts.keepdims === true };
  let avg: Node, scl: Node;
  if (opts.weights === undefined) {
    avg = reduceNode("mean", n, o);
    scl = reduceNode("count", n, o);
    const sd = DTYPES[avg.dtype].kind === "f" ? avg.dtype : "float64";
    scl = castTo(scl.masked ? make("getdata", [scl], {}) : scl, sd);
  } else {
    const w0 = nodeOf(opts.weights);
    const rt = averageDType(n.dtype, w0.dtype);
    let w = castTo(alignWeights(n, w0, opts.axis), rt);
    if (n.masked) w = make("make_masked", [make("broadcast", [w], { shape: [...n.shape] }), make("getmask", [n], {})], {});
    const prod = ufunc("mul", [{ node: castTo(n, rt) }, { node: w }]);
    const num = castTo(reduceNode("sum", prod, o), rt);
    scl = castTo(reduceNode("sum", w.masked ? w : make("broadcast", [w], { shape: [...n.shape] }), o), rt);
    avg = ufunc("div", [{ node: num }, { node: scl }]);
    avg = castTo(avg, rt);
  }
  if (n.masked && avg.shape.length > 0) avg = maskInvalid(avg);
  const r = wrap<Reduced>(finish(avg, o));
  if (opts.returned !== true) return r;
  const s = scl.shape.length === avg.shape.length ? scl : make("broadcast", [scl], { shape: [...avg.shape] });
  return [r, wrap<Reduced>(finish(s.masked && !avg.masked ? make("getdata", [s], {}) : s, o))];
}
