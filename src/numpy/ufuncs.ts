/** `wf.numpy` ufuncs under NumPy's names, generated from the closed ufunc table. */
import { UFUNCS, type UfuncName } from "../graph/ufuncs.js";
import type { ArrayProxy } from "../proxy/array.js";
import { ufunc, type ArrayLike } from "../proxy/operand.js";
import { wrapNode } from "../proxy/wrap.js";
import { castTo, checkOptions, dtypeOption, nodeOf } from "./args.js";

/** NumPy's ufunc keywords: `dtype` (the loop's dtype) is taken; `out=`, `where=`, `casting=`... are refused. */
export interface UfuncOptions {
  dtype?: string;
}

export type UnaryUfunc = (x: ArrayLike, opts?: UfuncOptions) => ArrayProxy;
export type BinaryUfunc = (x: ArrayLike, y: ArrayLike, opts?: UfuncOptions) => ArrayProxy;

function apply(name: string, fn: UfuncName, args: ArrayLike[], opts: UfuncOptions | undefined): ArrayProxy {
  checkOptions(name, opts, ["dtype"]);
  const dt = dtypeOption(name, opts?.dtype);
  const ins = dt === undefined ? args : args.map((a) => ({ node: castTo(nodeOf(a), dt) }));
  return wrapNode<ArrayProxy>(ufunc(fn, ins));
}

const UNARY = [
  "negative", "positive", "absolute", "fabs", "invert", "logical_not", "square", "reciprocal", "sign", "sqrt", "cbrt", "exp",
  "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
  "arcsinh", "arccosh", "arctanh", "deg2rad", "rad2deg", "rint", "isnan", "isfinite", "isinf", "signbit", "spacing",
  // aliases, including NumPy 2's array-API names
  "abs", "bitwise_not", "bitwise_invert", "degrees", "radians", "conjugate", "conj", "acos", "asin", "atan", "acosh", "asinh", "atanh",
] as const;
const BINARY = [
  "add", "subtract", "multiply", "true_divide", "floor_divide", "remainder", "fmod", "power", "float_power", "maximum", "minimum",
  "fmax", "fmin", "arctan2", "hypot", "copysign", "nextafter", "logaddexp", "logaddexp2", "ldexp", "less", "less_equal", "greater",
  "greater_equal", "equal", "not_equal", "bitwise_and", "bitwise_or", "bitwise_xor", "left_shift", "right_shift", "logical_and",
  "logical_or", "logical_xor",
  // aliases, including NumPy 2's array-API names
  "divide", "mod", "pow", "atan2", "bitwise_left_shift", "bitwise_right_shift",
] as const;

export type UfuncTable = { [K in (typeof UNARY)[number]]: UnaryUfunc } & { [K in (typeof BINARY)[number]]: BinaryUfunc };

const ALIASES: Readonly<Record<string, UfuncName>> = {
  divide: "div", mod: "mod", abs: "abs", bitwise_not: "invert", bitwise_invert: "invert", degrees: "rad2deg", radians: "deg2rad",
  conjugate: "pos", conj: "pos", acos: "arccos", asin: "arcsin", atan: "arctan", acosh: "arccosh", asinh: "arcsinh",
  atanh: "arctanh", pow: "pow", atan2: "arctan2", bitwise_left_shift: "left_shift", bitwise_right_shift: "right_shift",
};

export function ufuncTable(): UfuncTable {
  const byNumpy = new Map<string, UfuncName>();
  for (const [name, info] of Object.entries(UFUNCS) as [UfuncName, (typeof UFUNCS)[UfuncName]][]) byNumpy.set(info.numpy, name);
  for (const [alias, name] of Object.entries(ALIASES)) byNumpy.set(alias, name);
  const out: Record<string, UnaryUfunc | BinaryUfunc> = {};
  for (const n of UNARY) {
    const fn = byNumpy.get(n)!;
    out[n] = (x: ArrayLike, opts?: UfuncOptions) => apply(n, fn, [x], opts);
  }
  for (const n of BINARY) {
    const fn = byNumpy.get(n)!;
    out[n] = (x: ArrayLike, y: ArrayLike, opts?: UfuncOptions) => apply(n, fn, [x, y], opts);
  }
  return out as UfuncTable;
}
