/**
 * Median straight from the shared data (and mask) buffers, when the task's program only reads
 * them: a row of output elements at a time, through the WebAssembly kernel for float32 runs of
 * up to 16 values (median16.ts) or the JavaScript tiles (median-tiles.ts) otherwise.
 */
import { DTYPES, type DTypeName } from "../../src/core/dtype.js";
import type { Program } from "../../scheduler/program.js";
import { coalesce } from "../codegen/coalesce.js";
import type { Operand } from "../codegen/loops.js";
import { MAX_RUN, median16Rows, type RowWalker } from "./median16.js";
import { medianRow, tileScratch, type Row, type RunLayout } from "./median-tiles.js";

export interface DirectSource {
  data: Operand;
  mask: Operand | undefined;
  /** The mask is a bool leaf's data (else the data leaf's own mask). */
  maskIsData: boolean;
}

/** The operands behind a program that only reads (data, optional mask); undefined for any other program. */
export function directOperands(p: Program, leaves: readonly Operand[]): DirectSource | undefined {
  const n = p.nodes;
  const num = (d: DTypeName) => !DTYPES[d].big;
  if (n.length === 1 && n[0]!.k === "leaf" && num(n[0]!.dtype)) {
    const l = leaves[n[0]!.leaf]!;
    return { data: l, mask: n[0]!.masked ? l : undefined, maskIsData: false };
  }
  if (n.length === 3 && n[0]!.k === "leaf" && n[1]!.k === "leaf" && n[2]!.k === "make_masked" && !n[0]!.masked && !n[1]!.masked && num(n[0]!.dtype)) {
    const mm = n[2]!;
    if (mm.args[0] !== 0 || mm.args[1] !== 1 || n[1]!.dtype !== "bool") return undefined;
    return { data: leaves[n[0]!.leaf]!, mask: leaves[n[1]!.leaf]!, maskIsData: true };
  }
  return undefined;
}

/** Offsets of every element of the reduced run, relative to the run's first element. */
function runOffsets(shape: readonly number[], redAxes: readonly number[], strides: readonly number[]): Int32Array {
  const nRed = redAxes.reduce((a, i) => a * shape[i]!, 1);
  // int32 offsets keep the gather on V8's integer-index fast path
  const out = new Int32Array(nRed);
  const idx = new Array<number>(redAxes.length).fill(0);
  for (let k = 0; k < nRed; k++) {
    let off = 0;
    for (let r = 0; r < redAxes.length; r++) off += idx[r]! * strides[redAxes[r]!]!;
    out[k] = off;
    for (let r = redAxes.length - 1; r >= 0; r--) {
      if (++idx[r]! < shape[redAxes[r]!]!) break;
      idx[r] = 0;
    }
  }
  return out;
}

/** The WebAssembly walker for float32 rows of short runs, contiguous along the row; else undefined. */
function simdRows(l: RunLayout, row: Row): RowWalker | undefined {
  const n = l.dataOffsets.length;
  if (n < 1 || n > MAX_RUN || row.sd !== 1 || row.so !== 1 || (l.mask !== undefined && row.sm !== 1)) return undefined;
  if (!(l.data instanceof Float32Array) || !(l.out instanceof Float32Array)) return undefined;
  return median16Rows({ data: l.data, dataOffsets: l.dataOffsets, mask: l.mask, maskOffsets: l.maskOffsets, out: l.out, outMask: l.outMask });
}

export interface DirectArgs {
  shape: number[];
  reduced: boolean[];
  out: Operand;
  outDType: DTypeName;
}

export function runDirect(args: DirectArgs, src: DirectSource): void {
  const { shape, reduced } = args;
  const outAxes = shape.map((_, i) => i).filter((i) => !reduced[i]);
  const redAxes = shape.map((_, i) => i).filter((i) => reduced[i]);
  const dOff = runOffsets(shape, redAxes, src.data.strides);
  const mOp = src.mask;
  const mOff = mOp === undefined ? dOff : runOffsets(shape, redAxes, mOp.strides);
  const layout: RunLayout = {
    data: src.data.data as Float64Array | Float32Array,
    dataOffsets: dOff,
    mask: mOp === undefined ? undefined : src.maskIsData ? (mOp.data as Uint8Array) : mOp.mask,
    maskOffsets: mOff,
    out: args.out.data as Float64Array | Float32Array,
    outMask: args.out.mask,
    f32: args.outDType === "float32",
  };
  // walk the kept axes as few, long, evenly strided runs (usually one)
  const keptShape = outAxes.map((i) => shape[i]!);
  const c = coalesce(keptShape, [
    { strides: outAxes.map((i) => src.data.strides[i]!) },
    { strides: outAxes.map((i) => (mOp === undefined ? 0 : mOp.strides[i]!)) },
    { strides: args.out.strides },
  ]);
  const inner = c.shape.length === 0 ? 1 : c.shape[c.shape.length - 1]!;
  const outer = c.shape.length === 0 ? [] : c.shape.slice(0, -1);
  const [sd, sm, so] = c.strides.map((st) => (st.length === 0 ? 0 : st[st.length - 1]!)) as [number, number, number];
  const nOuter = outer.reduce((a, v) => a * v, 1);
  const oidx = new Array<number>(outer.length).fill(0);
  const row: Row = { db: src.data.offset, mb: mOp?.offset ?? 0, pos: args.out.offset, n: inner, sd, sm, so };
  const simd = simdRows(layout, row);
  const scratch = simd === undefined ? tileScratch(dOff.length) : undefined;
  for (let q = 0; q < nOuter; q++) {
    if (simd !== undefined) simd(row.db, row.mb, row.pos, inner);
    else medianRow(layout, scratch!, row);
    for (let d = outer.length - 1; d >= 0; d--) {
      row.db += c.strides[0]![d]!;
      row.mb += c.strides[1]![d]!;
      row.pos += c.strides[2]![d]!;
      if (++oidx[d]! < outer[d]!) break;
      row.db -= c.strides[0]![d]! * outer[d]!;
      row.mb -= c.strides[1]![d]! * outer[d]!;
      row.pos -= c.strides[2]![d]! * outer[d]!;
      oidx[d] = 0;
    }
  }
}
