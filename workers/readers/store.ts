/**
 * Intermediate stores of rechunked sources (scheduler/restage.ts), private to one execution: a file
 * per chunk named by its grid coordinates, holding the chunk's elements in C order (edge chunks cut
 * to the array) and then, for masked sources, one mask byte per element.
 */
import { join } from "node:path";
import { DTYPES, isDTypeName, viewOf, type DTypeName } from "../../src/core/dtype.js";
import { cStrides } from "../../src/core/shape.js";
import { enumerateBlocks } from "../../scheduler/blocks.js";
import type { Operand } from "../codegen/loops.js";
import { readChunkFile, writeChunkFile } from "./chunk-file.js";
import { copyIntoRegion } from "./copy.js";
import type { ReaderParams, ReadRegion } from "./types.js";

interface StoreParams {
  readonly dir: string;
  readonly chunks: readonly number[];
  readonly dtype: DTypeName;
  readonly masked: boolean;
}

function storeParams(p: ReaderParams): StoreParams {
  const { dir, chunks, dtype, masked } = p;
  if (typeof dir !== "string" || !Array.isArray(chunks) || !chunks.every((c) => Number.isInteger(c) && c > 0) || !isDTypeName(dtype) || typeof masked !== "boolean") {
    throw new TypeError("store reader: bad parameters (an intermediate store needs its directory, chunks, dtype and masked flag)");
  }
  return { dir, chunks: chunks as number[], dtype, masked };
}

function chunkFile(p: StoreParams, start: readonly number[]): string {
  return join(p.dir, start.length === 0 ? "0" : start.map((s, d) => Math.floor(s / p.chunks[d]!)).join("."));
}

/** Per-thread buffers, grown as needed: one for reading chunk files, one for assembling them. */
let readMem = new ArrayBuffer(0);
let writeMem = new ArrayBuffer(0);
const grown = (b: ArrayBuffer, n: number): ArrayBuffer => (b.byteLength >= n ? b : new ArrayBuffer(Math.max(n, b.byteLength * 2)));

/** Reads one chunk (the region is a whole, possibly edge-cut, chunk of the store) into `out`. */
export function readStore(params: ReaderParams, region: ReadRegion, out: Operand): void {
  const p = storeParams(params);
  const n = region.shape.reduce((a, b) => a * b, 1);
  const item = DTYPES[p.dtype].bytes;
  const file = chunkFile(p, region.start);
  const raw = readChunkFile(file, (size) => new Uint8Array((readMem = grown(readMem, size)), 0, size));
  const want = n * item + (p.masked ? n : 0);
  if (raw === undefined) throw new Error(`intermediate store chunk ${file} is missing`);
  if (raw.length !== want) throw new Error(`intermediate store chunk ${file} holds ${raw.length} bytes, expected ${want}`);
  const data = viewOf(p.dtype, raw.buffer, raw.byteOffset, n);
  const mask = p.masked ? raw.subarray(n * item, want) : undefined;
  copyIntoRegion(data, cStrides(region.shape), region.start, region.shape, out, mask);
}

/**
 * Writes the chunks of a box held densely in `box` (C order over `shape`), whose first element is
 * at `at` in the store: `at` lies on the store's chunk grid, so every chunk is written whole.
 */
export function writeStoreChunks(params: ReaderParams, at: readonly number[], shape: readonly number[], box: { data: Operand["data"]; mask: Uint8Array | undefined; strides: readonly number[] }): void {
  const p = storeParams(params);
  const item = DTYPES[p.dtype].bytes;
  for (const c of enumerateBlocks(shape, p.chunks)) {
    const n = c.shape.reduce((a, b) => a * b, 1);
    if (n === 0) continue;
    const bytes = n * item + (p.masked ? n : 0);
    writeMem = grown(writeMem, bytes);
    const data = viewOf(p.dtype, writeMem, 0, n);
    const mask = p.masked ? new Uint8Array(writeMem, n * item, n) : undefined;
    const from = c.start.reduce((s, v, d) => s + v * box.strides[d]!, 0);
    const into: Operand = { data, mask, offset: 0, strides: cStrides(c.shape) };
    copyIntoRegion(box.data.subarray(from), box.strides, c.shape.map(() => 0), c.shape, into, box.mask?.subarray(from));
    writeChunkFile(chunkFile(p, c.start.map((s, d) => s + at[d]!)), [new Uint8Array(writeMem, 0, bytes)]);
  }
}
