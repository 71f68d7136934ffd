/** `.npy` files on disk, streamed so that gigabyte inputs never need a second in-memory copy. */
import { closeSync, openSync, readSync, renameSync, statSync, writeSync, existsSync } from "node:fs";
import { DTYPES, allocate, viewOf, type DTypeName, type TypedArray } from "../src/core/dtype.js";
import { npyHeader, parseNpyHeader, type NpyContents } from "../src/core/npy.js";
import { sizeOf } from "../src/core/shape.js";

const HEADER_PROBE = 4096;
const IO_BLOCK = 64 * 1024 * 1024;

function readFully(fd: number, into: Uint8Array, position: number): void {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, Math.min(IO_BLOCK, into.length - done), position + done);
    if (n === 0) throw new Error(`unexpected end of file after ${done} of ${into.length} bytes`);
    done += n;
  }
}

function writeFully(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

function readHeader(fd: number): ReturnType<typeof parseNpyHeader> {
  const probe = new Uint8Array(HEADER_PROBE);
  const n = readSync(fd, probe, 0, HEADER_PROBE, 0);
  return parseNpyHeader(probe.subarray(0, n));
}

/** True when `path` is a complete `.npy` file of exactly this dtype and shape. */
export function npyFileMatches(path: string, dtype: DTypeName, shape: readonly number[]): boolean {
  if (!existsSync(path)) return false;
  const fd = openSync(path, "r");
  try {
    const h = readHeader(fd);
    const sameShape = h.shape.length === shape.length && h.shape.every((s, i) => s === shape[i]);
    const size = h.offset + sizeOf(shape) * DTYPES[dtype].bytes;
    return h.dtype === dtype && sameShape && statSync(path).size === size;
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

/**
 * Write a `.npy` file block by block: `fill(block, start)` fills elements [start, start + block.length).
 * Written to a temporary name and renamed, so an interrupted run leaves no half file behind.
 */
export function writeNpyStreaming(
  path: string,
  dtype: DTypeName,
  shape: readonly number[],
  fill: (block: TypedArray, start: number) => void,
  blockElems = 1 << 20,
): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w");
  try {
    writeFully(fd, npyHeader(dtype, shape));
    const total = sizeOf(shape);
    const block = allocate(dtype, Math.min(blockElems, Math.max(total, 1)), false);
    for (let start = 0; start < total; start += block.length) {
      const part = block.subarray(0, Math.min(block.length, total - start)) as TypedArray;
      fill(part, start);
      writeFully(fd, new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Read a `.npy` file straight into one (by default shared) buffer, with no intermediate copy. */
export function readNpyFile(path: string, shared = true): NpyContents {
  const fd = openSync(path, "r");
  try {
    const { dtype, shape, offset } = readHeader(fd);
    const n = sizeOf(shape);
    const bytes = n * DTYPES[dtype].bytes;
    const buf = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
    readFully(fd, new Uint8Array(buf), offset);
    return { data: viewOf(dtype, buf, 0, n), shape, dtype };
  } finally {
    closeSync(fd);
  }
}
