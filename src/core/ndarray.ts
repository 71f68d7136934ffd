/** In-memory results (API.md section 2): `NDArray` and `MaskedNDArray`. */
import { DTYPES, allocate, defaultFillValue, type DTypeName, type TypedArray } from "./dtype.js";
import { cStrides, shapeStr, sizeOf } from "./shape.js";
import { decodeNpy, encodeNpy } from "./npy.js";

export type Element = number | bigint | boolean;
export type NestedArray<T> = T | NestedArray<T>[];

/** The JS value of element `i` of a typed array holding `dtype`. */
export function elementAt(data: TypedArray, i: number, dtype: DTypeName): Element {
  const v = data[i]!;
  return dtype === "bool" ? v !== 0 : v;
}

function flatIndex(shape: readonly number[], idx: readonly number[]): number {
  if (idx.length !== shape.length) {
    throw new RangeError(`an index of ${idx.length} integers for an array of shape ${shapeStr(shape)}`);
  }
  const st = cStrides(shape);
  let f = 0;
  for (let k = 0; k < idx.length; k++) {
    let i = idx[k]!;
    const n = shape[k]!;
    if (!Number.isInteger(i)) throw new TypeError(`index ${i} is not an integer`);
    if (i < 0) i += n;
    if (i < 0 || i >= n) throw new RangeError(`index ${idx[k]} is out of bounds for axis ${k} with size ${n}`);
    f += i * st[k]!;
  }
  return f;
}

function nest<T>(shape: readonly number[], at: (i: number) => T): NestedArray<T> {
  if (shape.length === 0) return at(0);
  const st = cStrides(shape);
  const build = (axis: number, base: number): NestedArray<T>[] => {
    const out: NestedArray<T>[] = new Array(shape[axis]!);
    for (let i = 0; i < shape[axis]!; i++) {
      out[i] = axis === shape.length - 1 ? at(base + i) : build(axis + 1, base + i * st[axis]!);
    }
    return out;
  };
  return build(0, 0);
}

export class NDArray {
  readonly data: TypedArray;
  readonly shape: number[];
  readonly dtype: DTypeName;

  constructor(data: TypedArray, shape: readonly number[], dtype: DTypeName) {
    if (data.length !== sizeOf(shape)) {
      throw new RangeError(`data of length ${data.length} does not fit shape ${shapeStr(shape)}`);
    }
    this.data = data;
    this.shape = [...shape];
    this.dtype = dtype;
  }

  get ndim(): number { return this.shape.length; }
  get size(): number { return this.data.length; }

  /** Element at integer indices (negative counts from the end). */
  get(...idx: number[]): Element {
    return elementAt(this.data, flatIndex(this.shape, idx), this.dtype);
  }

  toArray(): NestedArray<Element> {
    return nest(this.shape, (i) => elementAt(this.data, i, this.dtype));
  }

  toNpy(): Uint8Array {
    return encodeNpy(this.data, this.shape, this.dtype);
  }

  static fromNpy(bytes: Uint8Array): NDArray {
    const { data, shape, dtype } = decodeNpy(bytes);
    return new NDArray(data, shape, dtype);
  }

  toString(): string {
    return `NDArray(${shapeStr(this.shape)}, ${this.dtype})`;
  }
}

export class MaskedNDArray {
  readonly data: TypedArray;
  /** 1 = masked. */
  readonly mask: Uint8Array;
  readonly fillValue: Element;
  readonly shape: number[];
  readonly dtype: DTypeName;

  constructor(data: TypedArray, mask: Uint8Array, shape: readonly number[], dtype: DTypeName, fillValue?: Element) {
    if (data.length !== sizeOf(shape) || mask.length !== data.length) {
      throw new RangeError(`data (${data.length}) and mask (${mask.length}) do not fit shape ${shapeStr(shape)}`);
    }
    this.data = data;
    this.mask = mask;
    this.shape = [...shape];
    this.dtype = dtype;
    this.fillValue = fillValue ?? defaultFillValue(dtype);
  }

  get ndim(): number { return this.shape.length; }
  get size(): number { return this.data.length; }

  get(...idx: number[]): Element | null {
    const f = flatIndex(this.shape, idx);
    return this.mask[f] ? null : elementAt(this.data, f, this.dtype);
  }

  /** A plain array with masked elements replaced by `value` (default: the fill value). */
  filled(value?: Element): NDArray {
    const out = allocate(this.dtype, this.data.length, false);
    out.set(this.data as never);
    const v = coerceElement(value ?? this.fillValue, this.dtype);
    for (let i = 0; i < this.mask.length; i++) if (this.mask[i]) out[i] = v as never;
    return new NDArray(out, this.shape, this.dtype);
  }

  compressed(): NDArray {
    const n = this.count();
    const out = allocate(this.dtype, n, false);
    let k = 0;
    for (let i = 0; i < this.mask.length; i++) if (!this.mask[i]) out[k++] = this.data[i] as never;
    return new NDArray(out, [n], this.dtype);
  }

  count(): number {
    let n = 0;
    for (let i = 0; i < this.mask.length; i++) n += this.mask[i] ? 0 : 1;
    return n;
  }

  toArray(): NestedArray<Element | null> {
    return nest(this.shape, (i) => (this.mask[i] ? null : elementAt(this.data, i, this.dtype)));
  }

  toString(): string {
    return `MaskedNDArray(${shapeStr(this.shape)}, ${this.dtype}, ${this.count()} unmasked)`;
  }
}

/** Convert a JS value to what a typed array of `dtype` stores (bigint for 64-bit ints, 0/1 for bool). */
export function coerceElement(v: Element, dtype: DTypeName): number | bigint {
  const info = DTYPES[dtype];
  if (info.big) {
    if (typeof v === "bigint") return v;
    if (typeof v === "boolean") return v ? 1n : 0n;
    return Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n;
  }
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "bigint") return Number(v);
  if (dtype === "bool") return v !== 0 ? 1 : 0;
  return v;
}
