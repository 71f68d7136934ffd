/**
 * One workload's tesserae side, in its own process so that its peak RSS is its own.
 * Usage: child.js <id> <reps>. Loads the inputs (untimed), runs one warm-up `compute()`,
 * then up to <reps> timed ones within the workload's time budget, saves the result for the
 * runner to check (a workload that writes Zarr has already written it), and prints a ChildReport line.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { encodeNpy, type NpyContents } from "../src/core/npy.js";
import { inputPath } from "./data.js";
import { readNpyFile } from "./npyio.js";
import { OUT_DIR, outPath, outTifPath } from "./paths.js";
import { REPORT_MARK, type ChildReport } from "./protocol.js";
import { toNpyContents } from "./results.js";
import { workloadById, type Workload } from "./workloads.js";
import { zarrInputPath } from "./zarr-data.js";
import { catalogInputPath } from "./catalog-data.js";
import { geotiffToNpy } from "./geotiff-result.js";

// The result cache would turn every repetition after the first into a lookup.
const COMPUTE_OPTS = { cache: false, progressBar: false } as const;

function maxRssKiB(): number {
  return process.resourceUsage().maxRSS;
}

async function run(w: Workload, reps: number): Promise<ChildReport> {
  const arrays = new Map<string, NpyContents>();
  // Inputs load into ordinary memory, as a user's typed arrays (and NumPy's np.load) are;
  // `wf.Array.from` makes the shared copy the engine works on, outside the timed computes.
  for (const spec of w.inputs) arrays.set(spec.name, readNpyFile(inputPath(w, spec), false));
  const zarr = new Map((w.zarrInputs ?? []).map((spec) => [spec.name, zarrInputPath(w, spec)] as const));
  const catalogs = new Map((w.catalogInputs ?? []).map((spec) => [spec.name, catalogInputPath(w, spec)] as const));

  const side = await import("./tesserae-side.js");
  try {
    side.checkEngine();
    const { expr, options } = side.build(w.id, { arrays, zarr, catalogs });
    const opts = { ...options, ...COMPUTE_OPTS };

    let t0 = performance.now();
    const result = await expr.compute(opts);
    const warmupSec = (performance.now() - t0) / 1000;

    const n = Math.max(1, Math.min(reps, Math.floor(w.budgetSec / Math.max(warmupSec, 1e-6))));
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      t0 = performance.now();
      await expr.compute(opts);
      times.push((performance.now() - t0) / 1000);
    }
    // Before encoding the result, whose copy is no part of the workload's memory.
    const rss = maxRssKiB();
    if (w.writesZarr !== true) {
      mkdirSync(OUT_DIR, { recursive: true });
      const saved = w.writesGeoTiff === true ? await geotiffToNpy(outTifPath(w.id)) : toNpyContents(result);
      writeFileSync(outPath(w.id), encodeNpy(saved.data, saved.shape, saved.dtype));
    }
    return { ok: true, times, warmupSec, maxRssKiB: rss };
  } finally {
    await side.shutdown();
  }
}

function errorText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

let reported = false;

function report(r: ChildReport): void {
  if (reported) return;
  reported = true;
  // Exit explicitly: a worker pool that failed to stop must not hang the bench.
  process.stdout.write(`${REPORT_MARK}${JSON.stringify(r)}\n`, () => process.exit(0));
}

function failed(e: unknown): void {
  if (process.env["BENCH_DEBUG"]) console.error(e);
  report({ ok: false, error: errorText(e), maxRssKiB: maxRssKiB() });
}

async function main(): Promise<void> {
  // A worker that dies at start-up surfaces as an 'error' event nobody listens to: report it, not "exited (1)".
  process.on("uncaughtException", failed);
  const [id = "", repsArg = "5"] = process.argv.slice(2);
  const w = workloadById(id);
  try {
    if (w === undefined || w.status !== "ready") throw new Error(`no runnable workload '${id}'`);
    report(await run(w, Number(repsArg)));
  } catch (e) {
    failed(e);
  }
}

void main();
