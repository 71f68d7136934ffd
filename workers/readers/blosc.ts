/**
 * Blosc 1 chunk decoder for the codecs zarr-python uses by default (lz4, with byte shuffle).
 * Layout facts: a 16-byte header (version, versionlz, flags, typesize, nbytes, blocksize, cbytes),
 * then one int32 start offset per block; a block is stored in `typesize` splits (each an int32
 * size and its bytes, stored raw when the size equals the split's length) unless the flags say
 * otherwise; byte shuffle is undone per block.
 */
import { inflateSync } from "node:zlib";
import { lz4DecodeBlock } from "./lz4.js";

const SHUFFLE = 0x1, MEMCPYED = 0x2, BITSHUFFLE = 0x4, DONT_SPLIT = 0x10;
const LZ4 = 1, ZLIB = 3;

export class BloscUnsupported extends Error {
  override name = "BloscUnsupported";
}

let scratch = new Uint8Array(0);
function tmp(n: number): Uint8Array {
  if (scratch.length < n) scratch = new Uint8Array(n);
  return scratch;
}

const u32 = (b: Uint8Array, i: number): number => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;

/** Decompress a whole Blosc buffer into `out` (which must hold `nbytes`). */
export function bloscDecode(src: Uint8Array, out: Uint8Array): void {
  if (src.length < 16) throw new RangeError("blosc: buffer shorter than its header");
  const flags = src[2]!;
  const typesize = src[3]!;
  const nbytes = u32(src, 4);
  const blocksize = u32(src, 8);
  if (out.length < nbytes) throw new RangeError(`blosc: chunk holds ${nbytes} bytes, expected at most ${out.length}`);
  if (flags & MEMCPYED) {
    out.set(src.subarray(16, 16 + nbytes));
    return;
  }
  if (flags & BITSHUFFLE) throw new BloscUnsupported("blosc: bit shuffle");
  const codec = (flags & 0xe0) >> 5;
  if (codec !== LZ4 && codec !== ZLIB) throw new BloscUnsupported(`blosc: codec ${codec}`);
  const nblocks = Math.ceil(nbytes / blocksize);
  const shuffle = (flags & SHUFFLE) !== 0 && typesize > 1;
  const block = shuffle ? tmp(blocksize) : undefined;
  for (let b = 0; b < nblocks; b++) {
    const leftover = b === nblocks - 1 && nbytes % blocksize !== 0;
    const bsize = leftover ? nbytes % blocksize : blocksize;
    const split = (flags & DONT_SPLIT) === 0 && typesize <= 16 && blocksize / typesize >= 128 && !leftover;
    const nsplits = split ? typesize : 1;
    const neblock = bsize / nsplits;
    let ip = u32(src, 16 + 4 * b);
    const dst = block ?? out;
    let op = block ? 0 : b * blocksize;
    for (let s = 0; s < nsplits; s++) {
      const cbytes = u32(src, ip);
      ip += 4;
      if (cbytes === neblock) {
        dst.set(src.subarray(ip, ip + neblock), op);
      } else if (codec === LZ4) {
        const n = lz4DecodeBlock(src, ip, ip + cbytes, dst, op, neblock);
        if (n !== neblock) throw new RangeError(`blosc: block ${b} decoded to ${n} bytes, expected ${neblock}`);
      } else {
        dst.set(inflateSync(src.subarray(ip, ip + cbytes)), op);
      }
      ip += cbytes;
      op += neblock;
    }
    if (block) unshuffle(block, bsize, typesize, out, b * blocksize);
  }
}

/** Byte unshuffle: the block holds byte j of every element, then byte j + 1, ... */
function unshuffle(src: Uint8Array, bsize: number, typesize: number, out: Uint8Array, at: number): void {
  const n = Math.floor(bsize / typesize);
  if ((typesize === 4 || typesize === 8) && (out.byteOffset + at) % 4 === 0) {
    // assemble little-endian 32-bit words: four loads and one store per word
    const words = new Uint32Array(out.buffer, out.byteOffset + at, (n * typesize) >> 2);
    const per = typesize >> 2;
    for (let h = 0; h < per; h++) {
      const b0 = 4 * h * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
      for (let i = 0, w = h; i < n; i++, w += per) {
        words[w] = src[b0 + i]! | (src[b1 + i]! << 8) | (src[b2 + i]! << 16) | (src[b3 + i]! << 24);
      }
    }
  } else if (typesize === 2 && (out.byteOffset + at) % 2 === 0) {
    const halves = new Uint16Array(out.buffer, out.byteOffset + at, n);
    for (let i = 0; i < n; i++) halves[i] = src[i]! | (src[n + i]! << 8);
  } else for (let j = 0; j < typesize; j++) {
    let o = at + j;
    const base = j * n;
    for (let i = 0; i < n; i++) {
      out[o] = src[base + i]!;
      o += typesize;
    }
  }
  const rest = bsize - n * typesize;
  for (let k = 0; k < rest; k++) out[at + n * typesize + k] = src[n * typesize + k]!;
}
