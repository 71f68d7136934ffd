/** Elementwise `wf.numpy` functions built from the ufunc table: where, clip, rounding, nan_to_num, isclose. */
import { DTYPES, fitsIn, promoteWeak } from "../core/dtype.js";
import { ProxyTypeError } from "../core/errors.js";
import type { Node } from "../graph/node.js";
import { make } from "../graph/make.js";
import type { ArrayProxy } from "../proxy/array.js";
import { isHasNode, resolveWeak, toOperand } from "../proxy/operand.js";
import { castTo, checkOptions, nodeOf, plainNumber, wrap, type ArrayLike } from "./args.js";
import { broadcastTo, constOf, filledWith, flatIndex, isFloatNode, ramp, uf } from "./nodes.js";
import { reduceNode, type Reduced } from "./reduce.js";

/** `where(cond, x, y)`, or with one argument the indices of the nonzero elements (as `nonzero`). */
export function where(cond: ArrayLike, x?: ArrayLike, y?: ArrayLike, opts: object = {}): ArrayProxy | ArrayProxy[] {
  checkOptions("where", opts, []);
  if (x === undefined && y === undefined) return nonzero(cond);
  if (x === undefined || y === undefined) throw new ProxyTypeError("either both or neither of x and y should be given");
  const c = castTo(nodeOf(cond), "bool");
  const [xn, yn] = resolveWeak([toOperand(x), toOperand(y)]);
  return wrap(make("where", [c, xn!, yn!], {}));
}

/** One 1-d index array per axis (lengths known once computed); masked elements count as zero. */
export function nonzero(a: ArrayLike): ArrayProxy[] {
  const n = nodeOf(a);
  if (n.shape.length === 0) throw new ProxyTypeError("Calling nonzero on 0d arrays is not allowed. Use np.atleast_1d(scalar).nonzero() instead.");
  const keep = castTo(filledWith(n, 0), "bool");
  return n.shape.map((len, k) => wrap<ArrayProxy>(make("select", [broadcastTo(ramp(len, k, n.shape.length), n.shape), keep], {})));
}

export function flatnonzero(a: ArrayLike): ArrayProxy {
  const n = nodeOf(a);
  return wrap(make("select", [flatIndex(n.shape), castTo(filledWith(n, 0), "bool")], {}));
}

/** A weak integer bound outside the array's range clips nothing on that side (NumPy 2's clip accepts it). */
function bound(a: Node, v: ArrayLike | null | undefined): ArrayLike | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "number" && Number.isInteger(v) && DTYPES[a.dtype].kind !== "f" && DTYPES[a.dtype].kind !== "b" && !fitsIn(a.dtype, v)) {
    return Number(v < 0 ? DTYPES[a.dtype].min : DTYPES[a.dtype].max);
  }
  return v;
}

export function clip(a: ArrayLike, aMin?: ArrayLike | null, aMax?: ArrayLike | null, opts: object = {}): ArrayProxy {
  checkOptions("clip", opts, []);
  let r = nodeOf(a);
  if ((aMin === null || aMin === undefined) && (aMax === null || aMax === undefined)) throw new ProxyTypeError("One of max or min must be given");
  const lo = bound(r, aMin), hi = bound(r, aMax);
  if (lo !== null) r = uf2("maximum", r, lo);
  if (hi !== null) r = uf2("minimum", r, hi);
  return wrap(r);
}

function uf2(fn: string, n: Node, v: ArrayLike): Node {
  if (typeof v === "number" || typeof v === "boolean") return uf(fn, n, v);
  return uf(fn, n, isHasNode(v) ? v.node : nodeOf(v));
}

/** floor, ceil and trunc keep integer and bool dtypes (NumPy 2); only floats are rounded. */
export function rounding(fn: "floor" | "ceil" | "trunc") {
  return (x: ArrayLike, opts: object = {}): ArrayProxy => {
    checkOptions(fn, opts, []);
    const n = nodeOf(x);
    return wrap(isFloatNode(n) ? uf(fn, n) : n);
  };
}
export const fix = rounding("trunc");

/** Round half to even to `decimals` places, as NumPy does: rint(x * 10^d) / 10^d in the array's dtype. */
export function around(a: ArrayLike, decimals: number | { decimals?: number } = 0, opts: object = {}): ArrayProxy {
  checkOptions("around", typeof decimals === "object" ? decimals : opts, ["decimals"]);
  const d = typeof decimals === "object" ? (decimals.decimals ?? 0) : decimals;
  if (!Number.isInteger(d)) throw new ProxyTypeError(`decimals must be an integer, got ${d}`);
  const n = nodeOf(a);
  if (isFloatNode(n)) {
    if (d >= 0) {
      const f = 10 ** d;
      return wrap(d === 0 ? uf("rint", n) : uf("div", uf("rint", uf("mul", n, f)), f));
    }
    const f = 10 ** -d;
    return wrap(uf("mul", uf("rint", uf("div", n, f)), f));
  }
  if (d >= 0) return wrap(n);
  if (n.dtype === "bool") throw new ProxyTypeError("round of a bool array to negative decimals is not supported");
  const f = 10 ** -d;
  return wrap(castTo(uf("mul", uf("rint", uf("div", castTo(n, "float64"), f)), f), n.dtype));
}

export interface NanToNumOptions {
  copy?: boolean;
  nan?: number;
  posinf?: number | null;
  neginf?: number | null;
}

export function nan_to_num(x: ArrayLike, opts: NanToNumOptions = {}): ArrayProxy {
  checkOptions("nan_to_num", opts, ["copy", "nan", "posinf", "neginf"]);
  const n = nodeOf(x);
  if (!isFloatNode(n)) return wrap(n);
  const info = DTYPES[n.dtype];
  const c = (v: number) => constOf(v, n.dtype);
  const posinf = opts.posinf ?? (info.max as number);
  const neginf = opts.neginf ?? (info.min as number);
  let r = make("where", [uf("isnan", n), c(opts.nan ?? 0), n], {});
  r = make("where", [uf("eq", n, Infinity), c(posinf), r], {});
  r = make("where", [uf("eq", n, -Infinity), c(neginf), r], {});
  return wrap(r);
}

export interface CloseOptions {
  rtol?: number;
  atol?: number;
  equal_nan?: boolean;
}

/** NumPy 2's isclose: |a - b| <= atol + rtol * |b| (b taken as float), or a == b; NaN equal only if asked. */
export function isclose(a: ArrayLike, b: ArrayLike, opts: CloseOptions = {}): ArrayProxy {
  checkOptions("isclose", opts, ["rtol", "atol", "equal_nan"]);
  const rtol = plainNumber("isclose", "rtol", opts.rtol ?? 1e-5);
  const atol = plainNumber("isclose", "atol", opts.atol ?? 1e-8);
  const [x0, y0] = resolveWeak([toOperand(a), toOperand(b)]);
  const x = x0!;
  const y = castTo(y0!, promoteWeak(y0!.dtype, "float"));
  const tol = uf("add", uf("mul", uf("abs", y), rtol), atol);
  let r = uf("logical_or", uf("logical_and", uf("le", uf("abs", uf("sub", castTo(x, x.dtype === "bool" ? y.dtype : x.dtype), y)), tol), uf("isfinite", y)), uf("eq", x, y));
  if (opts.equal_nan === true) r = uf("logical_or", r, uf("logical_and", uf("isnan", x), uf("isnan", y)));
  return wrap(r);
}

export function allclose(a: ArrayLike, b: ArrayLike, opts: CloseOptions = {}): Reduced {
  checkOptions("allclose", opts, ["rtol", "atol", "equal_nan"]);
  const c = isclose(a, b, opts).node;
  return wrap(reduceNode("all", c, {}, true));
}

export function isposinf(x: ArrayLike): ArrayProxy {
  return wrap(uf("eq", nodeOf(x), Infinity));
}
export function isneginf(x: ArrayLike): ArrayProxy {
  return wrap(uf("eq", nodeOf(x), -Infinity));
}
