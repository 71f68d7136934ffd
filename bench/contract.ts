/**
 * The part of API.md the bench uses, as types. tesserae-side.ts uses the engine's own type for
 * each of these names as soon as src/index.ts exports it, and these only until then, so the
 * bench compiles before the engine lands and is checked against the real types after.
 */
import type { DTypeName, TypedArray } from "../src/core/dtype.js";

export interface ComputeOptions {
  cache?: boolean;
  progressBar?: boolean;
  destination?: { type: "zarr"; path: string; chunks?: number[] };
  geoctx?: unknown;
  format?: string;
  file?: string;
}

export interface Computable {
  compute(opts?: ComputeOptions): Promise<unknown>;
}

export type IndexItem = number | string | null | number[] | boolean[];
export type Operand = ArrayProxy | number;

export interface ArrayProxy extends Computable {
  get(...index: IndexItem[]): ArrayProxy;
  add(other: Operand): ArrayProxy;
  sub(other: Operand): ArrayProxy;
  div(other: Operand): ArrayProxy;
  sum(): Computable;
  mean(axis: number): ArrayProxy;
  median(axis: number): ArrayProxy;
  std(): Computable;
}

export interface ArrayOptions {
  dtype?: DTypeName;
  chunks?: number[] | "auto";
}

export interface ArrayClass {
  from(data: TypedArray, shape: number[], opts?: ArrayOptions): ArrayProxy;
  fromZarr(path: string): ArrayProxy;
}

export interface MaskedArrayClass {
  new (data: ArrayProxy, opts?: { mask?: ArrayProxy }): ArrayProxy;
}

export interface Tesserae {
  Array: ArrayClass;
  MaskedArray: MaskedArrayClass;
  configure(opts: { memoryLimit?: number | string }): unknown;
  shutdown(): unknown;
}
