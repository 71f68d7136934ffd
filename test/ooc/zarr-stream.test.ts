/** The zarr destination streams: boxes of the result go to Zarr chunks as tasks finish, never a whole result. */
import t from "tap";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import FileSystemStore from "@zarrita/storage/fs";
import * as zarr from "zarrita";
import * as wf from "../../src/index.js";
import { writeRampStack } from "../support/raw-zarr.js";
import { lower } from "../../scheduler/lower.js";
import { streamLayout } from "../../scheduler/stream.js";
import { evaluate, evaluateStreamed } from "../../src/compute/evaluate.js";
import { InlineExecutor } from "../../scheduler/executors/inline.js";
import { sizeOf } from "../../src/core/shape.js";
import { ZarrWriter } from "../../src/destinations/zarr.js";
import { ZarrBlockSink } from "../../src/destinations/zarr-sink.js";
import type { ResultBlock } from "../../scheduler/execute.js";

const run = promisify(execFile);
t.teardown(() => wf.shutdown());
const dir = mkdtempSync(join(tmpdir(), "tesserae-zstream-"));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const ramp = (n: number): Float64Array => Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 100);

async function readBack(path: string): Promise<{ shape: number[]; chunks: number[]; values: number[] }> {
  const arr = await zarr.open.v2(new FileSystemStore(path), { kind: "array" });
  const got = (await zarr.get(arr)) as { data: ArrayLike<number> };
  return { shape: arr.shape, chunks: arr.chunks, values: Array.from(got.data) };
}

t.test("streamLayout: every writer of the result gets a box; the boxes tile the result", async (t) => {
  const x = wf.Array.from(ramp(10 * 7), [10, 7], { chunks: [4, 3] });
  const map = lower(x.mul(2).add(1).node, { maxTaskBytes: 1 });
  const m = streamLayout(map);
  t.ok(m.ok);
  if (!m.ok) return;
  const writers = map.tasks.filter((k) => k.spec.kernel === "map");
  t.equal(m.boxes.size, writers.length, "one box per map task");
  const seen = new Uint8Array(70);
  for (const b of m.boxes.values()) {
    for (let i = 0; i < b.shape[0]!; i++) for (let j = 0; j < b.shape[1]!; j++) seen[(b.start[0]! + i) * 7 + b.start[1]! + j]!++;
  }
  t.ok(seen.every((v) => v === 1), "each element in exactly one box");

  const red = streamLayout(lower(x.sum(0).node, { maxTaskBytes: 1 }));
  t.ok(red.ok, "a reduction's final writers stream too");
  if (red.ok) t.equal([...red.boxes.values()].reduce((s, b) => s + sizeOf(b.shape), 0), 7);

  const reshaped = streamLayout(lower(x.mul(2).reshape([70]).node));
  t.same(reshaped, { ok: false, reason: "the result is a reshaped view of another buffer" });
  t.match(streamLayout(lower(x.node)), { ok: false, reason: /literal/ });
});

t.test("a box sink fills chunks from boxes that don't line up with them", async (t) => {
  const shape = [9, 11];
  const path = join(dir, "sink.zarr");
  const w = await ZarrWriter.open(path, 2, { shape, chunks: [4, 5], dtype: "float64", fillValue: 0 });
  const sink = new ZarrBlockSink(w, shape, [4, 5], "float64", false);
  // boxes of 3 × 6 (edges smaller), in reverse order
  const boxes: ResultBlock[] = [];
  for (let r = 0; r < 9; r += 3) {
    for (let c = 0; c < 11; c += 6) {
      const bs = [Math.min(3, 9 - r), Math.min(6, 11 - c)];
      const data = new Float64Array(sizeOf(bs));
      for (let i = 0; i < bs[0]!; i++) for (let j = 0; j < bs[1]!; j++) data[i * bs[1]! + j] = (r + i) * 11 + c + j;
      boxes.push({ start: [r, c], shape: bs, data });
    }
  }
  for (const b of boxes.reverse()) await sink.write(b);
  t.equal(sink.pendingChunks, 0);
  sink.checkComplete();
  await w.commit();
  const back = await readBack(path);
  t.same(back.values, Array.from({ length: 99 }, (_, i) => i));

  const w2 = await ZarrWriter.open(join(dir, "incomplete.zarr"), 2, { shape, chunks: [4, 5], dtype: "float64", fillValue: 0 });
  const s2 = new ZarrBlockSink(w2, shape, [4, 5], "float64", false);
  await s2.write(boxes[0]!);
  t.throws(() => s2.checkComplete(), /never received all their elements/);
  await w2.abort();
});

t.test("evaluateStreamed writes what evaluate returns, without allocating the result", async (t) => {
  const x = wf.Array.from(ramp(12 * 10 * 6), [12, 10, 6], { chunks: [5, 4, 6] });
  const cases: [string, wf.Array | wf.MaskedArray][] = [
    ["fused map", x.mul(3).sub(x.div(7))],
    ["reduce axis 0", x.mul(2).mean(0) as wf.Array],
    ["masked", wf.numpy.ma.masked_greater(x, 50) as wf.MaskedArray],
  ];
  for (const [name, e] of cases) {
    const want = (await evaluate(e.node, { executor: new InlineExecutor() })).value;
    const blocks: ResultBlock[] = [];
    const r = await evaluateStreamed(e.node, { executor: new InlineExecutor(), plan: { minTaskBytes: 1, maxTaskBytes: 2048 } }, async () => ({ write: async (b) => void blocks.push({ ...b, data: b.data.slice(), ...(b.mask ? { mask: b.mask.slice() } : {}) }) }));
    t.ok(r.streamed, `${name}: streamed`);
    t.equal(r.stats.peakBytes, 0, `${name}: no whole result buffer was allocated`);
    t.ok(blocks.length > 1, `${name}: ${blocks.length} boxes`);
    const got = new Float64Array(want.data.length);
    const gotMask = new Uint8Array(want.data.length);
    const st = want.shape.map((_, a) => want.shape.slice(a + 1).reduce((p, s) => p * s, 1));
    for (const b of blocks) {
      const bst = b.shape.map((_, a) => b.shape.slice(a + 1).reduce((p, s) => p * s, 1));
      for (let k = 0; k < b.data.length; k++) {
        let at = 0;
        for (let a = 0; a < b.shape.length; a++) at += (b.start[a]! + Math.floor(k / bst[a]!) % b.shape[a]!) * st[a]!;
        got[at] = Number(b.data[k]);
        if (b.mask !== undefined) gotMask[at] = b.mask[k]!;
      }
    }
    const wantMask = "mask" in want ? (want as wf.MaskedNDArray).mask : new Uint8Array(want.data.length);
    let bad = -1;
    for (let i = 0; i < got.length && bad < 0; i++) {
      if (gotMask[i] !== wantMask[i] || (!wantMask[i] && got[i] !== Number(want.data[i]))) bad = i;
    }
    t.equal(bad, -1, `${name}: every element and mask bit as evaluate gives them`);
  }
});

t.test("compute to a zarr destination: streamed or whole, the same array on disk", async (t) => {
  const x = wf.Array.from(ramp(30 * 17), [30, 17], { chunks: [7, 17] });
  const e = x.mul(2).add(1);
  const want = Array.from(((await e.compute()) as wf.NDArray).data as Float64Array);
  for (const chunks of [undefined, [7, 17], [4, 5], [30, 17]]) {
    const path = join(dir, `streamed-${chunks?.join("x") ?? "default"}.zarr`);
    await e.compute({ destination: chunks === undefined ? { type: "zarr", path } : { type: "zarr", path, chunks } });
    const back = await readBack(path);
    t.same(back.shape, [30, 17]);
    if (chunks !== undefined) t.same(back.chunks, chunks);
    t.same(back.values, want, `chunks ${JSON.stringify(chunks)}: values`);
  }
  // a reshaped result can't be streamed box by box: it is written whole, with the same contents
  const path = join(dir, "reshaped.zarr");
  await e.reshape([17, 30]).compute({ destination: { type: "zarr", path } });
  t.same((await readBack(path)).values, want);
  await t.rejects(e.compute({ destination: { type: "zarr", path: join(dir, "bad.zarr"), chunks: [4] } }), /"chunks" \[4\] must give one size per axis of a 2-d result/);
  t.notOk(existsSync(join(dir, "bad.zarr")), "nothing left behind");
  t.same(readdirSync(dir).filter((n) => n.includes("partial")), [], "no partial directories left");
});

t.test("a larger-than-limit result streams to Zarr in bounded memory", async (t) => {
  const src = join(dir, "big.zarr");
  const n = 64, rows = 1024, cols = 1024; // 256 MiB in, 256 MiB out
  writeRampStack(src, n, rows, cols);
  const dist = new URL("../../dist/src/index.js", import.meta.url).pathname;
  if (!existsSync(dist)) {
    t.fail("dist/ is missing: run `npm run build` (npm ci builds it) before this test");
    return;
  }
  const out = join(dir, "big-out.zarr");
  const child = new URL("../support/ooc-bounded-child.mjs", import.meta.url).pathname;
  const { stdout } = await run(process.execPath, [child, src, "32MiB", "stream", out], { maxBuffer: 1 << 20, timeout: 240_000 });
  const r = JSON.parse(stdout) as { before: number; after: number };
  const grownMiB = (r.after - r.before) / 1024;
  // Held whole, the result alone would be 256 MiB. The slack covers the workers' heaps and read
  // scratch and the compressor's buffers, which a loaded machine collects late.
  t.ok(grownMiB < 32 + 128, `peak RSS grew by ${grownMiB.toFixed(0)} MiB for a 256 MiB result (limit 32 MiB + 128 MiB slack)`);
  const arr = await zarr.open.v2(new FileSystemStore(out), { kind: "array" });
  t.same(arr.shape, [n, rows, cols]);
  for (const i of [0, 37, n - 1]) {
    const got = (await zarr.get(arr, [i, zarr.slice(0, 2), null])) as { data: Float32Array };
    const k = cols + 5; // row 1, column 5
    t.equal(got.data[k], Math.fround(Math.fround(i + k / (rows * cols)) * 2 + 1), `plane ${i}`);
  }
});
