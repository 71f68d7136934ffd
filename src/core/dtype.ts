/**
 * The dtype table: names, storage, and NumPy's promotion rules (NumPy 2 / NEP 50 for weak scalars).
 * Everything here is pure data and pure functions; workers import it too.
 */
export type DTypeName =
  | "bool" | "int8" | "uint8" | "int16" | "uint16" | "int32" | "uint32"
  | "int64" | "uint64" | "float32" | "float64";

export const DTYPE_NAMES: readonly DTypeName[] = [
  "bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64",
];

export type DTypeKind = "b" | "i" | "u" | "f";

export type TypedArray =
  | Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array | Float32Array | Float64Array;

export type TypedArrayConstructor =
  | Uint8ArrayConstructor | Int8ArrayConstructor | Int16ArrayConstructor | Uint16ArrayConstructor
  | Int32ArrayConstructor | Uint32ArrayConstructor | BigInt64ArrayConstructor | BigUint64ArrayConstructor
  | Float32ArrayConstructor | Float64ArrayConstructor;

export interface DTypeInfo {
  readonly name: DTypeName;
  readonly kind: DTypeKind;
  readonly bytes: number;
  /** Elements are JS bigints (int64, uint64). */
  readonly big: boolean;
  readonly ctor: TypedArrayConstructor;
  /** The `.npy` descr string (little endian). */
  readonly descr: string;
  readonly min: number | bigint;
  readonly max: number | bigint;
}

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const U64_MAX = 2n ** 64n - 1n;

export const DTYPES: Readonly<Record<DTypeName, DTypeInfo>> = {
  bool: { name: "bool", kind: "b", bytes: 1, big: false, ctor: Uint8Array, descr: "|b1", min: 0, max: 1 },
  int8: { name: "int8", kind: "i", bytes: 1, big: false, ctor: Int8Array, descr: "|i1", min: -128, max: 127 },
  uint8: { name: "uint8", kind: "u", bytes: 1, big: false, ctor: Uint8Array, descr: "|u1", min: 0, max: 255 },
  int16: { name: "int16", kind: "i", bytes: 2, big: false, ctor: Int16Array, descr: "<i2", min: -32768, max: 32767 },
  uint16: { name: "uint16", kind: "u", bytes: 2, big: false, ctor: Uint16Array, descr: "<u2", min: 0, max: 65535 },
  int32: { name: "int32", kind: "i", bytes: 4, big: false, ctor: Int32Array, descr: "<i4", min: -2147483648, max: 2147483647 },
  uint32: { name: "uint32", kind: "u", bytes: 4, big: false, ctor: Uint32Array, descr: "<u4", min: 0, max: 4294967295 },
  int64: { name: "int64", kind: "i", bytes: 8, big: true, ctor: BigInt64Array, descr: "<i8", min: I64_MIN, max: I64_MAX },
  uint64: { name: "uint64", kind: "u", bytes: 8, big: true, ctor: BigUint64Array, descr: "<u8", min: 0n, max: U64_MAX },
  float32: { name: "float32", kind: "f", bytes: 4, big: false, ctor: Float32Array, descr: "<f4", min: -3.4028234663852886e38, max: 3.4028234663852886e38 },
  float64: { name: "float64", kind: "f", bytes: 8, big: false, ctor: Float64Array, descr: "<f8", min: -Number.MAX_VALUE, max: Number.MAX_VALUE },
};

export function isDTypeName(x: unknown): x is DTypeName {
  return typeof x === "string" && Object.prototype.hasOwnProperty.call(DTYPES, x);
}

/** Abstract names accepted by `astype`, resolved as NumPy resolves `int`, `float`, `bool`, `uint`. */
const ALIASES: Readonly<Record<string, DTypeName>> = {
  int: "int64", float: "float64", bool: "bool", uint: "uint64", double: "float64", single: "float32",
  bool_: "bool", int_: "int64", float_: "float64", uint8: "uint8",
};

/** Resolve a user-supplied dtype spelling; `undefined` when it names no dtype. */
export function resolveDType(name: string): DTypeName | undefined {
  if (isDTypeName(name)) return name;
  return ALIASES[name];
}

export const isFloat = (d: DTypeName): boolean => DTYPES[d].kind === "f";
export const isInteger = (d: DTypeName): boolean => DTYPES[d].kind === "i" || DTYPES[d].kind === "u";
export const isSigned = (d: DTypeName): boolean => DTYPES[d].kind === "i";
export const isUnsigned = (d: DTypeName): boolean => DTYPES[d].kind === "u";
export const isBig = (d: DTypeName): boolean => DTYPES[d].big;

const SIGNED_BY_BYTES: Record<number, DTypeName> = { 1: "int8", 2: "int16", 4: "int32", 8: "int64" };
const UNSIGNED_BY_BYTES: Record<number, DTypeName> = { 1: "uint8", 2: "uint16", 4: "uint32", 8: "uint64" };

/** NumPy's `result_type` for two strong (array or typed scalar) dtypes. */
export function promote(a: DTypeName, b: DTypeName): DTypeName {
  if (a === b) return a;
  const A = DTYPES[a], B = DTYPES[b];
  if (A.kind === "b") return b;
  if (B.kind === "b") return a;
  if (A.kind === "f" || B.kind === "f") {
    if (A.kind === "f" && B.kind === "f") return A.bytes >= B.bytes ? a : b;
    const f = A.kind === "f" ? A : B;
    const i = A.kind === "f" ? B : A;
    // float32 holds every int8/16 and uint8/16 exactly; wider ints need float64.
    if (f.bytes === 4 && i.bytes <= 2) return "float32";
    return "float64";
  }
  if (A.kind === B.kind) return A.bytes >= B.bytes ? a : b;
  const s = A.kind === "i" ? A : B;
  const u = A.kind === "i" ? B : A;
  if (s.bytes > u.bytes) return s.name;
  if (u.bytes === 8) return "float64";
  return SIGNED_BY_BYTES[u.bytes * 2]!;
}

export function promoteAll(ds: readonly DTypeName[]): DTypeName {
  let r = ds[0]!;
  for (let i = 1; i < ds.length; i++) r = promote(r, ds[i]!);
  return r;
}

/** The kind of a weak (Python / JS literal) scalar under NEP 50. */
export type WeakKind = "bool" | "int" | "float";

/** The default dtype NumPy gives a literal of a weak kind when it stands alone. */
export function weakDefault(k: WeakKind): DTypeName {
  return k === "bool" ? "bool" : k === "int" ? "int64" : "float64";
}

/** NEP 50: a weak scalar adopts the strong operand's dtype unless its kind is higher. */
export function promoteWeak(strong: DTypeName, weak: WeakKind): DTypeName {
  const k = DTYPES[strong].kind;
  if (weak === "bool") return strong;
  if (weak === "int") return k === "b" ? "int64" : strong;
  return k === "f" ? strong : "float64";
}

export function weakKindOf(v: number | boolean | bigint): WeakKind {
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return "int";
  return Number.isInteger(v) ? "int" : "float";
}

/** Whether an integer value fits a dtype's range (NEP 50 raises when a weak int does not). */
export function fitsIn(d: DTypeName, v: number | bigint): boolean {
  const info = DTYPES[d];
  if (info.kind === "f") return true;
  if (info.kind === "b") return v === 0 || v === 1 || v === 0n || v === 1n;
  const x = typeof v === "bigint" ? v : BigInt(v);
  return x >= BigInt(info.min) && x <= BigInt(info.max);
}

/** The smallest dtype of the same kind family that can hold both, used for sums of small ints. */
export function sumDType(d: DTypeName): DTypeName {
  const k = DTYPES[d].kind;
  if (k === "b" || k === "i") return "int64";
  if (k === "u") return "uint64";
  return d;
}

/** NumPy's dtype for float-valued functions (mean, sqrt, true divide) of a given input. */
export function floatResult(d: DTypeName): DTypeName {
  const info = DTYPES[d];
  if (info.kind === "f") return d;
  // NumPy would give float16 for bool/int8/uint8; we have no float16, so float32 is the nearest superset.
  if (info.bytes <= 2) return "float32";
  return "float64";
}

export function unsignedOfBytes(bytes: number): DTypeName { return UNSIGNED_BY_BYTES[bytes]!; }
export function signedOfBytes(bytes: number): DTypeName { return SIGNED_BY_BYTES[bytes]!; }

/** numpy.ma's default fill values. */
export function defaultFillValue(d: DTypeName): number | bigint | boolean {
  const k = DTYPES[d].kind;
  if (k === "b") return true;
  if (k === "f") return 1e20;
  if (d === "int8") return 63; // NumPy casts 999999 to int8 → 63
  if (d === "uint8") return 63;
  if (d === "int16") return 16959; // 999999 cast to int16
  if (d === "uint16") return 16959;
  if (DTYPES[d].big) return 999999n;
  return 999999;
}

export function allocate(d: DTypeName, n: number, shared = true): TypedArray {
  const info = DTYPES[d];
  const buf = shared ? new SharedArrayBuffer(n * info.bytes) : new ArrayBuffer(n * info.bytes);
  return viewOf(d, buf, 0, n);
}

type AnyViewCtor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => TypedArray;

/** A typed view of `n` elements of `dtype` over any buffer, shared or not. */
export function viewOf(d: DTypeName, buffer: ArrayBufferLike, byteOffset: number, n: number): TypedArray {
  return new (DTYPES[d].ctor as unknown as AnyViewCtor)(buffer, byteOffset, n);
}

/** The dtype that a typed array's class stores (Uint8Array is uint8; booleans are uint8 in storage). */
export function dtypeOfTypedArray(a: TypedArray): DTypeName {
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Int32Array) return "int32";
  if (a instanceof Uint32Array) return "uint32";
  if (a instanceof Int16Array) return "int16";
  if (a instanceof Uint16Array) return "uint16";
  if (a instanceof Int8Array) return "int8";
  if (a instanceof BigInt64Array) return "int64";
  if (a instanceof BigUint64Array) return "uint64";
  return "uint8";
}
