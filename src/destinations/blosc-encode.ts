/**
 * Blosc 1 chunk encoder: byte shuffle + LZ4, the format zarr-python and Dask write by default
 * (`Blosc(cname="lz4", clevel=5, shuffle=SHUFFLE)`). Layout: a 16-byte header (format version,
 * codec version, flags, typesize, nbytes, blocksize, cbytes), one int32 start offset per block,
 * then per block one stream per byte of the item (c-blosc's split rule) or one stream when the
 * block is too small, each an int32 size and its LZ4 bytes, or its raw bytes when LZ4 does not
 * shrink it. A chunk that does not shrink at all is stored whole (the memcpyed flag).
 * LZ4 and the shuffle of 2-, 4- and 8-byte items run in WebAssembly (encode-kernels.ts), block by block
 * in its memory; each stream is copied once, into the caller's output.
 */
import { WASM_PAGE } from "../core/wasm-api.js";
import { HASH_TABLE_BYTES, SLACK, encodeKernels } from "./encode-kernels.js";

const HEADER = 16;
const SHUFFLE = 0x1, MEMCPYED = 0x2;
const LZ4_CODE = 1;
const FORMAT_VERSION = 2, LZ4_FORMAT_VERSION = 1;
const L1 = 32 * 1024;
const MAX_SPLITS = 16, MIN_BUFFER = 128;
const align = (n: number): number => (n + 63) & ~63;

/** c-blosc's block size for clevel 5: 32 KiB, times the item size (64–256 KiB) when blocks split. */
export function bloscBlockSize(nbytes: number, typesize: number): number {
  if (nbytes < typesize) return Math.max(1, nbytes);
  let bs = nbytes < L1 ? nbytes : L1;
  if (typesize <= MAX_SPLITS && bs / typesize >= MIN_BUFFER) bs = Math.min(Math.max(bs * typesize, 1 << 16), 1 << 18);
  bs = Math.min(bs, nbytes);
  return bs > typesize ? bs - (bs % typesize) : bs;
}

/** Byte shuffle of `src[from, from + n)` into `dst` from `at`: byte j of every item, for j in order; a partial item's bytes stay at the end. */
function shuffle(src: Uint8Array, from: number, n: number, typesize: number, dst: Uint8Array, at: number): void {
  const items = Math.floor(n / typesize);
  for (let j = 0; j < typesize; j++) {
    const o = at + j * items;
    for (let i = 0, s = from + j; i < items; i++, s += typesize) dst[o + i] = src[s]!;
  }
  const whole = items * typesize;
  dst.set(src.subarray(from + whole, from + n), at + whole);
}

/**
 * Where a block's encoding happens in the kernels' memory, after the hash table: the raw block,
 * the shuffled block and one compressed stream, each with the kernels' slack. The memory grows
 * when blocks are larger and never shrinks (at most 3 × 256 KiB past the table).
 */
function layout(blocksize: number): { rawAt: number; shuffledAt: number; streamAt: number; mem: Uint8Array } {
  const rawAt = HASH_TABLE_BYTES;
  const shuffledAt = align(rawAt + blocksize + SLACK);
  const streamAt = align(shuffledAt + blocksize + SLACK);
  const need = streamAt + blocksize + SLACK;
  const memory = encodeKernels().memory;
  if (need > memory.buffer.byteLength) memory.grow(Math.ceil((need - memory.buffer.byteLength) / WASM_PAGE));
  return { rawAt, shuffledAt, streamAt, mem: new Uint8Array(memory.buffer) };
}

const put32 = (b: Uint8Array, i: number, v: number): void => {
  b[i] = v & 0xff;
  b[i + 1] = (v >>> 8) & 0xff;
  b[i + 2] = (v >>> 16) & 0xff;
  b[i + 3] = v >>> 24;
};

function header(out: Uint8Array, flags: number, typesize: number, nbytes: number, blocksize: number, cbytes: number): void {
  out[0] = FORMAT_VERSION;
  out[1] = LZ4_FORMAT_VERSION;
  out[2] = flags;
  out[3] = typesize;
  put32(out, 4, nbytes);
  put32(out, 8, blocksize);
  put32(out, 12, cbytes);
}

/** A Blosc chunk of `raw` (items of `typesize` bytes, 1–255), never longer than raw + 16 bytes. */
export function bloscEncode(raw: Uint8Array, typesize: number): Uint8Array {
  const out = new Uint8Array(raw.length + HEADER);
  return out.subarray(0, bloscEncodeInto(raw, typesize, out));
}

/**
 * bloscEncode into `out` (at least raw + 16 bytes) from 0; returns the chunk's size. For callers
 * that reuse their buffers: a fresh multi-MiB array costs more in page faults than encoding it.
 */
export function bloscEncodeInto(raw: Uint8Array, typesize: number, out: Uint8Array): number {
  if (!Number.isInteger(typesize) || typesize < 1 || typesize > 255) throw new RangeError(`blosc: item size ${typesize} is not in 1..255`);
  const nbytes = raw.length;
  if (nbytes > 0x7fffffff - HEADER) throw new RangeError(`blosc: a chunk of ${nbytes} bytes is over Blosc's 2 GiB limit`);
  const limit = HEADER + nbytes;
  if (out.length < limit) throw new RangeError(`blosc: an output of ${out.length} bytes is shorter than the ${limit} a chunk of ${nbytes} bytes may need`);
  const blocksize = bloscBlockSize(nbytes, typesize);
  const nblocks = nbytes === 0 ? 0 : Math.ceil(nbytes / blocksize);
  const doShuffle = typesize > 1;
  const k = encodeKernels();
  const simd = typesize === 2 ? k.shuffle2 : typesize === 4 ? k.shuffle4 : typesize === 8 ? k.shuffle8 : undefined;
  const { rawAt, shuffledAt, streamAt, mem } = layout(blocksize);
  let op = HEADER + 4 * nblocks;
  let fits = op < limit;
  for (let b = 0; b < nblocks && fits; b++) {
    const at = b * blocksize;
    const bsize = Math.min(blocksize, nbytes - at);
    const leftover = bsize !== blocksize;
    const nsplits = typesize <= MAX_SPLITS && blocksize / typesize >= MIN_BUFFER && !leftover ? typesize : 1;
    const neblock = bsize / nsplits;
    let from = shuffledAt;
    if (simd !== undefined) {
      mem.set(raw.subarray(at, at + bsize), rawAt);
      const items = Math.floor(bsize / typesize), whole = items * typesize;
      simd.call(k, rawAt, items, shuffledAt);
      // a partial item's bytes stay at the end
      mem.copyWithin(shuffledAt + whole, rawAt + whole, rawAt + bsize);
    } else if (doShuffle) shuffle(raw, at, bsize, typesize, mem, shuffledAt);
    else {
      mem.set(raw.subarray(at, at + bsize), rawAt);
      from = rawAt;
    }
    put32(out, HEADER + 4 * b, op);
    for (let s = 0; s < nsplits; s++, from += neblock) {
      if (op + 4 + neblock > limit) {
        fits = false;
        break;
      }
      // a compressed stream must be shorter than the split: equal size means "stored raw"
      const size = k.lz4(from, from + neblock, streamAt, neblock - 1);
      out.set(size < 0 ? mem.subarray(from, from + neblock) : mem.subarray(streamAt, streamAt + size), op + 4);
      put32(out, op, size < 0 ? neblock : size);
      op += 4 + (size < 0 ? neblock : size);
    }
  }
  if (!fits || op >= limit) {
    header(out, MEMCPYED | (doShuffle ? SHUFFLE : 0) | (LZ4_CODE << 5), typesize, nbytes, blocksize, limit);
    out.set(raw, HEADER);
    return limit;
  }
  header(out, (doShuffle ? SHUFFLE : 0) | (LZ4_CODE << 5), typesize, nbytes, blocksize, op);
  return op;
}
