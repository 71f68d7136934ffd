/**
 * argmin/argmax and their nan forms: one fused reduction of (value, index) pairs (ArgFn in
 * graph/ops.ts), so the data is read once. numpy.ma's rule for masked input: masked elements are
 * filled with the value that can never win. nanargmin/nanargmax raise NumPy's "All-NaN slice
 * encountered" at compute time through a `check` node (graph/checks.ts).
 */
import { DTYPES } from "../core/dtype.js";
import { ProxyTypeError } from "../core/errors.js";
import { sizeOf } from "../core/shape.js";
import type { Node } from "../graph/node.js";
import { make } from "../graph/make.js";
import type { ArgFn } from "../graph/ops.js";
import { normalizeAxis } from "../proxy/axes.js";
import { checkOptions, nodeOf, requireKnown, wrap, type ArrayLike } from "./args.js";
import { constOf, filledWith, isFloatNode, uf } from "./nodes.js";
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
  const x0 = nodeOf(a);
  requireKnown(fname, x0);
  const axis = opts.axis ?? null;
  if (typeof axis !== "number" && axis !== null) throw new ProxyTypeError(`${fname}: axis must be an integer or None`);
  const nd = x0.shape.length;
  const ax = axis === null ? null : normalizeAxis(axis, nd);
  if ((ax === null ? sizeOf(x0.shape) : x0.shape[ax]!) === 0) throw new ProxyTypeError(`attempt to get ${fname.replace("nan", "")} of an empty sequence`);
  const x = filledWith(x0, worst(kind, x0));
  const nan = skipNaN && isFloatNode(x);
  const fn: ArgFn = `${nan ? "nan" : ""}arg${kind}`;
  const o = { axis: ax === null ? null : [ax], keepdims: opts.keepdims === true };
  const r = reduceNode(fn, x, o, true);
  if (!nan) return wrap(r);
  // -1: the slice held only NaN. numpy.ma asks whether every unmasked value is NaN (fully masked: no)
  let allNaN = uf("eq", r, -1);
  if (x0.masked) allNaN = uf("logical_or", allNaN, make("filled", [reduceNode("all", uf("isnan", x0), o), constOf(false, "bool")], {}));
  return wrap(make("check", [allNaN, r], { error: "all_nan_slice" }));
}

export const argmin = (a: ArrayLike, opts: ArgOptions = {}): Reduced => argExtreme("argmin", "min", a, opts, false);
export const argmax = (a: ArrayLike, opts: ArgOptions = {}): Reduced => argExtreme("argmax", "max", a, opts, false);
export const nanargmin = (a: ArrayLike, opts: ArgOptions = {}): Reduced => argExtreme("nanargmin", "min", a, opts, true);
export const nanargmax = (a: ArrayLike, opts: ArgOptions = {}): Reduced => argExtreme("nanargmax", "max", a, opts, true);
