/**
 * The Blosc LZ4 + byte shuffle encoder and the Zarr writer that uses it: chunks round-trip through
 * our decoder and numcodecs.js (c-blosc in WebAssembly), incompressible chunks stay within raw +
 * header, and Zarr arrays written here (v2 and v3, with edge chunks) decode in zarr-python
 * (check_blosc_zarr.py, run when /usr/bin/python3 is there).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";
import Blosc from "numcodecs/blosc";
import { allocate, type DTypeName, type TypedArray } from "../../src/core/dtype.js";
import { bloscBlockSize, bloscEncode, bloscEncodeInto } from "../../src/destinations/blosc-encode.js";
import { chunkIndices, chunkRegion, gridShape } from "../../src/destinations/grid.js";
import { ZarrWriter } from "../../src/destinations/zarr.js";
import { bloscDecode } from "../../workers/readers/blosc.js";
import { rng } from "../support/rng.js";

const PYTHON = "/usr/bin/python3";
const CHECKER = new URL("../fixtures/check_blosc_zarr.py", import.meta.url).pathname;

type Pattern = "random" | "constant" | "smooth";

function values(dtype: DTypeName, n: number, pattern: Pattern, seed: number): TypedArray {
  const a = allocate(dtype, n, false);
  const r = rng(seed);
  const int = dtype === "int16" || dtype === "uint8";
  const span = dtype === "int16" ? 65536 : 256;
  const lo = dtype === "int16" ? -32768 : 0;
  for (let i = 0; i < n; i++) {
    const v = pattern === "constant" ? 7.25
      : pattern === "smooth" ? 100 + i * 0.01 + 20 * Math.sin(i / 97)
      : int ? lo + Math.floor(r() * span) : (r() - 0.5) * 1e6;
    a[i] = (int ? (pattern === "random" ? v : Math.round(v) % span) : v) as never;
  }
  return a;
}

const bytesOf = (a: TypedArray): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const ITEM: Record<string, number> = { float32: 4, float64: 8, int16: 2, uint8: 1 };
const DTYPES_UNDER_TEST: DTypeName[] = ["float32", "float64", "int16", "uint8"];
const PATTERNS: Pattern[] = ["random", "constant", "smooth"];
const codec = new Blosc();

t.test("chunks round-trip through our decoder and numcodecs.js, within raw + header", async (t) => {
  // whole blocks, a leftover block, exactly one and two blocks (32768 items for 2-8 byte items,
  // 65536 bytes), one item past a block, 15/16 items around LZ4's length nibble and the SIMD
  // shuffle's 16 items, a chunk smaller than one item, and an empty one
  const lengths = [100_000, 65_537, 65_536, 32_769, 32_768, 8_191, 16, 15, 1, 0];
  for (const dtype of DTYPES_UNDER_TEST) {
    for (const pattern of PATTERNS) {
      for (const n of lengths) {
        const raw = bytesOf(values(dtype, n, pattern, n + 17));
        const enc = bloscEncode(raw, ITEM[dtype]!);
        const name = `${dtype} ${pattern} ${n}`;
        t.ok(enc.length <= raw.length + 16, `${name}: ${enc.length} bytes, at most raw + header`);
        const ours = new Uint8Array(raw.length);
        bloscDecode(enc, ours);
        t.ok(Buffer.from(ours).equals(Buffer.from(raw)), `${name}: our decoder`);
        const theirs = await codec.decode(enc);
        t.ok(Buffer.from(theirs).equals(Buffer.from(raw)), `${name}: numcodecs.js`);
      }
    }
  }
});

t.test("long literal runs and long matches (length bytes past 15 + 255) round-trip", async (t) => {
  const r = rng(9);
  for (const run of [14, 15, 270, 271, 1000, 5000]) {
    const raw = new Uint8Array(200_000);
    // random runs of `run` bytes between zero runs of the same length, and a random tail
    for (let i = 0; i < raw.length; i++) raw[i] = Math.floor(i / run) % 2 === 0 || i > raw.length - 300 ? Math.floor(r() * 256) : 0;
    const enc = bloscEncode(raw, 1);
    t.ok(enc.length < raw.length, `runs of ${run}: compressed (${enc.length} bytes)`);
    const theirs = await codec.decode(enc);
    t.ok(Buffer.from(theirs).equals(Buffer.from(raw)), `runs of ${run}: numcodecs.js decodes it`);
  }
});

t.test("compressible data shrinks; random bytes are stored whole", async (t) => {
  const smooth = bytesOf(values("float32", 1 << 18, "smooth", 1));
  t.ok(bloscEncode(smooth, 4).length < 0.6 * smooth.length, "a smooth float32 ramp shrinks by more than 40 %");
  const constant = bytesOf(values("float64", 1 << 16, "constant", 1));
  t.ok(bloscEncode(constant, 8).length < constant.length / 50, "a constant chunk shrinks to almost nothing");
  const random = bytesOf(values("uint8", 1 << 16, "random", 3));
  const enc = bloscEncode(random, 1);
  t.equal(enc.length, random.length + 16, "incompressible: raw + the 16-byte header");
  t.equal(enc[2]! & 0x2, 0x2, "with the memcpyed flag");
});

t.test("block sizes follow c-blosc's rules for clevel 5", async (t) => {
  t.equal(bloscBlockSize(1 << 22, 4), 1 << 17, "32 KiB times the item size when blocks split");
  t.equal(bloscBlockSize(1 << 22, 1), 1 << 16, "at least 64 KiB");
  t.equal(bloscBlockSize(1 << 22, 32), 32768, "no split past 16-byte items");
  t.equal(bloscBlockSize(1000, 8), 1000, "a small chunk is one block");
  t.equal(bloscBlockSize(100_001, 4) % 4, 0, "a multiple of the item size");
});

t.test("bad item sizes are refused with a clear error", async (t) => {
  t.throws(() => bloscEncode(new Uint8Array(8), 0), /item size 0 is not in 1\.\.255/);
  t.throws(() => bloscEncode(new Uint8Array(8), 256), /item size 256/);
});

/** Writes `data` (C order, `shape`) as a Zarr array chunked by `chunks`. */
async function writeZarr(path: string, version: 2 | 3, dtype: DTypeName, shape: number[], chunks: number[], data: TypedArray): Promise<void> {
  const w = await ZarrWriter.open(path, version, { shape, chunks, dtype, fillValue: 0 });
  for (const idx of chunkIndices(gridShape(shape, chunks))) {
    const r = chunkRegion(shape, chunks, idx);
    const part = allocate(dtype, r.shape.reduce((a, b) => a * b, 1), false);
    let k = 0;
    for (let y = r.start[0]!; y < r.start[0]! + r.shape[0]!; y++) {
      part.set(data.subarray(y * shape[1]! + r.start[1]!, y * shape[1]! + r.start[1]! + r.shape[1]!) as never, k);
      k += r.shape[1]!;
    }
    await w.writeChunk(idx, { shape: r.shape, data: part });
  }
  await w.commit();
}

t.test("Zarr v2 and v3 arrays written with Blosc decode in zarr-python", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tesserae-blosc-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const shape = [301, 517], chunks = [128, 256];
  const cases: { path: string; version: 2 | 3; expected: string; dtype: string; shape: number[] }[] = [];
  for (const version of [2, 3] as const) {
    for (const dtype of DTYPES_UNDER_TEST) {
      for (const pattern of PATTERNS) {
        const data = values(dtype, shape[0]! * shape[1]!, pattern, 5);
        const path = join(dir, `${dtype}-${pattern}-v${version}.zarr`);
        await writeZarr(path, version, dtype, shape, chunks, data);
        const meta = JSON.parse(readFileSync(join(path, version === 2 ? ".zarray" : "zarr.json"), "utf8")) as Record<string, unknown>;
        if (version === 2) t.same(meta["compressor"], { id: "blosc", cname: "lz4", clevel: 5, shuffle: 1, blocksize: 0 }, "v2 metadata names Blosc lz4");
        else t.same((meta["codecs"] as unknown[])[1], { name: "blosc", configuration: { cname: "lz4", clevel: 5, shuffle: "shuffle", typesize: ITEM[dtype], blocksize: 0 } }, "v3 metadata names Blosc lz4");
        const expected = join(dir, `${dtype}-${pattern}-v${version}.bin`);
        writeFileSync(expected, bytesOf(data));
        cases.push({ path, version, expected, dtype: dtype === "uint8" ? "u1" : dtype === "int16" ? "<i2" : dtype === "float32" ? "<f4" : "<f8", shape });
      }
    }
  }
  const skip = existsSync(PYTHON) ? false : `${PYTHON} (with zarr and numcodecs) is not installed`;
  await t.test("zarr-python reads them", { skip }, async (t) => {
    const list = join(dir, "cases.json");
    writeFileSync(list, JSON.stringify(cases));
    const run = spawnSync(PYTHON, [CHECKER, list], { encoding: "utf8" });
    t.equal(run.status, 0, `check_blosc_zarr.py exited 0 (${run.stderr.slice(-500)})`);
    const results = run.stdout.trim().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as { path: string; ok: boolean; detail: string });
    t.equal(results.length, cases.length, "every array was checked");
    for (const r of results) t.ok(r.ok, `zarr-python reads ${r.path} ${r.detail}`);
  });
});

t.test("chunks written concurrently each get their own bytes (more writes than encode buffers)", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tesserae-blosc-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "concurrent.zarr");
  const shape = [8, 4096], chunks = [1, 4096];
  const w = await ZarrWriter.open(path, 2, { shape, chunks, dtype: "float32", fillValue: 0 });
  // alternating compressible and incompressible chunks, so encoded sizes differ
  const parts = Array.from({ length: 8 }, (_, i) => values("float32", 4096, i % 2 === 0 ? "smooth" : "random", i + 1));
  await Promise.all(parts.map((data, i) => w.writeChunk([i, 0], { shape: chunks, data })));
  await w.commit();
  for (const [i, data] of parts.entries()) {
    const out = new Uint8Array(4 * 4096);
    bloscDecode(new Uint8Array(readFileSync(join(path, `${i}.0`))), out);
    t.ok(Buffer.from(out).equals(Buffer.from(bytesOf(data))), `chunk ${i} holds its own values`);
  }
});

t.test("encoding into a buffer shorter than raw + header is refused", async (t) => {
  t.throws(() => bloscEncodeInto(new Uint8Array(100), 4, new Uint8Array(115)), /output of 115 bytes is shorter than the 116/);
  const raw = bytesOf(values("float32", 1000, "smooth", 2));
  const out = new Uint8Array(raw.length + 16 + 7).fill(0xee);
  const n = bloscEncodeInto(raw, 4, out);
  t.ok(Buffer.from(out.subarray(0, n)).equals(Buffer.from(bloscEncode(raw, 4))), "the same chunk as bloscEncode");
  t.ok(out.subarray(n).every((b) => b === 0xee), "nothing written past the chunk");
});
