/**
 * A fused program evaluated once over a task's region into C-order scratch (values in the program's
 * own dtype, plus its mask): the first step of every kernel that then walks whole runs of values.
 */
import { allocate, type DTypeName, type TypedArray } from "../../src/core/dtype.js";
import { cStrides, sizeOf } from "../../src/core/shape.js";
import type { Program } from "../../scheduler/program.js";
import { coalesce } from "../codegen/coalesce.js";
import { compileMap, runCompiled, type Operand } from "../codegen/loops.js";

export interface Region {
  readonly data: TypedArray;
  readonly mask: Uint8Array | undefined;
  readonly dtype: DTypeName;
  /** C-order element strides of the region. */
  readonly strides: readonly number[];
}

export function evalRegion(program: Program, shape: readonly number[], leaves: readonly Operand[]): Region {
  const out = program.nodes[program.nodes.length - 1]!;
  const n = sizeOf(shape);
  const data = allocate(out.dtype, n, false);
  const mask = out.masked ? new Uint8Array(n) : undefined;
  const strides = cStrides(shape);
  if (n > 0) {
    const ops: Operand[] = [...leaves, { data, mask, offset: 0, strides }];
    const c = coalesce(shape, ops);
    runCompiled(compileMap(program, c.shape.length), ops.map((o, j) => ({ ...o, strides: c.strides[j]! })), c.shape);
  }
  return { data, mask, dtype: out.dtype, strides };
}

/** Offsets (in region elements) of every position of the given axes, in C order over them. */
export function runOffsets(shape: readonly number[], strides: readonly number[], axes: readonly number[]): Float64Array {
  const n = axes.reduce((a, i) => a * shape[i]!, 1);
  const out = new Float64Array(n);
  const idx = new Array<number>(axes.length).fill(0);
  for (let k = 0; k < n; k++) {
    let off = 0;
    for (let r = 0; r < axes.length; r++) off += idx[r]! * strides[axes[r]!]!;
    out[k] = off;
    for (let r = axes.length - 1; r >= 0; r--) {
      if (++idx[r]! < shape[axes[r]!]!) break;
      idx[r] = 0;
    }
  }
  return out;
}

/** Visit every combination of `axes` (C order): `f(regionOffset, outOffset)` with the out strides given per axis. */
export function forEachOuter(shape: readonly number[], strides: readonly number[], axes: readonly number[], outStrides: readonly number[], outOffset: number, f: (base: number, pos: number) => void): void {
  const n = axes.reduce((a, i) => a * shape[i]!, 1);
  const idx = new Array<number>(axes.length).fill(0);
  let base = 0;
  let pos = outOffset;
  for (let k = 0; k < n; k++) {
    f(base, pos);
    for (let d = axes.length - 1; d >= 0; d--) {
      const ax = axes[d]!;
      base += strides[ax]!;
      pos += outStrides[d]!;
      if (++idx[d]! < shape[ax]!) break;
      base -= strides[ax]! * shape[ax]!;
      pos -= outStrides[d]! * shape[ax]!;
      idx[d] = 0;
    }
  }
}
