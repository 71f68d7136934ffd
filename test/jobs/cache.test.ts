/** cache: results by graph + arguments + geocontext, in memory and on disk, LRU-bounded; a hit runs zero tasks. */
import "./env.js";
import { mkdtempSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";
import * as wf from "../../src/index.js";
import { clearMemoryCache, memoryCacheStats } from "../../src/cache/index.js";
import { DiskLRU } from "../../src/cache/disk.js";
import { MemoryLRU } from "../../src/cache/memory.js";
import { NDArray } from "../../src/core/ndarray.js";
import { HOME } from "./env.js";

t.teardown(() => wf.shutdown());

async function run(x: wf.Array, opts: wf.ComputeOptions = {}): Promise<{ job: wf.Job; value: unknown }> {
  const job = (await x.compute({ ...opts, block: false })) as wf.Job;
  return { job, value: await job.result() };
}

const arr = (n: number, k: number): wf.Array => wf.Array.from(Float64Array.from({ length: n }, (_, i) => i * k), [n]);

t.test("a cached compute runs zero tasks and gives the same result", async (t) => {
  const x = arr(1000, 3).mul(2).add(1);
  const first = await run(x);
  t.same([first.job.stats.cacheHit, first.job.stats.tasksRun > 0], [false, true]);
  const second = await run(x);
  t.same([second.job.stats.cacheHit, second.job.stats.tasksRun, second.job.progress.total], [true, 0, 0]);
  t.same((second.value as NDArray).toArray(), (first.value as NDArray).toArray());
  t.equal(second.job.stage, "SUCCEEDED");
  const json = await run(x, { format: "json" });
  t.ok(json.job.stats.cacheHit, "another format reuses the stored result");
  const bypass = await run(x, { cache: false });
  t.same([bypass.job.stats.cacheHit, bypass.job.stats.tasksRun > 0], [false, true], "cache: false runs the tasks");
});

t.test("results handed out are copies: mutating one does not change the cache", async (t) => {
  const x = arr(10, 1).add(5);
  const a = (await x.compute()) as NDArray;
  a.data[0] = -1 as never;
  const b = (await x.compute()) as NDArray;
  t.equal(b.data[0], 5);
  b.data[1] = -1 as never;
  t.equal(((await x.compute()) as NDArray).data[1], 6);
});

t.test("results persist on disk under TESSERAE_HOME and are found after memory is cleared", async (t) => {
  const x = arr(100, 7).sum();
  const v = await x.compute();
  t.ok(readdirSync(join(HOME, "cache", "results")).some((f) => f.endsWith(".npy")));
  clearMemoryCache();
  t.equal(memoryCacheStats().entries, 0);
  const again = await run(x);
  t.same([again.job.stats.cacheHit, again.value], [true, v]);
  t.equal(await x.inspect(), v, "inspect reads the cache too");
});

t.test("a changed input file is not answered from the cache", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tesserae-cache-"));
  const path = join(dir, "a.npy");
  writeFileSync(path, new NDArray(new Float64Array([1, 2, 3]), [3], "float64").toNpy());
  const x = wf.Array.fromNpy(path).sum();
  t.equal(await x.compute(), 6);
  writeFileSync(path, new NDArray(new Float64Array([1, 2, 4]), [3], "float64").toNpy());
  utimesSync(path, new Date(), new Date(Date.now() + 5000));
  const r = await run(x);
  t.same([r.job.stats.cacheHit, r.value], [false, 7]);
});

t.test("cacheSize bounds the cache; 0 turns it off", async (t) => {
  t.teardown(() => void wf.configure({ cacheSize: null }));
  wf.configure({ cacheSize: 0 });
  const x = arr(20, 11).add(2);
  await x.compute();
  t.notOk((await run(x)).job.stats.cacheHit);
  wf.configure({ cacheSize: 64 * 8 });
  clearMemoryCache();
  await arr(64, 13).add(1).compute();
  await arr(64, 17).add(1).compute();
  t.ok(memoryCacheStats().bytes <= 64 * 8 && memoryCacheStats().entries === 1, "the older result was evicted");
});

t.test("MemoryLRU evicts the least recently used", async (t) => {
  const lru = new MemoryLRU();
  const v = (x: number) => new NDArray(new Float64Array([x]), [1], "float64");
  lru.put("a", v(1), 16);
  lru.put("b", v(2), 16);
  t.ok(lru.get("a", 16), "a is now the most recent");
  lru.put("c", v(3), 16);
  t.same([lru.get("a", 16)?.data[0], lru.get("b", 16), lru.get("c", 16)?.data[0]], [1, undefined, 3]);
  lru.put("big", new NDArray(new Float64Array(10), [10], "float64"), 16);
  t.equal(lru.get("big", 16), undefined, "an entry over the bound is not kept");
});

t.test("DiskLRU keeps the most recently used files under its bound", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tesserae-disk-"));
  const v = (x: number) => new NDArray(new Float64Array(16).fill(x), [16], "float64");
  const disk = new DiskLRU(dir);
  const size = v(0).toNpy().length;
  await disk.put("a", v(1), 2 * size);
  await disk.put("b", v(2), 2 * size);
  t.ok(await disk.get("a"));
  await disk.put("c", v(3), 2 * size);
  t.same(readdirSync(dir).sort(), ["a.npy", "c.npy"]);
  t.equal(await disk.usage(), 2 * size);
  const fresh = new DiskLRU(dir);
  t.equal((await fresh.get("c"))?.data[0], 3, "another process finds the files");
});

t.test("a GeoTIFF result is cached too (it streams only with the cache off), with the same bytes", async (t) => {
  const geoctx = new wf.GeoContext({ bounds: [500000, 5099000, 500640, 5099480], crs: "EPSG:32633", resolution: 10 });
  const x = wf.Array.from(Float32Array.from({ length: 48 * 64 }, (_, i) => (i % 89) / 7), [1, 48, 64]).mul(3);
  const first = await run(x, { geoctx, format: "geotiff" });
  t.same([first.job.stats.cacheHit, first.job.stats.tasksRun > 0], [false, true]);
  const second = await run(x, { geoctx, format: "geotiff" });
  t.same([second.job.stats.cacheHit, second.job.stats.tasksRun], [true, 0], "the second compute is a cache hit");
  const streamed = await run(x, { geoctx, format: "geotiff", cache: false });
  t.same([streamed.job.stats.cacheHit, streamed.job.stats.tasksRun > 0], [false, true], "cache: false computes (and streams)");
  for (const r of [second, streamed]) t.ok(Buffer.from(r.value as Uint8Array).equals(Buffer.from(first.value as Uint8Array)), "same GeoTIFF bytes");
});
