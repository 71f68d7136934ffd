/**
 * The nodata mask of a run of samples: mask[o + i] = 1 where src[s + i * step] equals nodata, else 0.
 * Contiguous 16-bit samples (B6's uint16 bands) are compared two lanes per 32-bit word without a
 * branch, and four mask bytes are stored at once: a few times faster than one compare and one byte
 * store per sample.
 */
import type { SampleArray } from "./window.js";

/** Lane order of a 32-bit word over two 16-bit samples; the word path assumes little-endian. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// one-entry caches, keyed by the typed arrays themselves (reading `.buffer` costs a call per row):
// the rows of a task share one decoded block and one mask
let srcOf: SampleArray | undefined;
let srcWords: Uint32Array<ArrayBufferLike> = new Uint32Array(0);
let maskOf: Uint8Array | undefined;
let maskWords: Int32Array<ArrayBufferLike> = new Int32Array(0);

function wordsOfSrc(src: SampleArray): Uint32Array<ArrayBufferLike> {
  if (src !== srcOf) {
    srcOf = src;
    srcWords = new Uint32Array(src.buffer, 0, src.buffer.byteLength >> 2);
  }
  return srcWords;
}

function wordsOfMask(mask: Uint8Array): Int32Array<ArrayBufferLike> {
  if (mask !== maskOf) {
    maskOf = mask;
    maskWords = new Int32Array(mask.buffer, 0, mask.buffer.byteLength >> 2);
  }
  return maskWords;
}

/** The 16-bit pattern of `nodata` when some element of `src` can equal it, else undefined. */
function pattern16(src: SampleArray, nodata: number): number | undefined {
  if (!Number.isInteger(nodata)) return undefined;
  if (src instanceof Uint16Array) return nodata >= 0 && nodata <= 0xffff ? nodata : undefined;
  if (src instanceof Int16Array) return nodata >= -0x8000 && nodata <= 0x7fff ? nodata & 0xffff : undefined;
  return undefined;
}

function maskLoop(src: SampleArray, s: number, step: number, n: number, mask: Uint8Array, o: number, nodata: number): void {
  for (let i = 0, k = s; i < n; i++, k += step) mask[o + i] = src[k] === nodata ? 1 : 0;
}

/** Mask bytes for `n` samples from `src[s]` (every `step`-th) into `mask[o]`: 1 where a sample equals `nodata`. */
export function maskNodata(src: SampleArray, s: number, step: number, n: number, mask: Uint8Array, o: number, nodata: number): void {
  const p = pattern16(src, nodata);
  // the first element at which both the mask and the samples sit on a 4-byte boundary
  const head = (4 - ((mask.byteOffset + o) & 3)) & 3;
  if (p === undefined || step !== 1 || !LITTLE_ENDIAN || n < head + 8 || ((src.byteOffset + 2 * (s + head)) & 3) !== 0) {
    maskLoop(src, s, step, n, mask, o, nodata);
    return;
  }
  maskLoop(src, s, 1, head, mask, o, nodata);
  const w = wordsOfSrc(src), m = wordsOfMask(mask);
  const nd = p | (p << 16); // int32: `^` then needs no conversion
  const quads = (n - head) >> 2;
  let k = (src.byteOffset + 2 * (s + head)) >> 2;
  let j = (mask.byteOffset + o + head) >> 2;
  for (let q = 0; q < quads; q++, k += 2, j++) {
    // a 16-bit lane of z is 0 where the sample equals nodata; lane - 1 is then -1, whose sign bit
    // is the mask byte (int32 arithmetic throughout: no lane sum can overflow into a double)
    const z0 = w[k]! ^ nd, z1 = w[k + 1]! ^ nd;
    m[j] = (((z0 & 0xffff) - 1) >>> 31) | ((((z0 >>> 16) - 1) >>> 31) << 8) | ((((z1 & 0xffff) - 1) >>> 31) << 16) | ((((z1 >>> 16) - 1) >>> 31) << 24);
  }
  const done = head + 4 * quads;
  maskLoop(src, s + done, 1, n - done, mask, o + done, nodata);
}
