/**
 * Read fusion, worker side: a source leaf becomes an operand over task-local scratch holding the
 * chunk-aligned box of the source that the task's block touches.
 */
import { allocate } from "../../src/core/dtype.js";
import { cStrides } from "../../src/core/shape.js";
import type { SourceLeafSpec } from "../../scheduler/task.js";
import { enumerateBlocks } from "../../scheduler/blocks.js";
import type { Operand } from "../codegen/loops.js";
import { readerOf } from "./index.js";

export async function readBox(leaf: SourceLeafSpec): Promise<{ data: Operand["data"]; mask: Uint8Array | undefined; strides: number[] }> {
  const { source, box } = leaf;
  const n = box.shape.reduce((a, b) => a * b, 1);
  const cst = cStrides(box.shape);
  const data = allocate(source.dtype, n, false);
  const mask = source.masked ? new Uint8Array(n) : undefined;
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
    leaves.map(async (l) => {
      if (!("source" in l)) return l;
      const b = await readBox(l);
      let offset = 0;
      const strides = new Array<number>(ndim).fill(0);
      l.axes.forEach((ax, j) => {
        offset += b.strides[j]! * (ax.c - l.box.start[j]!);
        if (ax.a >= 0) strides[ax.a]! += b.strides[j]! * ax.s;
      });
      return { data: b.data, mask: b.mask, offset, strides };
    }),
  );
}
