/**
 * One stored block (tile or strip) of a GeoTIFF, decoded to its samples' bytes. Uncompressed and
 * deflate blocks of little-endian files with no predictor or the integer one are read here: one
 * `readSync` at the block's offset and one node:zlib inflate to an output of the block's exact
 * size, the horizontal predictor undone in place. Other layouts (LZW, JPEG, the floating-point
 * predictor, big-endian files) go through geotiff.js's decoders.
 */
import { readSync } from "node:fs";
import { inflateSync } from "node:zlib";
import type { OpenRaster } from "./files.js";
import { inflateInto } from "./inflate-into.js";

const NONE = 1;
const ADOBE_DEFLATE = 8;
const DEFLATE = 32946;
const HORIZONTAL = 2;

/** Compressed bytes are read into this buffer, grown as needed; inflate consumes it before returning. */
let scratch = Buffer.alloc(0);

function scratchOf(n: number): Buffer {
  if (scratch.length < n) scratch = Buffer.allocUnsafe(Math.max(n, 2 * scratch.length));
  return scratch;
}

/** Index of a block in the offset tables: planes (planar configuration 2) one after another. */
export function blockIndex(r: OpenRaster, tx: number, ty: number, sample: number): number {
  return (r.planar === 2 ? sample * r.across * r.down : 0) + ty * r.across + tx;
}

/** Rows a block holds: tiles are full size, the last strip only holds the rows that remain. */
export function blockRows(r: OpenRaster, ty: number): number {
  return r.tiled ? r.blockHeight : Math.min(r.blockHeight, r.height - ty * r.blockHeight);
}

/** Samples stored side by side in a block, and the bytes of one. */
function layout(r: OpenRaster, sample: number): { spp: number; bytes: number } {
  return r.planar === 2 ? { spp: 1, bytes: r.bits[sample]! / 8 } : { spp: r.samples, bytes: r.bits[0]! / 8 };
}

function rawReadable(r: OpenRaster): boolean {
  if (r.compression !== NONE && r.compression !== ADOBE_DEFLATE && r.compression !== DEFLATE) return false;
  if (r.predictor !== 1 && !(r.predictor === HORIZONTAL && r.formats.every((f) => f === 1 || f === 2))) return false;
  if (!r.bits.every((b) => b === 8 || b === 16 || b === 32 || b === 64)) return false;
  if (r.planar === 1 && !r.bits.every((b) => b === r.bits[0])) return false;
  return r.littleEndian || r.bits.every((b) => b === 8);
}

type IntArray = Uint8Array | Uint16Array | Uint32Array;

/** Undo horizontal differencing row by row (each sample against the same sample one pixel left). */
function undoPredictor(block: Uint8Array, bytes: number, width: number, rows: number, spp: number): void {
  const n = block.byteLength / bytes;
  const a: IntArray | BigUint64Array =
    bytes === 1 ? block : bytes === 2 ? new Uint16Array(block.buffer, block.byteOffset, n) : bytes === 4 ? new Uint32Array(block.buffer, block.byteOffset, n) : new BigUint64Array(block.buffer, block.byteOffset, n);
  const row = width * spp;
  if (a instanceof BigUint64Array) {
    for (let y = 0; y < rows; y++) for (let i = y * row + spp; i < (y + 1) * row; i++) a[i] = BigInt.asUintN(64, a[i]! + a[i - spp]!);
    return;
  }
  // typed-array stores wrap modulo 2^bits, as the predictor's sums do
  for (let y = 0; y < rows; y++) for (let i = y * row + spp; i < (y + 1) * row; i++) a[i] = a[i]! + a[i - spp]!;
}

/** A view of `u8` that typed arrays of `bytes`-byte elements can share (copied when misaligned). */
function aligned(u8: Uint8Array, bytes: number): Uint8Array {
  return u8.byteOffset % bytes === 0 ? u8 : u8.slice();
}

function readRaw(r: OpenRaster, index: number, expected: number, bytes: number): Uint8Array {
  const offset = r.offsets[index]!, count = r.counts[index]!;
  if (r.compression === NONE) {
    if (count < expected) throw new Error(`${r.path}: block ${index} holds ${count} bytes, its layout needs ${expected}`);
    const out = new Uint8Array(expected);
    const got = readSync(r.fd, out, 0, expected, offset);
    if (got < expected) throw new Error(`${r.path}: block ${index} is cut short (${got} of ${expected} bytes); the file is truncated`);
    return out;
  }
  const buf = scratchOf(count);
  const got = readSync(r.fd, buf, 0, count, offset);
  if (got < count) throw new Error(`${r.path}: block ${index} is cut short (${got} of ${count} bytes); the file is truncated`);
  let out: Buffer;
  try {
    out = inflateSync(buf.subarray(0, count), { chunkSize: Math.max(64, expected) });
  } catch (e) {
    throw new Error(`${r.path}: block ${index} does not inflate: ${(e as Error).message}`);
  }
  if (out.byteLength < expected) throw new Error(`${r.path}: block ${index} inflates to ${out.byteLength} bytes, its layout needs ${expected}`);
  return aligned(out.subarray(0, expected), bytes);
}

/**
 * The decoded bytes of block (tx, ty) of `sample`'s plane (of every sample, pixel-interleaved files):
 * rows of `blockWidth` pixels, `blockRows(r, ty)` of them.
 */
export async function decodeBlock(r: OpenRaster, tx: number, ty: number, sample: number): Promise<Uint8Array> {
  const index = blockIndex(r, tx, ty, sample);
  // geotiff.js fills a block the file leaves out (sparse files) with the nodata value, as GDAL does
  if (!rawReadable(r) || r.counts[index] === 0) {
    const tile = await r.image.getTileOrStrip(tx, ty, sample, r.decoder);
    return new Uint8Array(tile.data as ArrayBuffer);
  }
  const { spp, bytes } = layout(r, sample);
  const rows = blockRows(r, ty);
  const block = readRaw(r, index, r.blockWidth * rows * spp * bytes, bytes);
  if (r.predictor === HORIZONTAL) undoPredictor(block, bytes, r.blockWidth, rows, spp);
  return block;
}

/**
 * Decodes block (tx, ty) of `sample`'s plane straight into `dest`, which must hold exactly its
 * decoded bytes (as `decodeBlock` returns them). Returns false, having written nothing, when the
 * block is not one this reads itself (geotiff.js layouts, sparse blocks): use `decodeBlock` then.
 */
export function decodeBlockInto(r: OpenRaster, tx: number, ty: number, sample: number, dest: Uint8Array): boolean {
  const index = blockIndex(r, tx, ty, sample);
  if (!rawReadable(r) || r.counts[index] === 0) return false;
  const { spp, bytes } = layout(r, sample);
  const rows = blockRows(r, ty);
  const expected = r.blockWidth * rows * spp * bytes;
  if (dest.byteLength !== expected || dest.byteOffset % bytes !== 0) return false;
  const offset = r.offsets[index]!, count = r.counts[index]!;
  if (r.compression === NONE) {
    if (count < expected) throw new Error(`${r.path}: block ${index} holds ${count} bytes, its layout needs ${expected}`);
    const got = readSync(r.fd, dest, 0, expected, offset);
    if (got < expected) throw new Error(`${r.path}: block ${index} is cut short (${got} of ${expected} bytes); the file is truncated`);
  } else {
    const buf = scratchOf(count);
    const got = readSync(r.fd, buf, 0, count, offset);
    if (got < count) throw new Error(`${r.path}: block ${index} is cut short (${got} of ${count} bytes); the file is truncated`);
    let n: number;
    try {
      n = inflateInto(buf.subarray(0, count), dest);
    } catch (e) {
      throw new Error(`${r.path}: block ${index} does not inflate: ${(e as Error).message}`);
    }
    if (n < expected) throw new Error(`${r.path}: block ${index} inflates to ${n} bytes, its layout needs ${expected}`);
  }
  if (r.predictor === HORIZONTAL) undoPredictor(dest, bytes, r.blockWidth, rows, spp);
  return true;
}
