/** Numeric literals for generated code: only numbers and bigints, validated, ever become source text. */
import { DTYPES, type DTypeName } from "../../src/core/dtype.js";
import type { ConstValue } from "../../scheduler/program.js";

export function numberLiteral(x: number): string {
  if (typeof x !== "number") throw new TypeError("numberLiteral takes a number");
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "(-Infinity)";
  if (Object.is(x, -0)) return "(-0)";
  const s = String(x);
  return x < 0 ? `(${s})` : s;
}

export function bigintLiteral(x: bigint): string {
  if (typeof x !== "bigint") throw new TypeError("bigintLiteral takes a bigint");
  return x < 0n ? `(${x.toString()}n)` : `${x.toString()}n`;
}

/** Decode a program constant into the JS value a kernel computes with. */
export function constValue(v: ConstValue, dtype: DTypeName): number | bigint {
  const big = DTYPES[dtype].big;
  let n: number | bigint;
  if (typeof v === "boolean") n = v ? 1 : 0;
  else if (typeof v === "number") n = v;
  else if (v === "nan") n = NaN;
  else if (v === "inf") n = Infinity;
  else if (v === "-inf") n = -Infinity;
  else if (/^-?\d+$/.test(v)) n = BigInt(v);
  else throw new TypeError(`bad constant ${JSON.stringify(v)}`);
  if (big) return typeof n === "bigint" ? n : BigInt(Math.trunc(n));
  if (dtype === "bool") return n ? 1 : 0;
  if (dtype === "float32") return Math.fround(Number(n));
  return Number(n);
}

export function constLiteral(v: ConstValue, dtype: DTypeName): string {
  const x = constValue(v, dtype);
  return typeof x === "bigint" ? bigintLiteral(x) : numberLiteral(x);
}
