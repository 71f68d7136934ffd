/**
 * One workload's tesserae side, in its own process so that its peak RSS is its own.
 * Usage: child.js <id> <reps>. Loads the inputs (untimed), runs one warm-up `compute()`,
 * then up to <reps> timed ones within the workload's time budget, saves the result for the
 * runner to check, and prints a ChildReport line.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { encodeNpy, type NpyContents } from "../src/core/npy.js";
import { inputPath } from "./data.js";
import { readNpyFile } from "./npyio.js";
import { OUT_DIR, outPath } from "./paths.js";
import { REPORT_MARK, type ChildReport } from "./protocol.js";
import { toNpyContents } from "./results.js";
import { workloadById, type Workload } from "./workloads.js";

// The result cache would turn every repetition after the first into a lookup.
const COMPUTE_OPTS = { cache: false, progressBar: false } as const;

function maxRssKiB(): number {
  return process.resourceUsage().maxRSS;
}

async function run(w: Workload, reps: number): Promise<ChildReport> {
  const inputs = new Map<string, NpyContents>();
  for (const spec of w.inputs) inputs.set(spec.name, readNpyFile(inputPath(w, spec)));

  const side = await import("./tesserae-side.js");
  try {
    side.checkEngine();
    const expr = side.build(w.id, inputs);

    let t0 = performance.now();
    const result = await expr.compute(COMPUTE_OPTS);
    const warmupSec = (performance.now() - t0) / 1000;
    mkdirSync(OUT_DIR, { recursive: true });
    const saved = toNpyContents(result);
    writeFileSync(outPath(w.id), encodeNpy(saved.data, saved.shape, saved.dtype));

    const n = Math.max(1, Math.min(reps, Math.floor(w.budgetSec / Math.max(warmupSec, 1e-6))));
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      t0 = performance.now();
      await expr.compute(COMPUTE_OPTS);
      times.push((performance.now() - t0) / 1000);
    }
    return { ok: true, times, warmupSec, maxRssKiB: maxRssKiB() };
  } finally {
    await side.shutdown();
  }
}

function errorText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

async function main(): Promise<void> {
  const [id = "", repsArg = "5"] = process.argv.slice(2);
  const w = workloadById(id);
  let report: ChildReport;
  try {
    if (w === undefined || w.status !== "ready") throw new Error(`no runnable workload '${id}'`);
    report = await run(w, Number(repsArg));
  } catch (e) {
    if (process.env["BENCH_DEBUG"]) console.error(e);
    report = { ok: false, error: errorText(e), maxRssKiB: maxRssKiB() };
  }
  // Exit explicitly: a worker pool that failed to stop must not hang the bench.
  process.stdout.write(`${REPORT_MARK}${JSON.stringify(report)}\n`, () => process.exit(0));
}

void main();
