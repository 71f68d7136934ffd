/** Spilling: finished buffers that must wait leave memory for disk under a memory limit and come back byte-identical. */
import t from "tap";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as wf from "../../src/index.js";
import { lower } from "../../scheduler/lower.js";
import { checkFits, execute, type ExecuteResult } from "../../scheduler/execute.js";
import { InlineExecutor } from "../../scheduler/executors/inline.js";
import { PoolExecutor } from "../../scheduler/executors/pool.js";
import { FileSpillStore, type SpillStore } from "../../scheduler/spill.js";
import { evaluate } from "../../src/compute/evaluate.js";
import type { Plan } from "../../scheduler/task.js";

t.teardown(() => wf.shutdown());
const dir = mkdtempSync(join(tmpdir(), "tesserae-spill-test-"));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** Deterministic bytes that differ everywhere (no run of zeros could hide a short read). */
function noise(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** A FileSpillStore that records what passes through it. */
class Recording implements SpillStore {
  readonly inner: FileSpillStore;
  readonly puts = new Map<string, Uint8Array>();
  ranges = 0;
  wholeReads = 0;
  constructor(parent: string) {
    this.inner = new FileSpillStore(parent);
  }
  put(id: string, bytes: Uint8Array): void {
    this.puts.set(id, bytes.slice());
    this.inner.put(id, bytes);
  }
  read(id: string, byteOffset: number, into: Uint8Array): void {
    this.inner.read(id, byteOffset, into);
    if (byteOffset === 0 && into.length === this.puts.get(id)?.length) this.wholeReads++;
    else this.ranges++;
  }
  drop(id: string): void {
    this.inner.drop(id);
  }
  close(): void {
    this.inner.close();
  }
}

t.test("the file spill store gives back every byte, whole and by range, and leaves nothing behind", async (t) => {
  const parent = mkdtempSync(join(dir, "store-"));
  const store = new FileSpillStore(parent);
  const a = noise(1 << 20, 7), b = noise(12345, 9);
  store.put("1.data", a);
  store.put("1.mask", b);
  const whole = new Uint8Array(a.length);
  store.read("1.data", 0, whole);
  t.equal(Buffer.compare(whole, a), 0, "whole buffer byte-identical");
  for (const [off, len] of [[0, 1], [4093, 8191], [a.length - 17, 17], [123456, 300000]] as const) {
    const part = new Uint8Array(len);
    store.read("1.data", off, part);
    t.equal(Buffer.compare(part, a.subarray(off, off + len)), 0, `range ${off}+${len} byte-identical`);
  }
  const mb = new Uint8Array(b.length);
  store.read("1.mask", 0, mb);
  t.equal(Buffer.compare(mb, b), 0, "mask byte-identical");
  t.throws(() => store.read("1.mask", b.length - 4, new Uint8Array(8)), /ended at byte 12345, 4 bytes short/);
  store.drop("1.mask");
  t.throws(() => store.read("1.mask", 0, new Uint8Array(1)), /spilled buffer 1\.mask is not on disk/);
  t.equal(readdirSync(parent).length, 1, "one private spill directory while in use");
  store.close();
  t.same(readdirSync(parent), [], "closed: the spill directory is gone");
});

/** Two medians finish one after the other, then a third stage reads both: the first waits while the second runs. */
function twoMedians(masked: boolean): Plan {
  const n = 4, h = 256, w = 256;
  const vals = (f: (i: number) => number) => Float64Array.from({ length: n * h * w }, (_, i) => f(i));
  let a: wf.Array | wf.MaskedArray = wf.Array.from(vals((i) => Math.sin(i)), [n, h, w], { chunks: [n, 64, w] });
  const b = wf.Array.from(vals((i) => Math.cos(3 * i)), [n, h, w], { chunks: [n, 64, w] });
  if (masked) a = wf.numpy.ma.masked_greater(a, 0.9) as wf.MaskedArray;
  const e = (a.median(0) as wf.Array).sub(b.median(0) as wf.Array);
  return lower(e.node, { maxTaskBytes: 256 << 10, minTaskBytes: 1 });
}

const bytesOf = (r: ExecuteResult): Buffer => Buffer.from(r.storage.data.buffer, r.storage.data.byteOffset, r.storage.data.byteLength);

for (const masked of [false, true]) {
  t.test(`under a limit, a waiting buffer is spilled and read back by range: same bytes${masked ? " (masked)" : ""}`, async (t) => {
    const plan = twoMedians(masked);
    const free = await execute(plan, new InlineExecutor());
    t.equal(free.spills, 0, "no limit: nothing spilled");
    const limit = Math.floor(free.peakBytes * 0.8);
    const store = new Recording(mkdtempSync(join(dir, "run-")));
    const tight = await execute(plan, new InlineExecutor(), { memoryLimit: limit, spill: store });
    t.ok((tight.spills ?? 0) >= 1, `${tight.spills} buffer(s) spilled`);
    t.ok(store.ranges >= 2, `${store.ranges} ranges read back (only what each task reads)`);
    t.ok(tight.peakBytes <= limit, `peak ${tight.peakBytes} B within the limit ${limit} B (without spilling: ${free.peakBytes} B)`);
    t.equal(Buffer.compare(bytesOf(tight), bytesOf(free)), 0, "result byte-identical to the unspilled run");
    if (masked) t.equal(Buffer.compare(Buffer.from(tight.storage.mask!), Buffer.from(free.storage.mask!)), 0, "mask byte-identical");
    t.ok([...store.puts.keys()].some((k) => k.endsWith(".data")), "data went through the store");
    const never = await execute(plan, new InlineExecutor(), { memoryLimit: limit, spill: false });
    t.ok(never.peakBytes > limit, "spill: false keeps everything in memory (over the limit, one task at a time)");
  });
}

t.test("spilling on the worker pool: same bytes, and the spill files are removed at the end", async (t) => {
  const plan = twoMedians(false);
  const free = await execute(plan, new InlineExecutor());
  const parent = mkdtempSync(join(dir, "pool-"));
  const pool = new PoolExecutor(2);
  const r = await execute(plan, pool, { memoryLimit: Math.floor(free.peakBytes * 0.8), spill: new FileSpillStore(parent) });
  t.ok((r.spills ?? 0) >= 1, `${r.spills} spilled`);
  t.equal(Buffer.compare(bytesOf(r), bytesOf(free)), 0, "byte-identical");
  t.same(readdirSync(parent), [], "no spill files left");
});

t.test("a task whose output buffer alone exceeds the limit is refused up front, with the numbers", async (t) => {
  const x = wf.Array.from(new Float64Array(1 << 18), [512, 512], { chunks: [64, 512] });
  const plan = lower(x.mul(2).node, { maxTaskBytes: 1 << 20 });
  t.throws(() => checkFits(plan, 1 << 20), { name: "JobOOM", message: /needs about [\d.]+ MiB \([\d.]+ MiB of its own and 2\.0 MiB for the whole buffer it writes\) but the memory limit is 1\.0 MiB/ });
  await t.rejects(evaluate(x.mul(2).node, { executor: new InlineExecutor(), memoryLimit: 1 << 20 }), { name: "JobOOM" });
  t.doesNotThrow(() => checkFits(plan, 4 << 20));
});
