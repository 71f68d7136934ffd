/**
 * Blosc 1 chunk encoder: byte shuffle + LZ4, the format zarr-python and Dask write by default
 * (`Blosc(cname="lz4", clevel=5, shuffle=SHUFFLE)`). Layout: a 16-byte header (format version,
 * codec version, flags, typesize, nbytes, blocksize, cbytes), one int32 start offset per block,
 * then per block one stream per byte of the item (c-blosc's split rule) or one stream when the
 * block is too small, each an int32 size and its LZ4 bytes, or its raw bytes when LZ4 does not
 * shrink it. A chunk that does not shrink at all is stored whole (the memcpyed flag).
 * Scratch buffers are kept between calls; only the returned chunk is allocated.
 */
import { lz4Compress } from "./lz4-block.js";

const HEADER = 16;
const SHUFFLE = 0x1, MEMCPYED = 0x2;
const LZ4_CODE = 1;
const FORMAT_VERSION = 2, LZ4_FORMAT_VERSION = 1;
const L1 = 32 * 1024;
const MAX_SPLITS = 16, MIN_BUFFER = 128;

let scratch = new Uint8Array(0);
let shuffled = new Uint8Array(0);

/** c-blosc's block size for clevel 5: 32 KiB, times the item size (64–256 KiB) when blocks split. */
export function bloscBlockSize(nbytes: number, typesize: number): number {
  if (nbytes < typesize) return Math.max(1, nbytes);
  let bs = nbytes < L1 ? nbytes : L1;
  if (typesize <= MAX_SPLITS && bs / typesize >= MIN_BUFFER) bs = Math.min(Math.max(bs * typesize, 1 << 16), 1 << 18);
  bs = Math.min(bs, nbytes);
  return bs > typesize ? bs - (bs % typesize) : bs;
}

/** Byte shuffle of `src[from, from + n)` into `dst` from 0: byte j of every item, for j in order; a partial item's bytes stay at the end. */
function shuffle(src: Uint8Array, from: number, n: number, typesize: number, dst: Uint8Array): void {
  const items = Math.floor(n / typesize);
  if (typesize === 4 && (src.byteOffset + from) % 4 === 0) {
    // one 32-bit load per item instead of four byte loads
    const words = new Uint32Array(src.buffer, src.byteOffset + from, items);
    for (let i = 0; i < items; i++) {
      const w = words[i]!;
      dst[i] = w;
      dst[items + i] = w >>> 8;
      dst[2 * items + i] = w >>> 16;
      dst[3 * items + i] = w >>> 24;
    }
    dst.set(src.subarray(from + 4 * items, from + n), 4 * items);
    return;
  }
  for (let j = 0; j < typesize; j++) {
    const o = j * items;
    for (let i = 0, s = from + j; i < items; i++, s += typesize) dst[o + i] = src[s]!;
  }
  const whole = items * typesize;
  dst.set(src.subarray(from + whole, from + n), whole);
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
  if (!Number.isInteger(typesize) || typesize < 1 || typesize > 255) throw new RangeError(`blosc: item size ${typesize} is not in 1..255`);
  const nbytes = raw.length;
  if (nbytes > 0x7fffffff - HEADER) throw new RangeError(`blosc: a chunk of ${nbytes} bytes is over Blosc's 2 GiB limit`);
  const blocksize = bloscBlockSize(nbytes, typesize);
  const nblocks = nbytes === 0 ? 0 : Math.ceil(nbytes / blocksize);
  const limit = HEADER + nbytes;
  if (scratch.length < limit) scratch = new Uint8Array(limit);
  if (shuffled.length < blocksize) shuffled = new Uint8Array(blocksize);
  const doShuffle = typesize > 1;
  let op = HEADER + 4 * nblocks;
  let fits = op < limit;
  for (let b = 0; b < nblocks && fits; b++) {
    const at = b * blocksize;
    const bsize = Math.min(blocksize, nbytes - at);
    const leftover = bsize !== blocksize;
    const nsplits = typesize <= MAX_SPLITS && blocksize / typesize >= MIN_BUFFER && !leftover ? typesize : 1;
    const neblock = bsize / nsplits;
    let src = raw, from = at;
    if (doShuffle) {
      shuffle(raw, at, bsize, typesize, shuffled);
      src = shuffled;
      from = 0;
    }
    put32(scratch, HEADER + 4 * b, op);
    for (let s = 0; s < nsplits; s++, from += neblock) {
      if (op + 4 + neblock > limit) {
        fits = false;
        break;
      }
      // a compressed stream must be shorter than the split: equal size means "stored raw"
      const size = lz4Compress(src, from, from + neblock, scratch, op + 4, neblock - 1);
      if (size < 0) scratch.set(src.subarray(from, from + neblock), op + 4);
      put32(scratch, op, size < 0 ? neblock : size);
      op += 4 + (size < 0 ? neblock : size);
    }
  }
  if (!fits || op >= limit) {
    const out = new Uint8Array(limit);
    header(out, MEMCPYED | (doShuffle ? SHUFFLE : 0) | (LZ4_CODE << 5), typesize, nbytes, blocksize, limit);
    out.set(raw, HEADER);
    return out;
  }
  header(scratch, (doShuffle ? SHUFFLE : 0) | (LZ4_CODE << 5), typesize, nbytes, blocksize, op);
  return scratch.slice(0, op);
}
