/**
 * Blosc 1 chunk decoder for the codecs zarr-python uses by default (lz4 / lz4hc, with byte
 * shuffle) and zlib. Layout facts: a 16-byte header (version, versionlz, flags, typesize, nbytes,
 * blocksize, cbytes), then one int32 start offset per block; a block is stored in `typesize`
 * splits (each an int32 size and its bytes, stored raw when the size equals the split's length)
 * unless the flags say otherwise; byte shuffle is undone per block.
 *
 * The work happens in a per-thread WebAssembly memory (wasm/): LZ4 decoding and the unshuffle
 * of 4-byte items run there (raw splits are read where they lie), and each block is copied out
 * once. Readers can read a chunk file straight into that memory (`bloscInput`).
 */
import { inflateSync } from "node:zlib";
import { LZ4_ERRORS } from "./wasm/kernels.js";
import { bloscWorkspace, type Workspace } from "./wasm/workspace.js";
import { unshuffle } from "./unshuffle.js";

const SHUFFLE = 0x1, MEMCPYED = 0x2, BITSHUFFLE = 0x4, DONT_SPLIT = 0x10;
const LZ4 = 1, ZLIB = 3;
const CODEC_NAMES = ["blosclz", "lz4", "snappy", "zlib", "zstd"];
const HEADER = 16;

/** A valid Blosc chunk this decoder does not handle (another reader may). */
export class BloscUnsupported extends Error {
  override name = "BloscUnsupported";
}

/** A chunk that is not valid Blosc (truncated, inconsistent sizes, corrupt streams). */
export class BloscError extends RangeError {
  override name = "BloscError";
}

interface Header {
  flags: number;
  typesize: number;
  nbytes: number;
  blocksize: number;
  cbytes: number;
}

const u32 = (b: Uint8Array, i: number): number => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;

/** A buffer of `n` bytes to read a compressed chunk into; valid until the next call or decode. */
export function bloscInput(n: number): Uint8Array {
  return bloscWorkspace().input(n);
}

function readHeader(chunk: Uint8Array, expected: number): Header {
  if (chunk.length < HEADER) throw new BloscError(`blosc: ${chunk.length} bytes, shorter than the 16-byte header`);
  const version = chunk[0]!;
  const h = { flags: chunk[2]!, typesize: chunk[3]!, nbytes: u32(chunk, 4), blocksize: u32(chunk, 8), cbytes: u32(chunk, 12) };
  if (version === 0 || version > 2) throw new BloscUnsupported(`blosc: format version ${version}`);
  if (h.nbytes !== expected) throw new BloscError(`blosc: chunk holds ${h.nbytes} bytes, expected ${expected}`);
  if (h.cbytes > chunk.length || h.cbytes < HEADER) throw new BloscError(`blosc: chunk of ${chunk.length} bytes says it has ${h.cbytes}`);
  if (h.flags & MEMCPYED) {
    if (HEADER + h.nbytes > h.cbytes) throw new BloscError("blosc: uncompressed chunk shorter than its size");
    return h;
  }
  if (h.flags & BITSHUFFLE) throw new BloscUnsupported("blosc: bit shuffle");
  const codec = h.flags >> 5;
  if (codec !== LZ4 && codec !== ZLIB) throw new BloscUnsupported(`blosc: codec ${CODEC_NAMES[codec] ?? codec}`);
  if (h.blocksize === 0 || h.typesize === 0) throw new BloscError(`blosc: block size ${h.blocksize}, item size ${h.typesize}`);
  if (HEADER + 4 * Math.ceil(h.nbytes / h.blocksize) > h.cbytes) throw new BloscError("blosc: block table truncated");
  return h;
}

/** Decompress a whole Blosc chunk into `out`, which must be exactly the chunk's uncompressed size. */
export function bloscDecode(chunk: Uint8Array, out: Uint8Array): void {
  const h = readHeader(chunk, out.length);
  if (h.nbytes === 0) return;
  if (h.flags & MEMCPYED) {
    out.set(chunk.subarray(HEADER, HEADER + h.nbytes));
    return;
  }
  const ws = bloscWorkspace();
  // the chunk goes to wasm memory at 0, unless it was read there through bloscInput
  // (growing the memory keeps its bytes but detaches views of it, `chunk` included)
  const inPlace = chunk.buffer === ws.bytes.buffer && chunk.byteOffset === 0;
  ws.reserve(h.cbytes, Math.min(h.blocksize, h.nbytes));
  if (!inPlace) ws.bytes.set(chunk.subarray(0, h.cbytes));
  const nblocks = Math.ceil(h.nbytes / h.blocksize);
  for (let b = 0; b < nblocks; b++) decodeBlock(ws, h, b, out);
}

/** Block `b` of the chunk in the workspace into `out`. */
function decodeBlock(ws: Workspace, h: Header, b: number, out: Uint8Array): void {
  const { flags, typesize, nbytes, blocksize, cbytes } = h;
  const mem = ws.bytes;
  const leftover = b === Math.ceil(nbytes / blocksize) - 1 && nbytes % blocksize !== 0;
  const bsize = leftover ? nbytes % blocksize : blocksize;
  const shuffle = (flags & SHUFFLE) !== 0 && typesize > 1;
  // c-blosc's rule: one stream per byte of the item unless flagged off or the block is too small
  const split = (flags & DONT_SPLIT) === 0 && typesize <= 16 && blocksize / typesize >= 128 && !leftover;
  const nsplits = split ? typesize : 1;
  if (bsize % nsplits !== 0) throw new BloscError(`blosc: block size ${blocksize} is not a multiple of the item size ${typesize}`);
  const neblock = bsize / nsplits;
  // the SIMD unshuffle reads each split where it lies; elsewhere the block is made contiguous
  const simd = shuffle && typesize === 4;
  const streams = [0, 0, 0, 0];
  let ip = u32(mem, HEADER + 4 * b);
  let op = ws.blockAt;
  for (let s = 0; s < nsplits; s++) {
    if (ip + 4 > cbytes || ip < HEADER) throw new BloscError(`blosc: block ${b} starts outside the chunk`);
    const size = u32(mem, ip);
    ip += 4;
    if (size > cbytes - ip) throw new BloscError(`blosc: block ${b} runs past the chunk's end`);
    if (size === neblock && simd) streams[s] = ip;
    else {
      if (size === neblock) mem.copyWithin(op, ip, ip + neblock);
      else if (flags >> 5 === LZ4) decodeLz4(ws, ip, ip + size, op, neblock, b);
      else mem.set(inflateExactly(mem.subarray(ip, ip + size), neblock, b), op);
      if (simd) streams[s] = op;
    }
    ip += size;
    op += neblock;
  }
  const at = b * blocksize;
  if (simd) {
    const n = bsize >> 2;
    // one split holding the whole block: its four streams lie one after another
    if (nsplits === 1) for (let k = 1; k < 4; k++) streams[k] = streams[0]! + k * n;
    ws.kernels.unshuffle4(streams[0]!, streams[1]!, streams[2]!, streams[3]!, n, ws.outAt);
    // bytes past the last whole item are stored as they are
    mem.copyWithin(ws.outAt + 4 * n, streams[0]! + 4 * n, streams[0]! + bsize);
    out.set(mem.subarray(ws.outAt, ws.outAt + bsize), at);
  } else if (shuffle) unshuffle(mem.subarray(ws.blockAt, ws.blockAt + bsize), bsize, typesize, out, at);
  else out.set(mem.subarray(ws.blockAt, ws.blockAt + bsize), at);
}

function decodeLz4(ws: Workspace, from: number, to: number, at: number, n: number, b: number): void {
  const end = ws.kernels.lz4(from, to, at, at + n, at);
  if (end < 0) throw new BloscError(`blosc: block ${b}: lz4: ${LZ4_ERRORS[end] ?? `error ${end}`}`);
  if (end !== at + n) throw new BloscError(`blosc: block ${b} decoded to ${end - at} bytes, expected ${n}`);
}

function inflateExactly(src: Uint8Array, n: number, b: number): Uint8Array {
  const got = inflateSync(src);
  if (got.length !== n) throw new BloscError(`blosc: block ${b} decoded to ${got.length} bytes, expected ${n}`);
  return got;
}
