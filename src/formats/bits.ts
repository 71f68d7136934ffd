/** LSB-first bit packing, as Arrow lays out booleans and validity bitmaps. */

/** Pack one byte per element (nonzero = set) into bits; `invert` sets the bit for zero bytes. */
export function packBits(src: Uint8Array, invert = false): Uint8Array {
  const out = new Uint8Array(Math.ceil(src.length / 8));
  const on = invert ? 0 : 1;
  for (let i = 0; i < src.length; i++) {
    if ((src[i] ? 1 : 0) === on) out[i >> 3]! |= 1 << (i & 7);
  }
  return out;
}

/** Unpack `n` bits starting at bit `bitOffset` into `dst` (from index 0) as 0/1 bytes. */
export function unpackBits(bits: Uint8Array, bitOffset: number, n: number, dst: Uint8Array, invert = false): void {
  const flip = invert ? 1 : 0;
  for (let i = 0; i < n; i++) {
    const b = bitOffset + i;
    dst[i] = ((bits[b >> 3]! >> (b & 7)) & 1) ^ flip;
  }
}
