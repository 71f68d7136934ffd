/**
 * Read fusion, worker side: a source leaf becomes an operand over task-local scratch holding the
 * box of the source that the task's block touches (chunk-aligned, or just the footprint read
 * through one chunk of scratch when whole chunks would be mostly waste: see `sourceReadPlan`).
 */
import { DTYPES, allocate, viewOf } from "../../src/core/dtype.js";
import { cStrides } from "../../src/core/shape.js";
import { sourceReadPlan, type SourceLeafSpec } from "../../scheduler/task.js";
import { copyIntoRegion } from "./copy.js";
import { enumerateBlocks } from "../../scheduler/blocks.js";
import type { Operand } from "../codegen/loops.js";
import { readerOf } from "./index.js";
import type { BoxLease } from "../../src/core/arena.js";
import { arenaFill } from "../codegen/wasm/runtime.js";

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

/**
 * Task-local memory for `n` elements of a source (and its mask), reused per slot when large.
 * Large data goes to the task's lease of arena box memory when it has one: kernels read it in place.
 */
function scratch(source: SourceLeafSpec["source"], n: number, slot: number, lease?: BoxLease | null): { data: Operand["data"]; mask: Uint8Array | undefined; arena: boolean; maskArena: boolean } {
  const bytes = n * DTYPES[source.dtype].bytes;
  const inArena = bytes >= REUSE_BYTES ? lease?.take(bytes) : undefined;
  const mem = inArena === undefined ? boxMemory(2 * slot, bytes) : undefined;
  const data = inArena !== undefined ? viewOf(source.dtype, inArena.buffer, inArena.at, n) : mem === undefined ? allocate(source.dtype, n, false) : viewOf(source.dtype, mem, 0, n);
  // the mask goes with its data into the lease, so arena kernels read both in place
  const maskInArena = source.masked && inArena !== undefined ? lease?.take(n) : undefined;
  const maskMem = source.masked && maskInArena === undefined ? boxMemory(2 * slot + 1, n) : undefined;
  // a reused mask starts clear: readers may set only the masked elements
  const mask = !source.masked ? undefined
    : maskInArena !== undefined ? clearInArena(new Uint8Array(maskInArena.buffer, maskInArena.at, n))
    : maskMem === undefined ? new Uint8Array(n) : new Uint8Array(maskMem, 0, n).fill(0);
  return { data, mask, arena: inArena !== undefined, maskArena: maskInArena !== undefined };
}

/** `a` (arena memory) zeroed, at memset speed where this thread runs arena kernels. */
function clearInArena(a: Uint8Array): Uint8Array {
  if (!arenaFill(a, 0)) a.fill(0);
  return a;
}

/** Scratch slots past the leaves' own: one chunk, for reads that go through a chunk (`viaChunk`). */
const CHUNK_SLOT = 1 << 16;

/**
 * Reads `box` of a source into task-local memory. Chunk-aligned boxes are read chunk by chunk
 * straight into it; with `viaChunk` (a box that cuts through chunks) each chunk it touches is read
 * whole into one chunk of scratch and only the part inside the box is copied.
 */
export async function readBox(
  source: SourceLeafSpec["source"], box: { start: readonly number[]; shape: readonly number[] }, slot = 0, viaChunk = false, lease?: BoxLease | null,
): Promise<{ data: Operand["data"]; mask: Uint8Array | undefined; strides: number[]; arena: boolean; maskArena: boolean }> {
  const n = box.shape.reduce((a, b) => a * b, 1);
  const cst = cStrides(box.shape);
  const { data, mask, arena, maskArena } = scratch(source, n, slot, lease);
  const target: Operand = { data, mask, offset: -box.start.reduce((s, v, d) => s + v * cst[d]!, 0), strides: cst };
  // readers that decode in place may run arena kernels over it
  if (arena) target.arena = true;
  if (maskArena) target.maskArena = true;
  const reader = readerOf(source.reader);
  if (n === 0) return { data, mask, strides: cst, arena, maskArena };
  const chunks = source.chunks;
  // the chunk grid cells the box touches
  const first = box.start.map((s, d) => Math.floor(s / chunks[d]!));
  const count = box.start.map((s, d) => Math.floor((s + box.shape[d]! - 1) / chunks[d]!) - first[d]! + 1);
  const ccst = cStrides(chunks);
  const cell = viaChunk ? scratch(source, chunks.reduce((a, b) => a * b, 1), CHUNK_SLOT + slot) : undefined;
  for (const g of enumerateBlocks(count, count.map(() => 1))) {
    const cstart = g.start.map((k, d) => (first[d]! + k) * chunks[d]!);
    const cshape = cstart.map((s, d) => Math.min(chunks[d]!, source.fullShape[d]! - s));
    if (cell === undefined) {
      await reader(source.params, { start: cstart, shape: cshape, fullShape: source.fullShape }, target);
      continue;
    }
    if (cell.mask !== undefined) cell.mask.fill(0);
    const into: Operand = { data: cell.data, mask: cell.mask, offset: -cstart.reduce((s, v, d) => s + v * ccst[d]!, 0), strides: ccst };
    await reader(source.params, { start: cstart, shape: cshape, fullShape: source.fullShape }, into);
    const lo = cstart.map((s, d) => Math.max(s, box.start[d]!));
    const ext = lo.map((v, d) => Math.min(cstart[d]! + cshape[d]!, box.start[d]! + box.shape[d]!) - v);
    const at = lo.reduce((s, v, d) => s + (v - cstart[d]!) * ccst[d]!, 0);
    copyIntoRegion(cell.data.subarray(at), ccst, lo, ext, target, cell.mask?.subarray(at));
  }
  return { data, mask, strides: cst, arena, maskArena };
}

/** The task's source leaves read into boxes (in `lease`'s arena memory where it has room). */
export async function resolveLeaves(leaves: readonly (Operand | SourceLeafSpec)[], ndim: number, lease?: BoxLease | null): Promise<Operand[]> {
  return Promise.all(
    leaves.map(async (l, slot) => {
      if (!("source" in l)) return l;
      const { box, axes, viaChunk } = sourceReadPlan(l);
      const b = await readBox(l.source, box, slot, viaChunk, lease);
      let offset = 0;
      const strides = new Array<number>(ndim).fill(0);
      axes.forEach((ax, j) => {
        offset += b.strides[j]! * (ax.c - box.start[j]!);
        if (ax.a >= 0) strides[ax.a]! += b.strides[j]! * ax.s;
      });
      const op: Operand = { data: b.data, mask: b.mask, offset, strides };
      if (b.arena) op.arena = true;
      if (b.maskArena) op.maskArena = true;
      return op;
    }),
  );
}
