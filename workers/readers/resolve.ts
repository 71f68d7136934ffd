/**
 * Read fusion, worker side: a source leaf becomes an operand over task-local scratch holding the
 * chunk-aligned box of the source that the task's block touches.
 */
import { DTYPES, allocate, viewOf } from "../../src/core/dtype.js";
import { cStrides } from "../../src/core/shape.js";
import { sourceBox, type SourceLeafSpec } from "../../scheduler/task.js";
import { enumerateBlocks } from "../../scheduler/blocks.js";
import type { Operand } from "../codegen/loops.js";
import { readerOf } from "./index.js";

/**
 * Scratch for large boxes is reused per thread and leaf slot: a worker runs one task at a time,
 * and a task this large never runs inline in the scheduler's thread. Small boxes are fresh.
 */
const REUSE_BYTES = 1 << 20;
const boxPool = new Map<string, ArrayBuffer>();

function boxMemory(slot: number, bytes: number): ArrayBuffer | undefined {
  if (bytes < REUSE_BYTES) return undefined;
  const key = String(slot);
  let b = boxPool.get(key);
  if (b === undefined || b.byteLength < bytes) {
    b = new ArrayBuffer(bytes);
    boxPool.set(key, b);
  }
  return b;
}

export async function readBox(source: SourceLeafSpec["source"], box: { start: readonly number[]; shape: readonly number[] }, slot = 0): Promise<{ data: Operand["data"]; mask: Uint8Array | undefined; strides: number[] }> {
  const n = box.shape.reduce((a, b) => a * b, 1);
  const cst = cStrides(box.shape);
  const item = DTYPES[source.dtype].bytes;
  const mem = boxMemory(2 * slot, n * item);
  const data = mem === undefined ? allocate(source.dtype, n, false) : viewOf(source.dtype, mem, 0, n);
  const maskMem = source.masked ? boxMemory(2 * slot + 1, n) : undefined;
  // a reused mask starts clear: readers may set only the masked elements
  const mask = source.masked ? (maskMem === undefined ? new Uint8Array(n) : new Uint8Array(maskMem, 0, n).fill(0)) : undefined;
  const target: Operand = { data, mask, offset: -box.start.reduce((s, v, d) => s + v * cst[d]!, 0), strides: cst };
  const reader = readerOf(source.reader);
  if (n > 0) {
    for (const blk of enumerateBlocks(box.shape, source.chunks.map((c, d) => Math.min(c, box.shape[d]!)))) {
      const start = blk.start.map((s, d) => s + box.start[d]!);
      const shape = blk.shape.map((s, d) => Math.min(s, source.fullShape[d]! - start[d]!));
      await reader(source.params, { start, shape, fullShape: source.fullShape }, target);
    }
  }
  return { data, mask, strides: cst };
}

export async function resolveLeaves(leaves: readonly (Operand | SourceLeafSpec)[], ndim: number): Promise<Operand[]> {
  return Promise.all(
    leaves.map(async (l, slot) => {
      if (!("source" in l)) return l;
      const box = sourceBox(l);
      const b = await readBox(l.source, box, slot);
      let offset = 0;
      const strides = new Array<number>(ndim).fill(0);
      box.axes.forEach((ax, j) => {
        offset += b.strides[j]! * (ax.c - box.start[j]!);
        if (ax.a >= 0) strides[ax.a]! += b.strides[j]! * ax.s;
      });
      return { data: b.data, mask: b.mask, offset, strides };
    }),
  );
}
