/**
 * Undo Blosc's byte shuffle of one block: the shuffled block holds byte 0 of every element, then
 * byte 1 of every element, ... (`typesize` streams of `n` bytes), then the `bsize % typesize`
 * trailing bytes unshuffled.
 *
 * Item sizes 2, 4, 8, ... are done a 32-bit word at a time: four words, one from each of four
 * streams, hold four bytes of four elements; a 4×4 byte transpose in registers turns them into the
 * four elements' words, so each byte costs a quarter of a load and a store.
 */

/** `src` (shuffled, `bsize` bytes from 0) into `out` from `at`. */
export function unshuffle(src: Uint8Array, bsize: number, typesize: number, out: Uint8Array, at: number): void {
  const n = Math.floor(bsize / typesize);
  // the word path needs every stream and the output 4-byte aligned, and whole groups of 4 elements
  const words = n - (n & 3);
  const aligned = (src.byteOffset & 3) === 0 && ((out.byteOffset + at) & 3) === 0 && (n & 3) === 0;
  let done = 0;
  if (aligned && words > 0 && typesize % 4 === 0) {
    unshuffleWords(src, n, typesize >> 2, out, at);
    done = n;
  } else if (aligned && words > 0 && typesize === 2) {
    unshuffleHalves(src, n, out, at);
    done = n;
  }
  if (done < n) unshuffleBytes(src, n, typesize, done, out, at);
  const body = n * typesize;
  for (let k = body; k < bsize; k++) out[at + k] = src[k]!;
}

/** Elements `from` to `n` byte by byte. */
function unshuffleBytes(src: Uint8Array, n: number, typesize: number, from: number, out: Uint8Array, at: number): void {
  for (let j = 0; j < typesize; j++) {
    let o = at + from * typesize + j;
    for (let i = j * n + from, stop = j * n + n; i < stop; i++) {
      out[o] = src[i]!;
      o += typesize;
    }
  }
}

/** Item size 4·per: stream group h (streams 4h..4h+3) gives word h of each element. */
function unshuffleWords(src: Uint8Array, n: number, per: number, out: Uint8Array, at: number): void {
  const s = new Int32Array(src.buffer, src.byteOffset, (n * per * 4) >> 2);
  const o = new Int32Array(out.buffer, out.byteOffset + at, n * per);
  const q = n >> 2; // words per stream
  const step = 4 * per;
  for (let h = 0; h < per; h++) {
    const s0 = 4 * h * q, s1 = s0 + q, s2 = s1 + q, s3 = s2 + q;
    for (let i = 0, w = h; i < q; i++, w += step) {
      const a = s[s0 + i]!, b = s[s1 + i]!, c = s[s2 + i]!, d = s[s3 + i]!;
      // pair bytes: ab holds a0 b0 a2 b2 and a1 b1 a3 b3; cd likewise
      const ab02 = (a & 0x00ff00ff) | ((b & 0x00ff00ff) << 8);
      const ab13 = ((a >>> 8) & 0x00ff00ff) | (b & 0xff00ff00);
      const cd02 = (c & 0x00ff00ff) | ((d & 0x00ff00ff) << 8);
      const cd13 = ((c >>> 8) & 0x00ff00ff) | (d & 0xff00ff00);
      o[w] = (ab02 & 0xffff) | (cd02 << 16);
      o[w + per] = (ab13 & 0xffff) | (cd13 << 16);
      o[w + 2 * per] = (ab02 >>> 16) | (cd02 & 0xffff0000);
      o[w + 3 * per] = (ab13 >>> 16) | (cd13 & 0xffff0000);
    }
  }
}

/** Item size 2: a word of low bytes and a word of high bytes make two words of elements. */
function unshuffleHalves(src: Uint8Array, n: number, out: Uint8Array, at: number): void {
  const s = new Int32Array(src.buffer, src.byteOffset, n >> 1);
  const o = new Int32Array(out.buffer, out.byteOffset + at, n >> 1);
  const q = n >> 2;
  for (let i = 0; i < q; i++) {
    const a = s[i]!, b = s[q + i]!;
    o[2 * i] = (a & 0xff) | ((b & 0xff) << 8) | ((a & 0xff00) << 8) | ((b & 0xff00) << 16);
    o[2 * i + 1] = ((a >>> 16) & 0xff) | ((b >>> 8) & 0xff00) | ((a >>> 8) & 0xff0000) | (b & 0xff000000);
  }
}
