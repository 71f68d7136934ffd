/**
 * Zarr inputs (workloads' `zarrInputs`): written once by zarr-python (gen_zarr.py), so that both
 * sides read what zarr-python writes, and reused while their marker file says they match.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DATA_DIR, GEN_ZARR_PY, REF_DIR, refPath, refZarrPath } from "./paths.js";
import type { PythonInfo } from "./peers.js";
import { runInherited } from "./proc.js";
import { DATA_VERSION, type Workload, type ZarrInputSpec } from "./workloads.js";

/** Written last by gen_zarr.py; must match gen_zarr.py's MARKER. */
const MARKER = ".bench-complete";

export function zarrInputPath(w: Workload, input: ZarrInputSpec): string {
  return join(DATA_DIR, `${w.id.toLowerCase()}-${input.name}.${input.shape.join("x")}.v${DATA_VERSION}.zarr`);
}

function markerText(input: ZarrInputSpec): string {
  const { shape, chunks, seed } = input;
  return `${JSON.stringify({ version: DATA_VERSION, dtype: "<f4", compressor: "zarr-python default", shape, chunks, seed })}\n`;
}

function complete(path: string, input: ZarrInputSpec): boolean {
  const marker = join(path, MARKER);
  return existsSync(marker) && readFileSync(marker, "utf8") === markerText(input);
}

function dropReference(w: Workload): void {
  rmSync(refPath(w.id), { force: true });
  rmSync(refZarrPath(w.id), { recursive: true, force: true });
}

/**
 * A peer result kept from an earlier run is for the inputs of that run: another BENCH_B5_IMAGES
 * picks other (already generated) inputs, and the kept result must go.
 */
function keepReferenceFor(w: Workload, paths: ReadonlyMap<string, string>): void {
  const record = `${refPath(w.id)}.inputs`;
  const text = `${[...paths.values()].join("\n")}\n`;
  if (existsSync(record) && readFileSync(record, "utf8") === text) return;
  dropReference(w);
  mkdirSync(REF_DIR, { recursive: true });
  writeFileSync(record, text);
}

/**
 * Make sure every Zarr input of `w` exists; returns name → directory. Python (with zarr) is looked
 * for only when something has to be generated. Throws when it cannot be.
 */
export async function ensureZarrInputs(
  w: Workload,
  python: () => Promise<PythonInfo | undefined>,
  log: (msg: string) => void,
): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  for (const input of w.zarrInputs ?? []) {
    const path = zarrInputPath(w, input);
    paths.set(input.name, path);
    if (complete(path, input)) continue;
    const py = await python();
    if (py === undefined || py.zarr === null) {
      throw new Error(`generating ${path} needs a python3 with zarr (apt-get install python3-zarr); found ${py === undefined ? "none" : `${py.exe} without zarr`}`);
    }
    log(`generating ${path} (${input.shape.join(" × ")} float32) with zarr ${py.zarr}; this is done once`);
    mkdirSync(DATA_DIR, { recursive: true });
    const t0 = performance.now();
    const args = [
      GEN_ZARR_PY, "--path", path, "--shape", input.shape.join(","), "--chunks", input.chunks.join(","),
      "--seed", String(input.seed), "--marker", markerText(input), "--label", `${w.id} ${input.name}`,
    ];
    const r = await runInherited(py.exe, args);
    if (r.code !== 0 || !complete(path, input)) {
      throw new Error(`gen_zarr.py failed (${r.error ?? `exit ${r.code}`}) writing ${path}`);
    }
    dropReference(w);
    log(`generated ${path} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  if (paths.size > 0) keepReferenceFor(w, paths);
  return paths;
}
