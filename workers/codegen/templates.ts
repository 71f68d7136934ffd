/**
 * JS expression templates for the closed ufunc table. Inputs are names of temporaries the code
 * generator made (t0, t1, ...), never user text. Integer results are wrapped to their width,
 * float32 results rounded, so a fused chain computes what NumPy computes op by op.
 */
import { DTYPES, type DTypeName } from "../../src/core/dtype.js";
import type { UfuncName } from "../../src/graph/ufuncs.js";

/** Bring a JS value to the range and precision of `d` (numbers for ≤32-bit, bigints for 64-bit). */
export function wrap(d: DTypeName, e: string): string {
  switch (d) {
    case "bool": return `((${e}) ? 1 : 0)`;
    case "int8": return `((${e}) << 24 >> 24)`;
    case "uint8": return `((${e}) & 255)`;
    case "int16": return `((${e}) << 16 >> 16)`;
    case "uint16": return `((${e}) & 65535)`;
    case "int32": return `((${e}) | 0)`;
    case "uint32": return `((${e}) >>> 0)`;
    case "int64": return `BigInt.asIntN(64, ${e})`;
    case "uint64": return `BigInt.asUintN(64, ${e})`;
    case "float32": return `Math.fround(${e})`;
    case "float64": return `(${e})`;
  }
}

/** NumPy's C cast from one dtype to another (floats truncate toward zero into ints). */
export function cast(from: DTypeName, to: DTypeName, e: string): string {
  if (from === to) return e;
  const F = DTYPES[from], T = DTYPES[to];
  if (T.kind === "b") return F.big ? `((${e}) !== 0n ? 1 : 0)` : `((${e}) !== 0 ? 1 : 0)`;
  if (T.kind === "f") {
    const n = F.big ? `Number(${e})` : e;
    return to === "float32" ? `Math.fround(${n})` : n;
  }
  // integer targets
  if (T.big) {
    if (F.big) return wrap(to, e);
    if (F.kind === "f") return to === "int64" ? `H.f2i64(${e})` : `H.f2u64(${e})`;
    return to === "uint64" ? `BigInt.asUintN(64, BigInt(${e}))` : `BigInt(${e})`;
  }
  if (F.big) return wrap(to, `Number(BigInt.as${T.kind === "i" ? "Int" : "Uint"}N(${T.bytes * 8}, ${e}))`);
  if (F.kind === "f") return wrap(to, `H.f2i(${e})`);
  return wrap(to, e);
}

const truth = (big: boolean, e: string): string => `((${e}) !== ${big ? "0n" : "0"})`;

const cmpOps: Partial<Record<UfuncName, string>> = { lt: "<", le: "<=", gt: ">", ge: ">=", eq: "===", ne: "!==" };

/** The expression for `fn` over operands already cast to `d` (the compute dtype). Result is in `out` dtype. */
export function ufuncExpr(fn: UfuncName, d: DTypeName, out: DTypeName, a: string, b = ""): string {
  const info = DTYPES[d];
  const big = info.big;
  const isF = info.kind === "f";
  const isBool = info.kind === "b";
  const cmp = cmpOps[fn];
  if (cmp !== undefined) return `((${a}) ${cmp} (${b}) ? 1 : 0)`;
  switch (fn) {
    case "add": return isBool ? `((${a}) | (${b}))` : wrap(d, `${a} + ${b}`);
    case "sub": return wrap(d, `${a} - ${b}`);
    case "mul":
      if (isBool) return `((${a}) & (${b}))`;
      if (d === "int32") return `Math.imul(${a}, ${b})`;
      if (d === "uint32") return `(Math.imul(${a}, ${b}) >>> 0)`;
      return wrap(d, `${a} * ${b}`);
    case "div": return wrap(out, `${a} / ${b}`);
    case "floordiv":
      if (isF) return wrap(d, `H.pyFloorDiv(${a}, ${b})`);
      if (big) return wrap(d, `H.bigFloorDiv(${a}, ${b})`);
      return wrap(d, `((${b}) === 0 ? 0 : Math.floor((${a}) / (${b})))`);
    case "mod":
      if (isF) return wrap(d, `H.pyMod(${a}, ${b})`);
      if (big) return wrap(d, `H.bigMod(${a}, ${b})`);
      return wrap(d, `H.imod(${a}, ${b})`);
    case "fmod":
      if (isF) return wrap(d, `((${a}) % (${b}))`);
      if (big) return wrap(d, `((${b}) === 0n ? 0n : (${a}) % (${b}))`);
      return wrap(d, `((${b}) === 0 ? 0 : (${a}) % (${b}))`);
    case "pow":
      if (isF) return wrap(d, `Math.pow(${a}, ${b})`);
      if (big) return wrap(d, `H.bigPow(${a}, ${b})`);
      return wrap(d, `H.ipow(${a}, ${b}, ${info.bytes * 8}, ${info.kind === "i" ? "true" : "false"})`);
    case "float_power": return wrap(out, `Math.pow(${a}, ${b})`);
    case "maximum":
      return isF ? wrap(d, `H.maximum(${a}, ${b})`) : `((${a}) >= (${b}) ? (${a}) : (${b}))`;
    case "minimum":
      return isF ? wrap(d, `H.minimum(${a}, ${b})`) : `((${a}) <= (${b}) ? (${a}) : (${b}))`;
    case "fmax": return isF ? wrap(d, `H.fmax(${a}, ${b})`) : `((${a}) >= (${b}) ? (${a}) : (${b}))`;
    case "fmin": return isF ? wrap(d, `H.fmin(${a}, ${b})`) : `((${a}) <= (${b}) ? (${a}) : (${b}))`;
    case "arctan2": return wrap(out, `Math.atan2(${a}, ${b})`);
    case "hypot": return wrap(out, `Math.hypot(${a}, ${b})`);
    case "copysign": return wrap(out, `H.copysign(${a}, ${b})`);
    case "nextafter": return out === "float32" ? `H.nextafter32(${a}, ${b})` : `H.nextafter(${a}, ${b})`;
    case "logaddexp": return wrap(out, `H.logaddexp(${a}, ${b})`);
    case "logaddexp2": return wrap(out, `H.logaddexp2(${a}, ${b})`);
    case "ldexp": return wrap(out, `(${a}) * Math.pow(2, ${b})`);
    case "and": return big ? `((${a}) & (${b}))` : wrap(d, `${a} & ${b}`);
    case "or": return big ? `((${a}) | (${b}))` : wrap(d, `${a} | ${b}`);
    case "xor": return big ? wrap(d, `${a} ^ ${b}`) : wrap(d, `${a} ^ ${b}`);
    case "left_shift": return big ? wrap(d, `(${a}) << (${b})`) : wrap(d, `H.shl(${a}, ${b})`);
    case "right_shift": return big ? wrap(d, `(${a}) >> (${b})`) : wrap(d, `H.shr(${a}, ${b})`);
    // NumPy's truth is "nonzero": NaN is true, which JS truthiness gets wrong
    case "logical_and": return `(${truth(big, a)} && ${truth(big, b)} ? 1 : 0)`;
    case "logical_or": return `(${truth(big, a)} || ${truth(big, b)} ? 1 : 0)`;
    case "logical_xor": return `(${truth(big, a)} !== ${truth(big, b)} ? 1 : 0)`;
    case "logical_not": return `(${truth(big, a)} ? 0 : 1)`;
    case "neg": return wrap(d, `-(${a})`);
    case "pos": return a;
    case "abs":
      if (isBool) return a;
      if (big) return wrap(d, `((${a}) < 0n ? -(${a}) : (${a}))`);
      return isF ? `Math.abs(${a})` : wrap(d, `Math.abs(${a})`);
    case "fabs": return `Math.abs(${a})`;
    case "invert":
      if (isBool) return `((${a}) ^ 1)`;
      return wrap(d, `~(${a})`);
    case "square":
      if (d === "int32") return `Math.imul(${a}, ${a})`;
      if (d === "uint32") return `(Math.imul(${a}, ${a}) >>> 0)`;
      return wrap(d, `(${a}) * (${a})`);
    case "reciprocal":
      if (isF) return wrap(d, `1 / (${a})`);
      if (big) return wrap(d, `H.bigFloorDiv(1n, ${a})`);
      return wrap(d, `((${a}) === 0 ? 0 : Math.trunc(1 / (${a})))`);
    case "sign":
      if (big) return `((${a}) > 0n ? 1n : (${a}) < 0n ? -1n : 0n)`;
      return isF ? `H.sign(${a})` : `((${a}) > 0 ? 1 : (${a}) < 0 ? -1 : 0)`;
    case "sqrt": return wrap(out, `Math.sqrt(${a})`);
    case "cbrt": return wrap(out, `Math.cbrt(${a})`);
    case "exp": return wrap(out, `Math.exp(${a})`);
    case "exp2": return wrap(out, `Math.pow(2, ${a})`);
    case "expm1": return wrap(out, `Math.expm1(${a})`);
    case "log": return wrap(out, `Math.log(${a})`);
    case "log2": return wrap(out, `Math.log2(${a})`);
    case "log10": return wrap(out, `Math.log10(${a})`);
    case "log1p": return wrap(out, `Math.log1p(${a})`);
    case "sin": return wrap(out, `Math.sin(${a})`);
    case "cos": return wrap(out, `Math.cos(${a})`);
    case "tan": return wrap(out, `Math.tan(${a})`);
    case "arcsin": return wrap(out, `Math.asin(${a})`);
    case "arccos": return wrap(out, `Math.acos(${a})`);
    case "arctan": return wrap(out, `Math.atan(${a})`);
    case "sinh": return wrap(out, `Math.sinh(${a})`);
    case "cosh": return wrap(out, `Math.cosh(${a})`);
    case "tanh": return wrap(out, `Math.tanh(${a})`);
    case "arcsinh": return wrap(out, `Math.asinh(${a})`);
    case "arccosh": return wrap(out, `Math.acosh(${a})`);
    case "arctanh": return wrap(out, `Math.atanh(${a})`);
    case "deg2rad": return wrap(out, `(${a}) * ${Math.PI / 180}`);
    case "rad2deg": return wrap(out, `(${a}) * ${180 / Math.PI}`);
    case "floor": return `Math.floor(${a})`;
    case "ceil": return `Math.ceil(${a})`;
    case "trunc": return `Math.trunc(${a})`;
    case "rint": return `H.rint(${a})`;
    case "isnan": return isF ? `((${a}) !== (${a}) ? 1 : 0)` : "0";
    case "isfinite": return isF ? `(Number.isFinite(${a}) ? 1 : 0)` : "1";
    case "isinf": return isF ? `((${a}) === Infinity || (${a}) === -Infinity ? 1 : 0)` : "0";
    case "signbit": return isF ? `H.signbit(${a})` : big ? `((${a}) < 0n ? 1 : 0)` : `((${a}) < 0 ? 1 : 0)`;
    case "spacing": return out === "float32" ? `H.spacing32(${a})` : `H.spacing(${a})`;
    case "lt": case "le": case "gt": case "ge": case "eq": case "ne":
      throw new Error("unreachable: comparisons handled above");
  }
}

/** numpy.ma's domain test for `fn` on its (unmasked) inputs, as a 0/1 expression; undefined = no domain. */
export function domainExpr(fn: UfuncName, d: DTypeName, a: string, b: string, result: string): string | undefined {
  const big = DTYPES[d].big;
  switch (fn) {
    case "div": case "floordiv": case "mod": case "fmod":
      if (big) return `((${b}) === 0n ? 1 : 0)`;
      if (DTYPES[d].kind !== "f") return `((${b}) === 0 ? 1 : 0)`;
      // numpy.ma masks where |a| * tiny >= |b|, and where the result is not finite.
      return `(Math.abs(${a}) * 2.2250738585072014e-308 >= Math.abs(${b}) || !Number.isFinite(${result}) ? 1 : 0)`;
    case "sqrt": return `((${a}) < 0 || !Number.isFinite(${result}) ? 1 : 0)`;
    case "log": case "log2": case "log10": return `((${a}) <= 0 || !Number.isFinite(${result}) ? 1 : 0)`;
    case "log1p": return `((${a}) <= -1 || !Number.isFinite(${result}) ? 1 : 0)`;
    case "arcsin": case "arccos": return `((${a}) < -1 || (${a}) > 1 || !Number.isFinite(${result}) ? 1 : 0)`;
    case "arccosh": return `((${a}) < 1 || !Number.isFinite(${result}) ? 1 : 0)`;
    case "arctanh": return `((${a}) <= -1 || (${a}) >= 1 || !Number.isFinite(${result}) ? 1 : 0)`;
    case "pow": case "float_power": case "tan":
      return DTYPES[d].kind === "f" ? `(!Number.isFinite(${result}) ? 1 : 0)` : undefined;
    default:
      return undefined;
  }
}
