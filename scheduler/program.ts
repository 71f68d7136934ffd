/**
 * A fused elementwise program: the plain-data form of a chain of elementwise and masked ops,
 * evaluated per element by one generated loop. Leaves index into the task's input list.
 */
import type { DTypeName } from "../src/core/dtype.js";
import type { UfuncName } from "../src/graph/ufuncs.js";
import type { CheckName } from "../src/graph/checks.js";

/** A constant as data: numbers (with "nan", "inf", "-inf"), bigints as decimal strings, booleans. */
export type ConstValue = number | string | boolean;

export type PNode =
  | { readonly k: "leaf"; readonly leaf: number; readonly dtype: DTypeName; readonly masked: boolean }
  | { readonly k: "const"; readonly value: ConstValue; readonly dtype: DTypeName; readonly masked: false }
  | { readonly k: "map"; readonly fn: UfuncName; readonly args: readonly number[]; readonly compute: DTypeName; readonly dtype: DTypeName; readonly masked: boolean }
  | { readonly k: "cast"; readonly arg: number; readonly dtype: DTypeName; readonly masked: boolean }
  | { readonly k: "where"; readonly args: readonly [number, number, number]; readonly dtype: DTypeName; readonly masked: boolean }
  | { readonly k: "make_masked"; readonly args: readonly [number, number]; readonly dtype: DTypeName; readonly masked: true }
  | { readonly k: "getdata"; readonly arg: number; readonly dtype: DTypeName; readonly masked: false }
  | { readonly k: "getmask"; readonly arg: number; readonly dtype: "bool"; readonly masked: false }
  | { readonly k: "filled"; readonly args: readonly [number, number]; readonly dtype: DTypeName; readonly masked: false }
  /** args[1] passed through; the kernel throws `error` (src/graph/checks.ts) where args[0] holds. */
  | { readonly k: "check"; readonly args: readonly [number, number]; readonly error: CheckName; readonly dtype: DTypeName; readonly masked: boolean };

export interface Program {
  /** SSA: each node refers to earlier ones by index; the last node is the result. */
  readonly nodes: readonly PNode[];
  readonly nLeaves: number;
}

export function programOut(p: Program): PNode {
  return p.nodes[p.nodes.length - 1]!;
}

/** A stable signature of a program, the cache key of its compiled loops. */
const signatures = new WeakMap<Program, string>();

export function programSignature(p: Program): string {
  let s = signatures.get(p);
  if (s === undefined) {
    s = JSON.stringify(p.nodes);
    signatures.set(p, s);
  }
  return s;
}
