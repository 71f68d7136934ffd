/**
 * Greedy LZ4 block compressor (the LZ4 block format: token, literals, 16-bit offset, match
 * length): a hash table of 4-byte sequences finds one candidate per position, taken when it
 * matches. The table is reused across calls; positions are stored offset by a running base so
 * that a new call never has to clear it.
 */
const HASH_LOG = 14;
const MIN_MATCH = 4;
// the format's end rules: the last 5 bytes are literals, the last match starts 12 bytes before the end
const LAST_LITERALS = 5;
const MF_LIMIT = 12;
const MAX_OFFSET = 65535;
// after this many misses in a row the search step grows (skips incompressible data fast)
const SKIP_TRIGGER = 6;

const table = new Uint32Array(1 << HASH_LOG);
let base = 1;

const read32 = (b: Uint8Array, i: number): number => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
const hash = (seq: number): number => Math.imul(seq, 2654435761) >>> (32 - HASH_LOG);

/** Writes a length's continuation bytes (255 each, then the rest); returns the new output position. */
function writeLength(out: Uint8Array, op: number, n: number): number {
  while (n >= 255) {
    out[op++] = 255;
    n -= 255;
  }
  out[op++] = n;
  return op;
}

/**
 * Compresses `src[from, to)` into `out` from `at`, using at most `limit` bytes of output.
 * Returns the compressed size, or -1 when it would not fit in `limit` (store the input raw then).
 */
export function lz4Compress(src: Uint8Array, from: number, to: number, out: Uint8Array, at: number, limit: number): number {
  const n = to - from;
  if (base + n + 1 >= 0xffffffff - MAX_OFFSET) {
    table.fill(0);
    base = 1;
  }
  // table entries from earlier calls are below `base`: never a candidate
  const b0 = base - from;
  base += n + 1;
  const end = at + limit;
  let op = at;
  let anchor = from;
  const matchLimit = to - LAST_LITERALS;
  const mfLimit = to - MF_LIMIT;
  let ip = from;
  if (n >= MF_LIMIT + 1) {
    let misses = 0;
    const oldest = b0 + from;
    let seq = read32(src, ip);
    while (ip < mfLimit) {
      const h = hash(seq);
      const stored = table[h]!;
      table[h] = ip + b0;
      const ref = stored - b0;
      if (stored < oldest || ip - ref > MAX_OFFSET || read32(src, ref) !== seq) {
        const step = 1 + (misses++ >> SKIP_TRIGGER);
        ip += step;
        // a step of 1 shifts one new byte in (ip + 3 < to while ip < mfLimit + step)
        seq = step === 1 ? (seq >>> 8) | (src[ip + 3]! << 24) : read32(src, ip);
        continue;
      }
      misses = 0;
      // extend backwards over literals, then forwards
      let start = ip, m = ref;
      while (start > anchor && m > from && src[start - 1] === src[m - 1]) {
        start--;
        m--;
      }
      let e = ip + MIN_MATCH, r = ref + MIN_MATCH;
      while (e < matchLimit && src[e] === src[r]) {
        e++;
        r++;
      }
      const lit = start - anchor;
      const mlen = e - start - MIN_MATCH;
      // worst case for this sequence: token, literal length bytes, literals, offset, match length bytes
      if (op + 1 + lit + Math.ceil(lit / 255) + 2 + Math.ceil(mlen / 255) + 1 > end) return -1;
      const token = op++;
      out[token] = ((lit >= 15 ? 15 : lit) << 4) | (mlen >= 15 ? 15 : mlen);
      if (lit >= 15) op = writeLength(out, op, lit - 15);
      out.set(src.subarray(anchor, start), op);
      op += lit;
      const offset = start - m;
      out[op++] = offset & 0xff;
      out[op++] = offset >> 8;
      if (mlen >= 15) op = writeLength(out, op, mlen - 15);
      ip = e;
      anchor = e;
      // the position two before the match's end goes in the table too (helps runs)
      if (e - 2 < mfLimit) table[hash(read32(src, e - 2))] = e - 2 + b0;
      seq = read32(src, ip);
    }
  }
  const lit = to - anchor;
  if (op + 1 + Math.ceil(lit / 255) + lit > end) return -1;
  out[op++] = (lit >= 15 ? 15 : lit) << 4;
  if (lit >= 15) op = writeLength(out, op, lit - 15);
  out.set(src.subarray(anchor, to), op);
  return op + lit - at;
}
