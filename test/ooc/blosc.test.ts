/**
 * The Blosc decoder (LZ4 and unshuffle in WebAssembly) against chunks compressed by numcodecs:
 * committed fixtures from Python's numcodecs (gen_blosc_fixtures.py: item sizes 1-16, split and
 * unsplit blocks, lz4/lz4hc/zlib, incompressible to all-zero data), a property test over random
 * data compressed by numcodecs.js (c-blosc in WebAssembly), and malformed chunks.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import t from "tap";
import Blosc from "numcodecs/blosc";
import { BloscError, BloscUnsupported, bloscDecode, bloscInput } from "../../workers/readers/blosc.js";

const FIX = new URL("../fixtures/blosc/", import.meta.url).pathname;

interface Case {
  name: string;
  typesize: number;
  cname: string;
  shuffle: number;
  nbytes: number;
  sha256: string;
  supported: boolean;
}
const manifest = JSON.parse(readFileSync(join(FIX, "manifest.json"), "utf8")) as Case[];
const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

/** The chunk at a byte offset of 1 in a larger buffer, so that it is neither aligned nor at 0. */
function unaligned(chunk: Uint8Array): Uint8Array {
  const b = new Uint8Array(chunk.length + 1);
  b.set(chunk, 1);
  return b.subarray(1);
}

t.test("numcodecs fixtures decode byte-identical, wherever the chunk and the output lie", async (t) => {
  t.ok(manifest.filter((c) => c.supported).length >= 40, "the fixture set is there");
  for (const c of manifest) {
    const chunk = new Uint8Array(readFileSync(join(FIX, `${c.name}.blosc`)));
    if (!c.supported) {
      t.throws(() => bloscDecode(chunk, new Uint8Array(c.nbytes)), { name: "BloscUnsupported", message: /blosc: (codec \w+|bit shuffle)/ }, `${c.name}: left to zarrita`);
      continue;
    }
    const out = new Uint8Array(c.nbytes);
    bloscDecode(chunk, out);
    t.equal(sha(out), c.sha256, `${c.name}: from a JS buffer`);
    // read in place in the decoder's memory, as the zarr reader does
    const input = bloscInput(chunk.length);
    input.set(chunk);
    out.fill(0);
    bloscDecode(input, out);
    t.equal(sha(out), c.sha256, `${c.name}: from the decoder's input buffer`);
    // an output at an odd address takes the byte-wise unshuffle
    const odd = new Uint8Array(c.nbytes + 1).subarray(1);
    bloscDecode(unaligned(chunk), odd);
    t.equal(sha(odd), c.sha256, `${c.name}: unaligned chunk and output`);
  }
});

/** Random bytes in pieces that exercise LZ4's paths: noise, runs of one byte, short periods, long repeats. */
const dataArb: fc.Arbitrary<Uint8Array> = fc
  .array(
    fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 300 }),
      fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 5000 })).map(([v, n]) => new Uint8Array(n).fill(v)),
      fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 9 }), fc.integer({ min: 1, max: 400 })).map(([p, k]) => {
        const b = new Uint8Array(p.length * k);
        for (let i = 0; i < k; i++) b.set(p, i * p.length);
        return b;
      }),
      // uniform float32 in [0, 1), B5's data
      fc.integer({ min: 1, max: 3000 }).map((n) => new Uint8Array(Float32Array.from({ length: n }, (_, i) => ((i * 2654435761) % 1000003) / 1000003).buffer)),
    ),
    { minLength: 1, maxLength: 30 },
  )
  .map((pieces) => {
    const n = pieces.reduce((s, p) => s + p.length, 0);
    const b = new Uint8Array(n);
    pieces.reduce((at, p) => (b.set(p, at), at + p.length), 0);
    return b;
  });

t.test("property: random data compressed by numcodecs.js decodes byte-identical", async (t) => {
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(
      dataArb,
      fc.constantFrom("lz4", "lz4hc", "zlib"),
      fc.integer({ min: 1, max: 9 }),
      fc.constantFrom(0, 1),
      fc.constantFrom(0, 256, 4096, 65536),
      async (data, cname, clevel, shuffle, blocksize) => {
        const chunk = await Blosc.fromConfig({ cname, clevel, shuffle, blocksize }).encode(data);
        const out = new Uint8Array(data.length);
        bloscDecode(chunk, out);
        runs++;
        return Buffer.compare(out, data) === 0;
      },
    ),
    { numRuns: 150 },
  );
  t.equal(runs, 150, "every case decoded");
});

/** A one-block, one-split Blosc chunk of item size 1 around `stream` (LZ4, not shuffled). */
function lz4Chunk(stream: number[], nbytes: number): Uint8Array {
  const b = new Uint8Array(16 + 4 + 4 + stream.length);
  const v = new DataView(b.buffer);
  b.set([2, 1, 0x20 | 0x10, 1]);
  v.setUint32(4, nbytes, true);
  v.setUint32(8, nbytes, true);
  v.setUint32(12, b.length, true);
  v.setUint32(16, 20, true);
  v.setUint32(20, stream.length, true);
  b.set(stream, 24);
  return b;
}

t.test("malformed chunks are clear errors", async (t) => {
  const ok = lz4Chunk([0x48, 1, 2, 3, 4, 4, 0, 0x10, 9], 17); // 4 literals, a 12-byte match of period 4, 1 literal
  const out = new Uint8Array(17);
  bloscDecode(ok, out);
  t.same([...out], [1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 9], "a hand-made stream decodes (overlapping match)");
  const cases: [string, Uint8Array, number, RegExp][] = [
    ["short header", ok.subarray(0, 10), 17, /shorter than the 16-byte header/],
    ["truncated chunk", ok.subarray(0, 22), 17, /chunk of 22 bytes says it has \d+/],
    ["wrong size", ok, 16, /chunk holds 17 bytes, expected 16/],
    ["offset before the start", lz4Chunk([0x1f, 7, 5, 0, 0], 24), 24, /match offset before the block's start/],
    ["offset zero", lz4Chunk([0x10, 7, 0, 0, 0x10, 1], 9), 9, /match offset before the block's start/],
    ["literals past the stream", lz4Chunk([0x50, 1, 2], 5), 5, /literal run overflows the block/],
    ["literals past the block", lz4Chunk([0x50, 1, 2, 3, 4, 5], 4), 4, /literal run overflows the block/],
    ["match past the block", lz4Chunk([0x1f, 7, 1, 0, 0], 10), 10, /match overflows the block/],
    ["truncated length", lz4Chunk([0xf0, 255, 255], 600), 600, /truncated length/],
    ["truncated offset", lz4Chunk([0x10, 7, 1], 8), 8, /truncated match offset/],
    ["too short", lz4Chunk([0x40, 1, 2, 3, 4], 8), 8, /decoded to 4 bytes, expected 8/],
  ];
  for (const [what, chunk, n, message] of cases) t.throws(() => bloscDecode(chunk, new Uint8Array(n)), { name: "BloscError", message }, what);
  // split blocks must hold whole items: item size 4, block size 1026
  const odd = lz4Chunk([0x40, 1, 2, 3, 4], 1026);
  odd[2] = 0x20;
  odd[3] = 4;
  t.throws(() => bloscDecode(odd, new Uint8Array(1026)), { name: "BloscError", message: /block size 1026 is not a multiple of the item size 4/ }, "split block of partial items");
  const v2 = ok.slice();
  v2[0] = 3;
  t.throws(() => bloscDecode(v2, out), BloscUnsupported, "Blosc 2 frames are left to zarrita");
  t.ok(new BloscError("x") instanceof RangeError, "BloscError is a RangeError");
});
