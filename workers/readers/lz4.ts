/** LZ4 block format decoder (what Blosc's lz4 codec stores): literals, then back-references. */

/** Decode `src[from, to)` into `dst` starting at `at`; returns the number of bytes written. */
export function lz4DecodeBlock(src: Uint8Array, from: number, to: number, dst: Uint8Array, at: number, max: number): number {
  let ip = from;
  let op = at;
  const end = at + max;
  while (ip < to) {
    const token = src[ip++]!;
    let lit = token >>> 4;
    if (lit === 15) {
      let b: number;
      do {
        b = src[ip++]!;
        lit += b;
      } while (b === 255);
    }
    if (op + lit > end || ip + lit > to) throw new RangeError("lz4: literal run overflows the block");
    if (lit > 32) {
      dst.set(src.subarray(ip, ip + lit), op);
      op += lit;
      ip += lit;
    } else {
      for (let k = 0; k < lit; k++) dst[op++] = src[ip++]!;
    }
    if (ip >= to) break; // the last sequence has literals only
    const offset = src[ip]! | (src[ip + 1]! << 8);
    ip += 2;
    if (offset === 0 || offset > op - at) throw new RangeError("lz4: bad match offset");
    let len = (token & 15) + 4;
    if ((token & 15) === 15) {
      let b: number;
      do {
        b = src[ip++]!;
        len += b;
      } while (b === 255);
    }
    if (op + len > end) throw new RangeError("lz4: match overflows the block");
    let m = op - offset;
    if (offset >= len) {
      dst.copyWithin(op, m, m + len);
      op += len;
    } else {
      // overlapping copy repeats the last `offset` bytes
      for (let k = 0; k < len; k++) dst[op++] = dst[m++]!;
    }
  }
  return op - at;
}
