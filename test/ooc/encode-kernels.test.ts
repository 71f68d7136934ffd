/**
 * The WebAssembly encode kernels on their own: every LZ4 block the compressor writes decodes
 * bit-exactly with liblz4 (numcodecs.js) and with our decoder kernel, for incompressible and
 * compressible inputs at edge sizes (0, 1, the 12/13-byte minimum for a match, 15/16 around a
 * length nibble, block sizes and offsets past 64 KiB), within its output limit and slack; the
 * SIMD shuffles of 2-, 4- and 8-byte items equal the byte-by-byte definition, tail included.
 */
import t from "tap";
import LZ4 from "numcodecs/lz4";
import { HASH_TABLE_BYTES, SLACK, encodeKernels } from "../../src/destinations/encode-kernels.js";
import { bloscKernels } from "../../workers/readers/wasm/kernels.js";
import { rng } from "../support/rng.js";

type Pattern = "random" | "zeros" | "two-values" | "period-7" | "ramp-bytes" | "period-70000";
const PATTERNS: Pattern[] = ["random", "zeros", "two-values", "period-7", "ramp-bytes", "period-70000"];

function input(pattern: Pattern, n: number, seed: number): Uint8Array {
  const r = rng(seed);
  const b = new Uint8Array(n);
  // one random period for the periodic patterns
  const period = new Uint8Array(70000).map(() => Math.floor(r() * 256));
  for (let i = 0; i < n; i++) {
    b[i] = pattern === "random" ? Math.floor(r() * 256)
      : pattern === "zeros" ? 0
      // the high byte of float32 values around 0.5 after a shuffle: two values, one random bit each
      : pattern === "two-values" ? (r() < 0.5 ? 0x3e : 0x3f)
      : pattern === "period-7" ? period[i % 7]!
      : pattern === "ramp-bytes" ? (i >> 6) & 0xff
      // repeats only 70,000 bytes back: past LZ4's 65,535-byte reach, so nothing may match it
      : period[i % 70000]!;
  }
  return b;
}

const SIZES = [0, 1, 2, 4, 11, 12, 13, 14, 15, 16, 17, 31, 32, 33, 255, 256, 270, 271, 4096, 32767, 32768, 65536, 65537, 150_000];
const lz4 = new LZ4();

/** liblz4's decode of a bare block: numcodecs' LZ4 format is the size as int32 LE, then the block. */
async function liblz4Decode(block: Uint8Array, n: number): Promise<Uint8Array> {
  const framed = new Uint8Array(4 + block.length);
  new DataView(framed.buffer).setUint32(0, n, true);
  framed.set(block, 4);
  return lz4.decode(framed);
}

/** Our decoder kernel, in its own module's memory. */
function ourDecode(block: Uint8Array, n: number): Uint8Array {
  const k = bloscKernels();
  const need = block.length + 16 + n + 64;
  if (k.memory.buffer.byteLength < need) k.memory.grow(Math.ceil((need - k.memory.buffer.byteLength) / 65536));
  const mem = new Uint8Array(k.memory.buffer);
  mem.set(block, 0);
  mem.fill(0, block.length, block.length + 16);
  const at = block.length + 16;
  const end = k.lz4(0, block.length, at, at + n, at);
  if (end !== at + n) throw new Error(`our decoder: ${end < 0 ? `error ${end}` : `${end - at} bytes, expected ${n}`}`);
  return mem.slice(at, at + n);
}

/** Compresses `src` with the kernel at input offset `shift` (to test unaligned starts); null when over `limit`. */
function compress(src: Uint8Array, limit: number, shift: number): { block: Uint8Array | null; overrun: boolean } {
  const k = encodeKernels();
  const inAt = HASH_TABLE_BYTES + shift;
  const outAt = HASH_TABLE_BYTES + ((src.length + SLACK + 64 + 63) & ~63);
  const canary = outAt + limit + SLACK;
  const need = canary + 64;
  if (k.memory.buffer.byteLength < need) k.memory.grow(Math.ceil((need - k.memory.buffer.byteLength) / 65536));
  const mem = new Uint8Array(k.memory.buffer);
  mem.set(src, inAt);
  mem.fill(0xa5, canary, canary + 64);
  const size = k.lz4(inAt, inAt + src.length, outAt, limit);
  const overrun = mem.subarray(canary, canary + 64).some((b) => b !== 0xa5);
  if (size >= 0 && size > limit) throw new Error(`lz4 returned ${size} bytes, over its limit ${limit}`);
  return { block: size < 0 ? null : mem.slice(outAt, outAt + size), overrun };
}

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

t.test("lz4 blocks decode bit-exactly with liblz4 and our decoder, at every edge size", async (t) => {
  for (const pattern of PATTERNS) {
    for (const n of SIZES) {
      const src = input(pattern, n, n + 3);
      // room for any block: n + n/255 + 16 is LZ4's worst-case bound
      const { block, overrun } = compress(src, n + Math.ceil(n / 128) + 16, n % 3);
      const name = `${pattern} ${n}`;
      t.notOk(overrun, `${name}: nothing written past the limit's slack`);
      if (block === null) {
        t.fail(`${name}: refused with room for the worst case`);
        continue;
      }
      t.ok(same(await liblz4Decode(block, n), src), `${name}: liblz4 decodes it (${block.length} bytes)`);
      t.ok(same(ourDecode(block, n), src), `${name}: our decoder decodes it`);
    }
  }
});

t.test("compressible input shrinks and incompressible input is refused under a tight limit", async (t) => {
  // at most this fraction of the input: runs of 64 cost a literal and a match each, two values ~1 bit a byte
  const bound: [Pattern, number][] = [["zeros", 0.01], ["period-7", 0.01], ["ramp-bytes", 0.1], ["two-values", 0.7]];
  for (const [pattern, fraction] of bound) {
    const src = input(pattern, 32768, 1);
    const { block } = compress(src, src.length - 1, 0);
    t.ok(block !== null && block.length < fraction * src.length, `${pattern}: ${block?.length} bytes of 32768`);
  }
  for (const n of [1, 15, 16, 32768, 65537]) {
    const { block, overrun } = compress(input("random", n, 2), n - 1, 1);
    t.equal(block, null, `random ${n}: refused under a limit of n - 1`);
    t.notOk(overrun, `random ${n}: nothing written past the limit's slack`);
  }
  // nothing repeats within 64 KiB: a match this far back would be an offset LZ4 cannot encode
  const far = input("period-70000", 140_000, 4);
  const { block } = compress(far, far.length + 2000, 0);
  t.ok(block !== null && block.length > far.length, "a repeat 70,000 bytes back is not matched");
});

t.test("stale hash entries from earlier inputs never produce a wrong block", async (t) => {
  // the table is never cleared: compress different data at the same place many times
  for (let round = 0; round < 20; round++) {
    const pattern = PATTERNS[round % PATTERNS.length]!;
    const src = input(pattern, 5000 + round * 977, round);
    const { block } = compress(src, src.length * 2, 0);
    t.ok(block !== null && same(await liblz4Decode(block, src.length), src), `round ${round} (${pattern}): decodes`);
  }
});

t.test("shuffle2/4/8 put byte k of every item in stream k, tail items included", async (t) => {
  const k = encodeKernels();
  const kernels = { 2: k.shuffle2, 4: k.shuffle4, 8: k.shuffle8 } as const;
  for (const size of [2, 4, 8] as const) {
    for (const items of [0, 1, 15, 16, 17, 33, 1000, 32768]) {
      const src = input("random", size * items, items + size);
      const n = size * items;
      const inAt = HASH_TABLE_BYTES + 4, outAt = inAt + n + 64;
      const need = outAt + n + 64;
      if (k.memory.buffer.byteLength < need) k.memory.grow(Math.ceil((need - k.memory.buffer.byteLength) / 65536));
      const mem = new Uint8Array(k.memory.buffer);
      mem.set(src, inAt);
      mem.fill(0xa5, outAt + n, outAt + n + 64);
      kernels[size].call(k, inAt, items, outAt);
      const expected = new Uint8Array(n);
      for (let i = 0; i < items; i++) for (let b = 0; b < size; b++) expected[b * items + i] = src[size * i + b]!;
      t.ok(same(mem.subarray(outAt, outAt + n), expected), `${size}-byte items, ${items} of them`);
      t.ok(mem.subarray(outAt + n, outAt + n + 64).every((b) => b === 0xa5), `${size}-byte items, ${items}: nothing written past the streams`);
    }
  }
});
