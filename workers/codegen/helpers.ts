/** Scalar helpers the generated loops call as `H.name(...)`: NumPy's semantics where JS differs. */

import { checkFailure, isCheckName } from "../../src/graph/checks.js";

const I64_MIN = -(2n ** 63n);

/** Float → integer as C casts do on x86 for in-range values (truncate); NaN and out-of-range give 0. */
function f2i(x: number): number {
  return Number.isFinite(x) ? Math.trunc(x) : 0;
}
function f2i64(x: number): bigint {
  if (!Number.isFinite(x) || x >= 9223372036854775808 || x < -9223372036854775808) return I64_MIN;
  return BigInt(Math.trunc(x));
}
function f2u64(x: number): bigint {
  if (!Number.isFinite(x)) return 2n ** 63n;
  return BigInt.asUintN(64, BigInt(Math.trunc(x)));
}

/** NumPy's npy_divmod for floats: the floor quotient consistent with `pyMod`. */
function pyFloorDiv(a: number, b: number): number {
  if (b === 0) return a / b;
  let mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0) {
    if (b < 0 !== mod < 0) {
      mod += b;
      div -= 1;
    }
  }
  if (div !== 0) {
    let fl = Math.floor(div);
    if (div - fl > 0.5) fl += 1;
    return fl;
  }
  return copysign(0, a / b);
}
function pyMod(a: number, b: number): number {
  if (b === 0) return NaN;
  let mod = a % b;
  if (mod !== 0) {
    if (b < 0 !== mod < 0) mod += b;
  } else {
    mod = copysign(0, b);
  }
  return mod;
}
function imod(a: number, b: number): number {
  if (b === 0) return 0;
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}
function bigFloorDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) return 0n;
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}
function bigMod(a: bigint, b: bigint): bigint {
  if (b === 0n) return 0n;
  const r = a % b;
  return r !== 0n && (r < 0n) !== (b < 0n) ? r + b : r;
}
function bigPow(a: bigint, b: bigint): bigint {
  if (b < 0n) throw new RangeError("Integers to negative integer powers are not allowed.");
  let r = 1n, base = BigInt.asIntN(64, a), e = b;
  while (e > 0n) {
    if (e & 1n) r = BigInt.asIntN(64, r * base);
    base = BigInt.asIntN(64, base * base);
    e >>= 1n;
  }
  return r;
}
/** Integer power with wrap-around at `bits`, as NumPy's integer loops do. */
function ipow(a: number, b: number, bits: number, signed: boolean): number {
  if (b < 0) throw new RangeError("Integers to negative integer powers are not allowed.");
  const r = bigPow(BigInt(a), BigInt(b));
  return Number(signed ? BigInt.asIntN(bits, r) : BigInt.asUintN(bits, r));
}
function maximum(a: number, b: number): number {
  return a !== a || b !== b ? NaN : a >= b ? a : b;
}
function minimum(a: number, b: number): number {
  return a !== a || b !== b ? NaN : a <= b ? a : b;
}
function fmax(a: number, b: number): number {
  return a !== a ? b : b !== b ? a : a >= b ? a : b;
}
function fmin(a: number, b: number): number {
  return a !== a ? b : b !== b ? a : a <= b ? a : b;
}
function copysign(a: number, b: number): number {
  const neg = b < 0 || Object.is(b, -0) || (b !== b && signbit(b) === 1);
  return neg ? -Math.abs(a) : Math.abs(a);
}
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function signbit(x: number): number {
  f64[0] = x;
  return u64[0]! >> 63n ? 1 : 0;
}
function nextafter(a: number, b: number): number {
  if (a !== a || b !== b) return NaN;
  if (a === b) return b;
  if (a === 0) return b > 0 ? Number.MIN_VALUE : -Number.MIN_VALUE;
  f64[0] = a;
  u64[0] = (a < b) === (a > 0) ? u64[0]! + 1n : u64[0]! - 1n;
  return f64[0];
}
function nextafter32(a: number, b: number): number {
  if (a !== a || b !== b) return NaN;
  if (a === b) return b;
  if (a === 0) return b > 0 ? 1.401298464324817e-45 : -1.401298464324817e-45;
  f32[0] = a;
  u32[0] = (a < b) === (a > 0) ? u32[0]! + 1 : u32[0]! - 1;
  return f32[0];
}
function spacing(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  return x < 0 ? nextafter(x, -Infinity) - x : nextafter(x, Infinity) - x;
}
function spacing32(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  return Math.fround(x < 0 ? nextafter32(x, -Infinity) - x : nextafter32(x, Infinity) - x);
}
function logaddexp(a: number, b: number): number {
  if (a === b) return a + Math.LN2;
  const m = Math.max(a, b);
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}
function logaddexp2(a: number, b: number): number {
  if (a === b) return a + 1;
  const m = Math.max(a, b);
  return m + Math.log2(1 + Math.pow(2, -Math.abs(a - b)));
}
function shl(a: number, b: number): number {
  return b >= 32 || b < 0 ? 0 : a << b;
}
function shr(a: number, b: number): number {
  return b >= 32 || b < 0 ? (a < 0 ? -1 : 0) : a >> b;
}
function sign(x: number): number {
  return x !== x ? NaN : x > 0 ? 1 : x < 0 ? -1 : 0;
}
/** Round half to even, as NumPy's rint. */
function rint(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** A failed `check` node: throw its error from the closed table (src/graph/checks.ts). */
function fail(code: string): never {
  if (!isCheckName(code)) throw new Error(`unknown check ${code}`);
  throw checkFailure(code);
}

export const H = {
  f2i, f2i64, f2u64, pyFloorDiv, pyMod, imod, bigFloorDiv, bigMod, bigPow, ipow,
  maximum, minimum, fmax, fmin, copysign, signbit, nextafter, nextafter32, spacing, spacing32,
  logaddexp, logaddexp2, shl, shr, sign, rint, fail,
};
export type Helpers = typeof H;
