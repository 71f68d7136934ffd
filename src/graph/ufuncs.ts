/**
 * The closed table of elementwise functions: arity, NumPy's dtype rule, and the numpy.ma domain.
 * Kernel code for each name lives in workers/codegen/templates.ts; nothing outside these tables
 * can reach generated code.
 */
import { DTYPES, floatResult, promote, type DTypeName } from "../core/dtype.js";

/**
 * How the result dtype follows from the (already promoted) input dtype:
 * - same: the promoted dtype (bool allowed)
 * - num: the promoted dtype; bool is refused (NumPy has no bool loop)
 * - intdiv: the promoted dtype, bool → int8 (floor_divide, remainder, power)
 * - truediv: floats keep their dtype, everything else float64
 * - float: float functions (sqrt, log, ...): float32 for small ints, float64 for wide ints
 * - cmp: computed in the promoted dtype, result bool
 * - bits: integers and bool only
 * - logical: any input, result bool
 * - pred: float predicates (isnan, ...), result bool
 * - f64: float64 always (float_power)
 * - mantissa: the first operand's float dtype; the second is an integer exponent (ldexp)
 */
export type DTypeRule = "same" | "num" | "intdiv" | "truediv" | "float" | "cmp" | "bits" | "logical" | "pred" | "f64" | "mantissa";

/** numpy.ma's domain: where the result is masked even if the inputs are not. */
export type MaskDomain = "none" | "divide" | "sqrt" | "log" | "unit" | "ge1" | "open_unit" | "nonfinite";

export interface UfuncInfo {
  readonly arity: 1 | 2;
  readonly rule: DTypeRule;
  readonly domain: MaskDomain;
  /** NumPy's name, for messages. */
  readonly numpy: string;
}

const u = (rule: DTypeRule, numpy: string, domain: MaskDomain = "none"): UfuncInfo => ({ arity: 1, rule, domain, numpy });
const b = (rule: DTypeRule, numpy: string, domain: MaskDomain = "none"): UfuncInfo => ({ arity: 2, rule, domain, numpy });

export const UFUNCS = {
  // arithmetic
  add: b("same", "add"),
  sub: b("num", "subtract"),
  mul: b("same", "multiply"),
  div: b("truediv", "true_divide", "divide"),
  floordiv: b("intdiv", "floor_divide", "divide"),
  mod: b("intdiv", "remainder", "divide"),
  fmod: b("intdiv", "fmod", "divide"),
  pow: b("intdiv", "power", "nonfinite"),
  float_power: b("f64", "float_power", "nonfinite"),
  maximum: b("same", "maximum"),
  minimum: b("same", "minimum"),
  fmax: b("same", "fmax"),
  fmin: b("same", "fmin"),
  arctan2: b("float", "arctan2"),
  hypot: b("float", "hypot"),
  copysign: b("float", "copysign"),
  nextafter: b("float", "nextafter"),
  logaddexp: b("float", "logaddexp"),
  logaddexp2: b("float", "logaddexp2"),
  ldexp: b("mantissa", "ldexp"),
  // comparison
  lt: b("cmp", "less"),
  le: b("cmp", "less_equal"),
  gt: b("cmp", "greater"),
  ge: b("cmp", "greater_equal"),
  eq: b("cmp", "equal"),
  ne: b("cmp", "not_equal"),
  // bitwise and logical
  and: b("bits", "bitwise_and"),
  or: b("bits", "bitwise_or"),
  xor: b("bits", "bitwise_xor"),
  left_shift: b("bits", "left_shift"),
  right_shift: b("bits", "right_shift"),
  logical_and: b("logical", "logical_and"),
  logical_or: b("logical", "logical_or"),
  logical_xor: b("logical", "logical_xor"),
  // unary
  neg: u("num", "negative"),
  pos: u("num", "positive"),
  abs: u("same", "absolute"),
  fabs: u("float", "fabs"),
  invert: u("bits", "invert"),
  logical_not: u("logical", "logical_not"),
  square: u("num", "square"),
  reciprocal: u("num", "reciprocal"),
  sign: u("num", "sign"),
  sqrt: u("float", "sqrt", "sqrt"),
  cbrt: u("float", "cbrt"),
  exp: u("float", "exp"),
  exp2: u("float", "exp2"),
  expm1: u("float", "expm1"),
  log: u("float", "log", "log"),
  log2: u("float", "log2", "log"),
  log10: u("float", "log10", "log"),
  log1p: u("float", "log1p", "ge1"),
  sin: u("float", "sin"),
  cos: u("float", "cos"),
  tan: u("float", "tan", "nonfinite"),
  arcsin: u("float", "arcsin", "unit"),
  arccos: u("float", "arccos", "unit"),
  arctan: u("float", "arctan"),
  sinh: u("float", "sinh"),
  cosh: u("float", "cosh"),
  tanh: u("float", "tanh"),
  arcsinh: u("float", "arcsinh"),
  arccosh: u("float", "arccosh", "ge1"),
  arctanh: u("float", "arctanh", "open_unit"),
  deg2rad: u("float", "deg2rad"),
  rad2deg: u("float", "rad2deg"),
  floor: u("float", "floor"),
  ceil: u("float", "ceil"),
  trunc: u("float", "trunc"),
  rint: u("float", "rint"),
  isnan: u("pred", "isnan"),
  isfinite: u("pred", "isfinite"),
  isinf: u("pred", "isinf"),
  signbit: u("pred", "signbit"),
  spacing: u("float", "spacing"),
} as const satisfies Record<string, UfuncInfo>;

export type UfuncName = keyof typeof UFUNCS;

export function isUfuncName(s: string): s is UfuncName {
  return Object.prototype.hasOwnProperty.call(UFUNCS, s);
}

/** The dtype the inputs are cast to before the kernel runs, and the result dtype; a string = NumPy's refusal. */
export function ufuncTypes(name: UfuncName, inputs: readonly DTypeName[]): { compute: DTypeName; result: DTypeName } | string {
  const info: UfuncInfo = UFUNCS[name];
  const p = inputs.length === 1 ? inputs[0]! : promote(inputs[0]!, inputs[1]!);
  const kind = DTYPES[p].kind;
  const sig = inputs.join(", ");
  switch (info.rule) {
    case "same":
      return { compute: p, result: p };
    case "num":
      if (kind === "b") {
        if (name === "neg") return "the numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the logical_not function instead";
        if (name === "sub") return "numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead";
        if (name === "pos") return "ufunc 'positive' did not contain a loop with signature matching types (bool)";
        if (name === "sign") return "ufunc 'sign' did not contain a loop with signature matching types (bool)";
        if (name === "square" || name === "reciprocal") return { compute: "int8", result: "int8" };
      }
      return { compute: p, result: p };
    case "intdiv":
      if (kind === "b") return { compute: "int8", result: "int8" };
      return { compute: p, result: p };
    case "truediv": {
      const r = kind === "f" ? p : "float64";
      return { compute: r, result: r };
    }
    case "float": {
      const r = floatResult(p);
      return { compute: r, result: r };
    }
    case "cmp":
      return { compute: p, result: "bool" };
    case "bits":
      if (kind === "f") return `ufunc '${info.numpy}' not supported for the input types (${sig})`;
      if (kind === "b" && (name === "left_shift" || name === "right_shift")) return { compute: "int8", result: "int8" };
      return { compute: p, result: p };
    case "logical":
      return { compute: p, result: "bool" };
    case "pred":
      return { compute: p, result: "bool" };
    case "f64":
      return { compute: "float64", result: "float64" };
    case "mantissa": {
      // a weak exponent arrives with the mantissa's dtype, so float exponents are not refused here
      const r = floatResult(inputs[0]!);
      return { compute: r, result: r };
    }
  }
}
