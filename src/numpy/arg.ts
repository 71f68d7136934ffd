/**
 * argmin/argmax as two fused reductions: the extreme value, then the smallest global index holding it
 * (NaN counts as the extreme, as in NumPy). numpy.ma's rule for masked input: masked elements are
 * filled with the value that can never win.
 */
import { DTYPES } from "../core/dtype.js";
import { ProxyTypeError } from "../core/errors.js";
import { sizeOf } from "../core/shape.js";
import type { Node } from "../graph/node.js";
import { make } from "../graph/make.js";
import { normalizeAxis } from "../proxy/axes.js";
import { checkOptions, nodeOf, requireKnown, wrap, type ArrayLike } from "./args.js";
import { broadcastTo, constOf, filledWith, flatIndex, isFloatNode, ramp, uf } from "./nodes.js";
import { reduceNode, type Reduced } from "./reduce.js";

export interface ArgOptions {
  axis?: number | null;
  keepdims?: boolean;
}

function worst(kind: "min" | "max", n: Node): number | bigint | boolean {
  const info = DTYPES[n.dtype];
  if (info.kind === "f") return kind === "min" ? Infinity : -Infinity;
  if (info.kind === "b") return kind === "min";
  return kind === "min" ? info.max : info.min;
}

export function argExtreme(fname: string, kind: "min" | "max", a: ArrayLike, opts: ArgOptions, skipNaN: boolean): Reduced {
  checkOptions(fname, opts, ["axis", "keepdims"]);
  let x = nodeOf(a);
  requireKnown(fname, x);
  const axis = opts.axis ?? null;
  if (typeof axis !== "number" && axis !== null) throw new ProxyTypeError(`${fname}: axis must be an integer or None`);
  const nd = x.shape.length;
  const ax = axis === null ? null : normalizeAxis(axis, nd);
  if ((ax === null ? sizeOf(x.shape) : x.shape[ax]!) === 0) throw new ProxyTypeError(`attempt to get ${fname.replace("nan", "")} of an empty sequence`);
  x = filledWith(x, worst(kind, x));
  if (skipNaN && isFloatNode(x)) x = make("where", [uf("isnan", x), constOf(worst(kind, x), x.dtype), x], {});
  const axes = ax === null ? null : [ax];
  const keepdims = opts.keepdims === true;
  const best = reduceNode(kind, x, { axis: axes, keepdims: true });
  let hit = uf("eq", x, best);
  if (isFloatNode(x)) hit = uf("logical_or", hit, uf("logical_and", uf("isnan", x), uf("isnan", best)));
  const idx = ax === null ? flatIndex(x.shape) : broadcastTo(ramp(x.shape[ax]!, ax, nd), x.shape);
  const cand = make("where", [hit, idx, constOf(sizeOf(x.shape), "int64")], {});
  return wrap(reduceNode("min", cand, { axis: axes, keepdims }, true));
}

export const argmin = (a: ArrayLike, opts: ArgOptions = {}): Reduced => argExtreme("argmin", "min", a, opts, false);
export const argmax = (a: ArrayLike, opts: ArgOptions = {}): Reduced => argExtreme("argmax", "max", a, opts, false);
export const nanargmin = (a: ArrayLike, opts: ArgOptions = {}): Reduced => argExtreme("nanargmin", "min", a, opts, true);
export const nanargmax = (a: ArrayLike, opts: ArgOptions = {}): Reduced => argExtreme("nanargmax", "max", a, opts, true);
