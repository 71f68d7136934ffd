import t from "tap";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import * as wf from "../../src/index.js";
import { writeRampStack } from "../support/raw-zarr.js";
import { lower } from "../../scheduler/lower.js";
import { evaluate } from "../../src/compute/evaluate.js";
import { PoolExecutor } from "../../scheduler/executors/pool.js";
import { InlineExecutor } from "../../scheduler/executors/inline.js";
import type { Executor } from "../../scheduler/execute.js";

const run = promisify(execFile);
t.teardown(() => wf.shutdown());

t.test("a 512 MiB Zarr input computes under a 32 MiB limit with bounded peak memory", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tesserae-ooc-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const n = 128, rows = 1024, cols = 1024; // 128 × 4 MiB = 512 MiB
  writeRampStack(join(dir, "x.zarr"), n, rows, cols);
  // The child runs the built package with plain node: a TypeScript loader would compile the engine
  // in every worker thread and its memory would swamp the measurement.
  const dist = new URL("../../dist/src/index.js", import.meta.url).pathname;
  if (!existsSync(dist)) {
    t.fail("dist/ is missing: run `npm run build` (npm ci builds it) before this test");
    return;
  }
  const child = new URL("../support/ooc-bounded-child.mjs", import.meta.url).pathname;
  const { stdout } = await run(process.execPath, [child, join(dir, "x.zarr"), "32MiB"], { maxBuffer: 1 << 20, timeout: 240_000 });
  const r = JSON.parse(stdout) as { before: number; after: number; first: number; last: number; n: number };
  // mean over planes of (i + k/size) = (n - 1) / 2 + k / size
  t.equal(r.n, rows * cols);
  t.ok(Math.abs(r.first - (n - 1) / 2) < 1e-4, `first value ${r.first}`);
  t.ok(Math.abs(r.last - ((n - 1) / 2 + (rows * cols - 1) / (rows * cols))) < 1e-4, `last value ${r.last}`);
  const grownMiB = (r.after - r.before) / 1024;
  // the output alone is 4 MiB; the input is 512 MiB: growth must stay near the limit, nowhere near the input
  t.ok(grownMiB < 32 + 64, `peak RSS grew by ${grownMiB.toFixed(0)} MiB (limit 32 MiB + 64 MiB slack)`);
});

t.test("a plan with a task that can never fit is refused before anything runs", async (t) => {
  const x = wf.Array.from(new Float64Array(1 << 20), [1 << 20], { chunks: [1 << 20] });
  let ran = 0;
  const counting = new PoolExecutor(1);
  const exec = { concurrency: 1, run: (task: Parameters<typeof counting.run>[0], info: Parameters<typeof counting.run>[1]) => { ran++; return counting.run(task, info); } };
  await t.rejects(evaluate(x.add(1).node, { executor: exec, memoryLimit: 1 << 20 }), { name: "JobOOM", message: /needs about 24\.0 MiB \(16\.0 MiB of its own and 8\.0 MiB for the whole buffer it writes\) but the memory limit is 1\.0 MiB/ });
  t.equal(ran, 0, "no task ran");
});

t.test("a graph of 100,000 chunks plans and starts in under 2 seconds", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tesserae-big-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // metadata only: every chunk is missing and reads as the fill value
  writeFileSync(join(dir, ".zarray"), JSON.stringify({
    zarr_format: 2, shape: [100_000, 256, 512], chunks: [1, 256, 512], dtype: "<f8",
    compressor: null, fill_value: 1.5, order: "C", filters: null,
  }));
  const x = wf.Array.fromZarr(dir);
  const expr = x.mul(2).add(1).sum([1, 2]);
  // CPU time, not wall time: the test runner shares the machine with other test files
  const c0 = process.cpuUsage();
  const plan = lower(expr.node);
  const cpu = process.cpuUsage(c0);
  const plannedMs = (cpu.user + cpu.system) / 1000;
  t.ok(plan.tasks.length >= 100_000, `${plan.tasks.length} tasks`);
  t.ok(plannedMs < 2000, `planned in ${plannedMs.toFixed(0)} ms of CPU`);
  // Start latency of the scheduler itself (worker threads boot separately, once per process).
  const ac = new AbortController();
  let firstSubmitted = -1;
  const inline = new InlineExecutor();
  const c1 = process.cpuUsage();
  const recording: Executor = {
    concurrency: 2,
    run: (task, info) => {
      if (firstSubmitted < 0) {
        const used = process.cpuUsage(c1);
        firstSubmitted = (used.user + used.system) / 1000;
        ac.abort();
      }
      return inline.run(task, info);
    },
  };
  await t.rejects(evaluate(expr.node, { executor: recording, signal: ac.signal, memoryLimit: 1 << 30 }), { name: "JobCancelled" });
  t.ok(firstSubmitted > 0 && firstSubmitted < 2000, `plan and first task submitted after ${firstSubmitted.toFixed(0)} ms of CPU`);
});
