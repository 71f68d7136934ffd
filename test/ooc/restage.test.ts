/**
 * Multi-stage rechunking: the planner's stages (rechunk-plan.ts), where lowering inserts them
 * (restage.ts), the intermediate store's files, and values through them against the in-memory engine.
 */
import t, { type Test } from "tap";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as wf from "../../src/index.js";
import { lower } from "../../scheduler/lower.js";
import { copyBox, rechunkStages, type RechunkLimits } from "../../scheduler/rechunk-plan.js";
import { STORE_READER } from "../../scheduler/restage.js";
import { execute, type Executor } from "../../scheduler/execute.js";
import { InlineExecutor } from "../../scheduler/executors/inline.js";
import { evaluate } from "../../src/compute/evaluate.js";
import { isSourceLeaf, sourceBox, sourceReadPlan, type Plan, type SourceInfo, type Task } from "../../scheduler/task.js";
import { readStore, writeStoreChunks } from "../../workers/readers/store.js";
import type { WireTask } from "../../workers/run-task.js";
import { cStrides } from "../../src/core/shape.js";
import { rng } from "../support/rng.js";
import { writeZarr } from "../support/raw-zarr.js";

t.teardown(() => wf.shutdown());
const dir = mkdtempSync(join(tmpdir(), "tesserae-restage-"));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const vol = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Every stage's promises: copy boxes within memory, the last chunks no longer than the blocks, intermediate chunks worth a file. */
function checkStages(t: Test, extent: number[], from: number[], to: number[], item: number, lim: RechunkLimits, name: string): number[][] {
  const st = rechunkStages(extent, from, to, item, lim);
  t.not(st, null, `${name}: a plan exists`);
  if (st === null) return [];
  const first = from.map((v, d) => Math.min(v, extent[d]!));
  // a copy may hold one stored chunk, and go half over the budget to read whole chunks
  const budget = 1.5 * Math.max(lim.maxBytes, vol(first) * item);
  let prev = first;
  st.forEach(({ chunks: c, box }, k) => {
    t.same(box, copyBox(prev, c, extent, Math.max(Math.floor(lim.maxBytes / item), vol(first))), `${name}: stage ${k}'s box is the planner's copy box`);
    t.ok(vol(box) * item <= budget, `${name}: stage ${k} copies ${box.join("x")} within ${budget} bytes`);
    t.ok(box.every((b, d) => b % c[d]! === 0 || b >= extent[d]!), `${name}: stage ${k} writes whole chunks`);
    if (k < st.length - 1) t.ok(vol(c) * item >= Math.min(lim.minChunkBytes, vol(to) * item, lim.maxBytes / 4) / 2, `${name}: intermediate chunk ${c.join("x")} is not tiny`);
    prev = c;
  });
  const last = st[st.length - 1]?.chunks ?? prev;
  t.ok(last.every((v, d) => v <= Math.max(1, Math.min(to[d]!, extent[d]!))), `${name}: consumers read whole chunks (${last.join("x")} within ${to.join("x")})`);
  return st.map((x) => x.chunks);
}

t.test("the planner: stages keep copies in memory and end on chunks the consumer reads whole", async (t) => {
  const lim: RechunkLimits = { maxBytes: 16 << 20, minChunkBytes: 1 << 20, minLastChunkBytes: 64 << 10, maxStages: 6 };
  // a median over time of a stack stored one image per chunk: one stage, growing time while cutting rows
  const one = checkStages(t, [64, 4, 2048, 2048], [1, 4, 512, 512], [64, 4, 32, 512], 4, lim, "time stack");
  t.equal(one.length, 1, "one stage suffices");
  t.ok(one[0]![0]! > 1, "the stage gathers several images per chunk");
  // 1000 images into 8 × 8 pixel columns: a direct copy would need 256-byte chunks, so it takes several stages
  const many = checkStages(t, [1000, 2048, 2048], [1, 2048, 2048], [1000, 8, 8], 4, lim, "long series");
  t.ok(many.length >= 3, `several stages (${many.map((s) => s.join("x")).join(" → ")})`);
  t.ok(many.slice(0, -1).every((s) => vol(s) * 4 >= 64 << 10), "no intermediate store of tiny chunks");
  // already fitting: nothing to do
  t.same(rechunkStages([64, 4, 2048, 2048], [1, 4, 512, 512], [8, 4, 512, 512], 4, lim), [], "blocks made of whole chunks need no stage");
  // chunk lengths that do not nest, and random cases
  checkStages(t, [100, 300, 300], [1, 300, 300], [100, 7, 300], 4, { maxBytes: 1 << 20, minChunkBytes: 64 << 10, minLastChunkBytes: 4 << 10, maxStages: 6 }, "odd sizes");
  // grids that do not nest: a copy box a little over the budget covers whole stored chunks; one far over it
  // stays within a stored chunk instead (each stored chunk then read twice at the seams)
  for (const [len, whole] of [[300, true], [1500, false]] as const) {
    t.equal(checkStages(t, [32, 2048, 2048], [1, 2048, 2048], [32, len, len], 4, lim, `requested ${len} × ${len}`).length, 1);
    const box = rechunkStages([32, 2048, 2048], [1, 2048, 2048], [32, len, len], 4, lim)![0]!.box;
    t.equal(box[1]! >= 2048, whole, `${len}: the copy box ${box.join("x")} ${whole ? "covers" : "stays within"} a stored chunk`);
  }
  const r = rng(7);
  for (let k = 0; k < 40; k++) {
    const nd = 2 + Math.floor(r() * 3);
    const extent = Array.from({ length: nd }, () => 1 + Math.floor(r() * 300));
    const from = extent.map((e) => 1 + Math.floor(r() * e));
    const to = extent.map((e) => 1 + Math.floor(r() * e));
    const item = [1, 2, 4, 8][k % 4]!;
    const lim2: RechunkLimits = { maxBytes: Math.max(vol(to), vol(from)) * item * 4, minChunkBytes: 4096, minLastChunkBytes: 512, maxStages: 1 + (k % 6) };
    const st = rechunkStages(extent, from, to, item, lim2);
    if (st === null) continue; // refused: lowering then reads the source as stored (lowering tests below)
    t.ok(st.length <= lim2.maxStages, `random ${k}: at most ${lim2.maxStages} stages`);
    checkStages(t, extent, from, to, item, lim2, `random ${k}`);
  }
});

/** Zarr metadata only: lowering never opens chunk files. */
function metaZarr(name: string, shape: number[], chunks: number[], compressor: unknown = null): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, ".zarray"), JSON.stringify({ zarr_format: 2, shape, chunks, dtype: "<f4", compressor, fill_value: 0, order: "C", filters: null }));
  return path;
}

/** Elements of `source` chunks decoded by the plan's tasks (each task decodes every chunk its read touches). */
function decoded(plan: Plan, reader: string): number {
  let n = 0;
  const alignedVol = (s: SourceInfo, start: readonly number[], shape: readonly number[]) =>
    shape.reduce((p, len, d) => p * (Math.min(s.fullShape[d]!, (Math.floor((start[d]! + len - 1) / s.chunks[d]!) + 1) * s.chunks[d]!) - Math.floor(start[d]! / s.chunks[d]!) * s.chunks[d]!), 1);
  for (const task of plan.tasks) {
    const s = task.spec;
    if (s.kernel === "rechunk" && s.from.reader === reader) n += alignedVol(s.from, s.box.start, s.box.shape);
    if ((s.kernel === "median" || s.kernel === "map" || s.kernel === "reduce" || s.kernel === "along") && "leaves" in s) {
      for (const l of s.leaves) if (isSourceLeaf(l) && l.source.reader === reader) n += vol(sourceBox(l).shape);
    }
  }
  return n;
}

const byKernel = (plan: Plan, k: string): Task[] => plan.tasks.filter((x) => x.spec.kernel === k);

t.test("lowering rechunks a median over time of a stack stored one image per chunk, so each chunk is decoded once", async (t) => {
  const shape = [64, 4, 2048, 2048];
  const x = wf.Array.fromZarr(metaZarr("stack.zarr", shape, [1, 4, 512, 512], { id: "blosc", cname: "lz4", clevel: 5, shuffle: 1, blocksize: 0 }));
  const m = x.median(0) as wf.Array;
  const plan = lower(m.node, { maxTaskBytes: 16 << 20 });
  const single = lower(m.node, { maxTaskBytes: 16 << 20, rechunkStages: 0 });
  t.equal(plan.stores?.length, 1, "one intermediate store");
  t.equal(decoded(plan, "zarr"), vol(shape), "every source chunk decoded exactly once");
  t.ok(decoded(single, "zarr") >= 8 * vol(shape), `reading as stored decodes ${decoded(single, "zarr") / vol(shape)}× the stack`);
  const copies = byKernel(plan, "rechunk");
  t.ok(copies.every((c) => c.bytes <= 2 * (16 << 20)), "copy tasks stay near the task size");
  t.equal(copies.reduce((n, c) => n + (c.spec.kernel === "rechunk" ? vol(c.spec.box.shape) : 0), 0), vol(shape), "the copies cover the stack once");
  const medians = byKernel(plan, "median");
  t.equal(medians.length, byKernel(single, "median").length, "the medians are the same tasks");
  for (const md of medians) {
    const leaf = md.spec.kernel === "median" ? md.spec.leaves.find(isSourceLeaf) : undefined;
    t.equal(leaf?.source.reader, STORE_READER);
    t.notOk(leaf !== undefined && sourceReadPlan(leaf).viaChunk, "reads whole store chunks");
    t.ok(md.deps.some((d) => d.includes("rechunk")), "waits for the copies");
  }
  // an elementwise op on the stored grid is left alone
  t.equal(lower(x.mul(2).node).stores, undefined, "no store for blocks on the stored grid");
});

t.test("red and nir of the same stack share one store holding just those bands", async (t) => {
  const x = wf.Array.fromZarr(metaZarr("bands.zarr", [32, 4, 1024, 1024], [1, 4, 512, 512]));
  const red = x.get(":, 2"), nir = x.get(":, 3");
  const plan = lower((nir.sub(red).div(nir.add(red)).median(0) as wf.Array).node, { maxTaskBytes: 8 << 20 });
  t.equal(plan.stores?.length, 1, "one store for both leaves");
  const c = byKernel(plan, "rechunk")[0]!;
  t.ok(c.spec.kernel === "rechunk" && c.spec.store.fullShape[1] === 2, "the store holds bands 2 and 3 only");
});

t.test("values through one and through several stages equal the in-memory engine's", async (t) => {
  const shape = [24, 3, 40, 52];
  const r = rng(11);
  const all = writeZarr(join(dir, "vals.zarr"), shape, [1, 3, 40, 52], () => Math.round((r() - 0.5) * 2000) / 8);
  const z = wf.Array.fromZarr(join(dir, "vals.zarr"));
  const m = wf.Array.from(all, shape);
  const cases: [string, (x: wf.Array) => wf.Array][] = [
    ["median over time", (x) => x.median(0) as wf.Array],
    ["median over time of band 1 minus band 2", (x) => x.get(":, 1").sub(x.get(":, 2")).median(0) as wf.Array],
    ["median over time of a window", (x) => x.get(":, :, 3:37, 5:50").median(0) as wf.Array],
    ["90th percentile over time", (x) => wf.numpy.percentile(x, 90, { axis: 0 }) as wf.Array],
  ];
  // small tasks make blocks cut every chunk, and stores of several stages; "as stored" reads the same without them
  const settings: [string, { maxTaskBytes: number; rechunkStages: number }][] = [["default stages", { maxTaskBytes: 24 << 10, rechunkStages: 6 }], ["as stored", { maxTaskBytes: 24 << 10, rechunkStages: 0 }]];
  for (const [name, f] of cases) {
    const want = (await f(m).compute({ cache: false })) as wf.NDArray;
    for (const [how, plan] of settings) {
      const lowered = lower(f(z).node, { ...plan, minTaskBytes: 1 });
      const { value } = await evaluate(f(z).node, { executor: new InlineExecutor(), plan: { ...plan, minTaskBytes: 1 }, memoryLimit: 1 << 30 });
      t.same(Array.from(value.data as Float32Array), Array.from(want.data as Float32Array), `${name}, ${how} (${lowered.stores?.length ?? 0} stores)`);
      if (how === "default stages") t.ok((lowered.stores?.length ?? 0) >= 1, `${name}: rechunked`);
    }
  }
  // through the pool, with the default task sizes of a small memory limit
  const got = (await (z.median(0) as wf.Array).compute({ cache: false })) as wf.NDArray;
  t.same(Array.from(got.data as Float32Array), Array.from(((await (m.median(0) as wf.Array).compute({ cache: false })) as wf.NDArray).data as Float32Array), "median over time through the pool");
});

t.test("several stages: a long series into narrow pixel columns", async (t) => {
  const shape = [40, 64, 64];
  const all = writeZarr(join(dir, "series.zarr"), shape, [1, 64, 64], (i) => Math.sin(i * 0.013) * 100);
  const z = wf.Array.fromZarr(join(dir, "series.zarr"));
  const plan = { maxTaskBytes: 20 << 10, minTaskBytes: 1, rechunkStages: 6 };
  const lowered = lower((z.median(0) as wf.Array).node, plan);
  t.ok((lowered.stores?.length ?? 0) >= 2, `${lowered.stores?.length} stages`);
  const { value } = await evaluate((z.median(0) as wf.Array).node, { executor: new InlineExecutor(), plan, memoryLimit: 1 << 30 });
  const want = (await (wf.Array.from(all, shape).median(0) as wf.Array).compute({ cache: false })) as wf.NDArray;
  t.same(Array.from(value.data as Float32Array), Array.from(want.data as Float32Array));
});

t.test("stores are removed when nothing reads them, and when a run fails", async (t) => {
  const parent = mkdtempSync(join(tmpdir(), "tesserae-stores-"));
  t.teardown(() => rmSync(parent, { recursive: true, force: true }));
  const shape = [16, 32, 32];
  writeZarr(join(dir, "gone.zarr"), shape, [1, 32, 32], (i) => i % 97);
  const z = wf.Array.fromZarr(join(dir, "gone.zarr"));
  const plan = lower((z.median(0) as wf.Array).node, { maxTaskBytes: 4 << 10, minTaskBytes: 1 });
  t.ok((plan.stores?.length ?? 0) >= 1);
  const before = new Set(readdirSync(tmpdir()).filter((n) => n.startsWith("tesserae-rechunk-")));
  await execute(plan, new InlineExecutor());
  t.same(readdirSync(tmpdir()).filter((n) => n.startsWith("tesserae-rechunk-") && !before.has(n)), [], "no store left behind");
  // a source chunk that cannot be read fails the run, and the run's stores still go
  rmSync(join(dir, "gone.zarr", "3.0.0"));
  mkdirSync(join(dir, "gone.zarr", "3.0.0"));
  await t.rejects(execute(plan, new InlineExecutor()), /EISDIR/);
  t.same(readdirSync(tmpdir()).filter((n) => n.startsWith("tesserae-rechunk-") && !before.has(n)), [], "none left after a failure either");
});

/** The store directories a task reads or writes, as the executor hands them to a worker. */
function storeDirsOf(task: WireTask): string[] {
  const dirOf = (s: SourceInfo): string[] => (s.reader === STORE_READER ? [s.params["dir"] as string] : []);
  if (task.kernel === "rechunk") return [...dirOf(task.from), ...dirOf(task.store)];
  if (task.kernel === "map" || task.kernel === "median" || task.kernel === "reduce" || task.kernel === "along" || task.kernel === "search") {
    return task.leaves.flatMap((l) => ("source" in l ? dirOf(l.source) : []));
  }
  return [];
}

t.test("a store goes as soon as its last reader is done, not at the end of the run", async (t) => {
  const shape = [40, 64, 64];
  writeZarr(join(dir, "lifetime.zarr"), shape, [1, 64, 64], (i) => Math.cos(i * 0.007) * 50);
  const z = wf.Array.fromZarr(join(dir, "lifetime.zarr"));
  // a later stage (the add) runs after the median's stage, which reads the last store
  const plan = lower((z.median(0) as wf.Array).add(z.get(0)).node, { maxTaskBytes: 20 << 10, minTaskBytes: 1 });
  t.ok((plan.stores?.length ?? 0) >= 2, `several stages (${plan.stores?.length})`);
  // each task, as it starts: the stores it uses, and the stores seen so far that still exist
  const starts: { key: string; uses: string[]; live: string[] }[] = [];
  const seen = new Set<string>();
  const inline = new InlineExecutor();
  const recording: Executor = {
    concurrency: 1,
    run: (task, info) => {
      const uses = storeDirsOf(task);
      uses.forEach((d) => seen.add(d));
      starts.push({ key: info.key, uses, live: [...seen].filter((d) => existsSync(d)) });
      return inline.run(task, info);
    },
  };
  await execute(plan, recording);
  t.ok(starts.every((s) => s.uses.every((d) => s.live.includes(d))), "every store exists while a task uses it");
  const firstMedian = starts.findIndex((s) => s.key.includes(":median:"));
  const firstStore = starts.find((s) => s.uses.length > 0)!.uses[0]!;
  t.notOk(starts[firstMedian]!.live.includes(firstStore), "the first store is gone once the next stage has copied it");
  const add = starts.find((s) => s.key.includes(":map:"));
  t.same(add?.live, [], "the last store is gone once the median is done, before the next stage runs");
});

t.test("store chunk files round-trip data and mask, and a damaged one is refused by name", async (t) => {
  const sdir = mkdtempSync(join(dir, "store-"));
  const shape = [5, 7];
  const data = Float64Array.from({ length: 35 }, (_, i) => i * 1.5 - 3);
  const mask = Uint8Array.from({ length: 35 }, (_, i) => (i % 4 === 0 ? 1 : 0));
  const params = { dir: sdir, chunks: [2, 3], dtype: "float64", masked: true };
  writeStoreChunks(params, [0, 0], shape, { data, mask, strides: cStrides(shape) });
  t.equal(readdirSync(sdir).length, 9, "3 × 3 chunks, edge chunks cut");
  const outData = new Float64Array(35), outMask = new Uint8Array(35);
  for (let i = 0; i < 5; i += 2) for (let j = 0; j < 7; j += 3) {
    readStore(params, { start: [i, j], shape: [Math.min(2, 5 - i), Math.min(3, 7 - j)], fullShape: shape }, { data: outData, mask: outMask, offset: 0, strides: cStrides(shape) });
  }
  t.same(Array.from(outData), Array.from(data));
  t.same(Array.from(outMask), Array.from(mask));
  writeFileSync(join(sdir, "1.1"), new Uint8Array(3));
  t.throws(() => readStore(params, { start: [2, 3], shape: [2, 3], fullShape: shape }, { data: outData, mask: outMask, offset: 0, strides: cStrides(shape) }), /1\.1 holds 3 bytes, expected 54/);
  t.throws(() => readStore({ chunks: [2, 3], dtype: "float64", masked: true }, { start: [0, 0], shape: [2, 3], fullShape: shape }, { data: outData, offset: 0, strides: [7, 1] }), /needs its directory/);
});

t.test("fromZarr's chunks choose the task grid: read across stored chunks, rechunked when that pays", async (t) => {
  const shape = [16, 2, 48, 40];
  const all = writeZarr(join(dir, "grid.zarr"), shape, [1, 2, 48, 40], (i) => (i % 1013) * 0.5 - 7);
  const m = wf.Array.from(all, shape);
  const asked = wf.Array.fromZarr(join(dir, "grid.zarr"), { chunks: [16, 1, 8, 40] });
  const mapped = lower(asked.mul(3).add(1).node, { minTaskBytes: 1 });
  const maps = byKernel(mapped, "map");
  t.equal(maps.length, 2 * 6, "one map task per requested chunk");
  t.ok(maps.every((k) => k.spec.kernel === "map" && k.spec.shape.join() === "16,1,8,40"), "blocks are the requested chunks");
  t.equal(mapped.stores?.length, 1, "the stored grid is copied once into the requested one");
  t.equal(decoded(mapped, "zarr"), vol(shape), "each stored chunk decoded once");
  const want = (await m.mul(3).add(1).compute({ cache: false })) as wf.NDArray;
  for (const x of [asked, wf.Array.fromZarr(join(dir, "grid.zarr"), { chunks: [5, -1, 7, 9] })]) {
    t.same(Array.from(((await x.mul(3).add(1).compute({ cache: false })) as wf.NDArray).data as Float32Array), Array.from(want.data as Float32Array), "values across grids");
  }
  // a gather materializes the source: read in stored chunks whatever the task grid
  const idx = wf.Array.from(Int32Array.from([3, 0, 15]), [3]);
  t.same(Array.from(((await asked.get(idx).compute({ cache: false })) as wf.NDArray).data as Float32Array), Array.from(((await m.get(idx).compute({ cache: false })) as wf.NDArray).data as Float32Array), "take over a source with a requested grid");
  t.throws(() => wf.Array.fromZarr(join(dir, "grid.zarr"), { chunks: [0, 1, 1, 1] }), /chunk size 0 on axis 0/);
  t.throws(() => wf.Array.fromZarr(join(dir, "grid.zarr"), { chunks: [1, 1] }), /one size per axis/);
});
