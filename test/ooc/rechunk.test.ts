/**
 * Reading across chunk grids: a task that cuts through source chunks reads its footprint via one chunk
 * of scratch (when rechunking through intermediate stores is off or does not pay), in bounded memory.
 */
import t from "tap";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import * as wf from "../../src/index.js";
import { writeRampStack, writeZarr } from "../support/raw-zarr.js";
import { lower } from "../../scheduler/lower.js";
import { isSourceLeaf, sourceBox, sourceReadPlan, sourceScratchBytes, type SourceLeafSpec } from "../../scheduler/task.js";

const run = promisify(execFile);
t.teardown(() => wf.shutdown());
const dir = mkdtempSync(join(tmpdir(), "tesserae-rechunk-"));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** The first source leaf of a plan that reads sources as stored (no rechunking stages: see restage.test.ts). */
function firstSourceLeaf(e: wf.Array, maxTaskBytes: number): SourceLeafSpec {
  const plan = lower(e.node, { maxTaskBytes, minTaskBytes: 1, rechunkStages: 0 });
  for (const task of plan.tasks) {
    const s = task.spec;
    if (s.kernel === "median" || s.kernel === "reduce" || s.kernel === "map") {
      const l = s.leaves.find(isSourceLeaf);
      if (l !== undefined) return l;
    }
  }
  throw new Error("no source leaf");
}

t.test("a median over time of a stack chunked per image reads its footprint, not whole chunks", async (t) => {
  const path = join(dir, "meta.zarr");
  mkdirSync(path);
  writeFileSync(join(path, ".zarray"), JSON.stringify({ zarr_format: 2, shape: [64, 4, 2048, 2048], chunks: [1, 4, 512, 512], dtype: "<f4", compressor: null, fill_value: 0, order: "C", filters: null }));
  const x = wf.Array.fromZarr(path);
  const leaf = firstSourceLeaf(x.median(0) as wf.Array, 16 << 20);
  const aligned = sourceBox(leaf);
  const plan = sourceReadPlan(leaf);
  const vol = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  t.ok(plan.viaChunk, "reads through one chunk of scratch");
  t.same(plan.box.shape[0], 64, "the whole time axis");
  t.equal(plan.bytes, (vol(plan.box.shape) + 4 * 512 * 512) * 4, "footprint + one chunk");
  t.equal(sourceScratchBytes(leaf), plan.bytes, "the planner's quick count agrees");
  t.ok(vol(aligned.shape) >= 4 * vol(plan.box.shape), `aligned chunks would be ${(vol(aligned.shape) * 4) >> 20} MiB, the footprint is ${(vol(plan.box.shape) * 4) >> 20} MiB`);
  // an elementwise map on the source's own grid still reads whole chunks straight into place
  t.notOk(sourceReadPlan(firstSourceLeaf(x.mul(2), 64 << 20)).viaChunk);
});

t.test("values across chunk grids equal the in-memory engine's (which the NumPy fixtures check)", async (t) => {
  const shape = [9, 3, 40, 50];
  const path = join(dir, "small.zarr");
  const all = writeZarr(path, shape, [1, 3, 16, 24], (i) => Math.sin(i * 0.37) * 50 + (i % 7));
  const z = wf.Array.fromZarr(path);
  const m = wf.Array.from(all, shape);
  const cases: [string, (x: wf.Array) => wf.Array][] = [
    ["median over axis 0", (x) => x.median(0) as wf.Array],
    ["sum over axis 0 of band 1", (x) => x.get(":, 1").sum(0) as wf.Array],
    ["mean over axis 0 of a window", (x) => x.get(":, :, 5:37, 3:44:2").mean(0) as wf.Array],
    ["median over axis 1", (x) => x.median(1) as wf.Array],
  ];
  for (const [name, f] of cases) {
    const plan = lower(f(z).node, { maxTaskBytes: 8 << 10, minTaskBytes: 1 });
    const leaves = plan.tasks.flatMap((k) => ("leaves" in k.spec ? k.spec.leaves.filter(isSourceLeaf) : []));
    const via = leaves.some((l) => sourceReadPlan(l).viaChunk);
    t.ok(leaves.every((l) => sourceScratchBytes(l) === sourceReadPlan(l).bytes), `${name}: quick scratch counts agree`);
    const got = (await f(z).compute({ cache: false })) as wf.NDArray;
    const want = (await f(m).compute({ cache: false })) as wf.NDArray;
    t.same(Array.from(got.data as Float32Array), Array.from(want.data as Float32Array), `${name}${via ? " (through chunk scratch)" : ""}`);
  }
});

t.test("a median over time of a 256 MiB stack runs under a 32 MiB limit", async (t) => {
  const path = join(dir, "big.zarr");
  const n = 64, rows = 1024, cols = 1024;
  writeRampStack(path, n, rows, cols);
  if (!existsSync(new URL("../../dist/src/index.js", import.meta.url).pathname)) {
    t.fail("dist/ is missing: run `npm run build` (npm ci builds it) before this test");
    return;
  }
  // with a 32 MiB limit tasks are 8 MiB (evaluate.ts): the stack goes through an intermediate store first
  t.ok((lower((wf.Array.fromZarr(path).median(0) as wf.Array).node, { maxTaskBytes: 8 << 20 }).stores?.length ?? 0) >= 1, "rechunked through a store");
  const child = new URL("../support/ooc-bounded-child.mjs", import.meta.url).pathname;
  const { stdout } = await run(process.execPath, [child, path, "32MiB", "median"], { maxBuffer: 1 << 20, timeout: 300_000 });
  const r = JSON.parse(stdout) as { before: number; after: number; first: number; last: number; n: number };
  const size = rows * cols;
  // median over planes of (i + k/size) for even n: the mean of planes n/2 - 1 and n/2
  t.equal(r.n, size);
  t.ok(Math.abs(r.first - (n - 1) / 2) < 1e-3, `first ${r.first}`);
  t.ok(Math.abs(r.last - ((n - 1) / 2 + (size - 1) / size)) < 1e-3, `last ${r.last}`);
  const grownMiB = (r.after - r.before) / 1024;
  t.ok(grownMiB < 32 + 64, `peak RSS grew by ${grownMiB.toFixed(0)} MiB (limit 32 MiB + 64 MiB slack; whole chunks would need 64 × 4 MiB per task)`);
});
