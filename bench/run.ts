/**
 * `npm run bench`: every workload of BENCH.md, tesserae and its peers side by side.
 *
 *   node dist/bench/run.js [--only B1,B3] [--reps N] [--no-peers]
 *
 * Each workload's tesserae side runs in its own process (per-workload peak RSS); peers run
 * from bench/peers.py under Debian's python3 when it is there. Exit status: 0 when every
 * workload ran and matched its peer's result, 1 when one failed or mismatched, 2 on bad usage.
 * Targets missed are reported, not failed.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { ensureInputs } from "./data.js";
import { readNpyFile } from "./npyio.js";
import { DATA_DIR, outPath, outZarrPath, refPath } from "./paths.js";
import { findPython, runPeers, zarrToNpy, type PythonInfo } from "./peers.js";
import { formatPlanned, formatRow, targetMet, tesseraeSeconds, type Check, type Row } from "./report.js";
import { compareResults } from "./results.js";
import { runTesserae } from "./tesserae.js";
import { WORKLOADS, repsFor, workloadById, type Workload } from "./workloads.js";
import { ensureZarrInputs } from "./zarr-data.js";
import { ensureCatalogInputs } from "./catalog-data.js";

interface Options {
  workloads: Workload[];
  reps: number;
  peers: boolean;
}

const USAGE = "usage: run.js [--only B1,B3] [--reps N] [--no-peers]";

function usage(msg: string): never {
  console.error(`${msg}\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv: readonly string[]): Options {
  const opts: Options = { workloads: [...WORKLOADS], reps: 5, peers: true };
  for (let i = 0; i < argv.length; i++) {
    const [flag = "", inline] = argv[i]!.split(/=(.*)/s);
    const value = (): string => inline ?? argv[++i] ?? usage(`${flag} needs a value`);
    if (flag === "--only") {
      opts.workloads = value().split(",").filter((s) => s.trim()).map((id) => workloadById(id.trim()) ?? usage(`unknown workload '${id}'`));
    } else if (flag === "--reps") {
      opts.reps = Number(value());
      if (!Number.isInteger(opts.reps) || opts.reps < 1) usage("--reps takes a positive integer");
    } else if (flag === "--no-peers") {
      opts.peers = false;
    } else if (flag === "--help" || flag === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else {
      usage(`unknown option '${argv[i]}'`);
    }
  }
  return opts;
}

function check(w: Workload, ok: boolean, freshRef: boolean): Check {
  if (!ok) return { status: "unchecked", detail: "no tesserae result" };
  if (!existsSync(refPath(w.id))) return { status: "unchecked", detail: "no peer result: run once with Python and NumPy" };
  if (!existsSync(outPath(w.id))) return { status: "mismatch", detail: "the child saved no result" };
  const detail = compareResults(readNpyFile(outPath(w.id), false), readNpyFile(refPath(w.id), false), w);
  return detail === undefined ? { status: "ok", cachedRef: !freshRef } : { status: "mismatch", detail };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A Zarr result is read back with zarr-python (what its users would read it with) into outPath. */
async function saveZarrResult(w: Workload, python: () => Promise<PythonInfo | undefined>): Promise<Check | undefined> {
  const py = await python();
  if (py === undefined || py.zarr === null) return { status: "unchecked", detail: "no python3 with zarr to read the Zarr result" };
  const failed = await zarrToNpy(py, outZarrPath(w.id), outPath(w.id));
  return failed === undefined ? undefined : { status: "mismatch", detail: failed };
}

async function runWorkload(w: Workload, opts: Options, python: () => Promise<PythonInfo | undefined>): Promise<Row> {
  const log = (m: string): void => console.log(`   ${m}`);
  let inputs: Map<string, string>;
  let zarrInputs: Map<string, string>;
  try {
    inputs = ensureInputs(w, log);
    zarrInputs = await ensureZarrInputs(w, python, log);
    // peers.py takes a product folder the way it takes a Zarr store: a path it reads itself
    for (const [name, path] of await ensureCatalogInputs(w, log)) zarrInputs.set(name, path);
  } catch (e) {
    const tesserae = { ok: false, error: `no input: ${errorText(e)}`, maxRssKiB: 0 } as const;
    return { w, tesserae, peers: opts.peers ? "no input" : undefined, check: { status: "unchecked", detail: "no input" } };
  }
  const reps = repsFor(w, opts.reps);
  const py = opts.peers ? await python() : undefined;
  let peers: Row["peers"];
  if (opts.peers) peers = py === undefined ? "no python3 with NumPy found" : await runPeers(py, w, inputs, zarrInputs, reps, refPath(w.id));
  const freshRef = peers !== undefined && typeof peers !== "string";

  rmSync(outPath(w.id), { force: true });
  rmSync(outZarrPath(w.id), { recursive: true, force: true });
  const tesserae = await runTesserae(w, reps);
  const unreadable = tesserae.ok && w.writesZarr === true ? await saveZarrResult(w, python) : undefined;
  return { w, tesserae, peers, check: unreadable ?? check(w, tesserae.ok, freshRef) };
}

function describePython(py: PythonInfo | undefined): string {
  if (py === undefined) return "peers: skipped (no python3 with NumPy found; install python3-numpy python3-dask)";
  const dask = py.dask === null ? "no Dask: Dask peers skipped" : `Dask ${py.dask}`;
  const zarr = py.zarr === null ? "no zarr (needed for Zarr inputs and results)" : `zarr ${py.zarr}`;
  return `peers: ${py.exe} (Python ${py.python}, NumPy ${py.numpy}, ${dask}, ${zarr})`;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  console.log(`tesserae bench: node ${process.version}, ${availableParallelism()} CPUs, median of up to ${opts.reps} runs after 1 warm-up`);
  // Also needed without peers, to generate Zarr inputs and read Zarr results; looked for once.
  let found: Promise<PythonInfo | undefined> | undefined;
  const python = (): Promise<PythonInfo | undefined> => (found ??= findPython());
  const py = opts.peers ? await python() : undefined;
  console.log(opts.peers ? describePython(py) : "peers: skipped (--no-peers)");

  const rows: Row[] = [];
  for (const w of opts.workloads) {
    if (w.status !== "ready") {
      console.log(formatPlanned(w));
      continue;
    }
    const row = await runWorkload(w, opts, python);
    rows.push(row);
    console.log(formatRow(row));
    if (row.peers !== undefined && typeof row.peers !== "string" && row.peers.disagree.length > 0) {
      console.log(`   warning: peers disagree with the NumPy reference: ${row.peers.disagree.join(", ")}`);
    }
  }

  const failed = rows.filter((r) => !r.tesserae.ok || r.check.status === "mismatch");
  const met = rows.filter((r) => targetMet(r) === true).length;
  console.log(`targets met: ${met} of ${rows.length}; ${failed.length === 0 ? "no failures" : `FAILED: ${failed.map((r) => r.w.id).join(", ")}`}`);

  mkdirSync(DATA_DIR, { recursive: true });
  const summary = rows.map((r) => ({
    id: r.w.id, name: r.w.name, tesserae: r.tesserae, seconds: tesseraeSeconds(r.tesserae) ?? null,
    peers: r.peers ?? "skipped", targetMet: targetMet(r) ?? null, check: r.check,
  }));
  writeFileSync(join(DATA_DIR, "last-run.json"), `${JSON.stringify(summary, null, 2)}\n`);
  process.exitCode = failed.length > 0 ? 1 : 0;
}

void main();
