/** Finding a Python with NumPy (and ideally Dask) and running bench/peers.py for one workload. */
import { PEERS_PY } from "./paths.js";
import { lastLine, runProcess } from "./proc.js";
import type { PeerName, Workload } from "./workloads.js";

export interface PythonInfo {
  exe: string;
  python: string;
  numpy: string;
  dask: string | null;
  zarr: string | null;
}

/** `maxRssKiB`: the peer's peak RSS, for workloads where peers.py measures it. */
export type PeerResult = { median: number; times: number[]; maxRssKiB?: number } | { skipped: string };

export interface PeerReport {
  peers: Partial<Record<PeerName, PeerResult>>;
  /** Peers whose result differs from the NumPy reference (a problem of the peers, not of tesserae). */
  disagree: string[];
}

const PROBE_TIMEOUT_MS = 60_000;
const PEER_TIMEOUT_MS = 300_000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseLastJson(stdout: string): unknown {
  try {
    return JSON.parse(lastLine(stdout)) as unknown;
  } catch {
    return undefined;
  }
}

async function probe(exe: string): Promise<PythonInfo | undefined> {
  const r = await runProcess(exe, [PEERS_PY, "--probe"], PROBE_TIMEOUT_MS);
  const v = parseLastJson(r.stdout);
  if (r.code !== 0 || !isRecord(v) || typeof v["numpy"] !== "string") return undefined;
  return {
    exe,
    python: String(v["python"]),
    numpy: v["numpy"],
    dask: typeof v["dask"] === "string" ? v["dask"] : null,
    zarr: typeof v["zarr"] === "string" ? v["zarr"] : null,
  };
}

/** Debian's python3 has NumPy 1.24 and Dask; any python3 with NumPy is the fallback. `BENCH_PYTHON` goes first. */
export async function findPython(): Promise<PythonInfo | undefined> {
  const candidates = [process.env["BENCH_PYTHON"], "/usr/bin/python3", "python3"].filter(
    (c): c is string => c !== undefined && c.length > 0,
  );
  let withNumpy: PythonInfo | undefined;
  for (const exe of candidates) {
    const info = await probe(exe);
    if (info?.dask) return info;
    withNumpy ??= info;
  }
  return withNumpy;
}

function parsePeerReport(v: unknown): PeerReport | undefined {
  if (!isRecord(v) || !isRecord(v["peers"])) return undefined;
  const peers: PeerReport["peers"] = {};
  for (const [name, r] of Object.entries(v["peers"])) {
    if (!isRecord(r)) continue;
    const key = name as PeerName;
    if (typeof r["median"] === "number" && Array.isArray(r["times"])) {
      const rss = r["maxRssKiB"];
      peers[key] = { median: r["median"], times: r["times"].map(Number), ...(typeof rss === "number" ? { maxRssKiB: rss } : {}) };
    } else {
      peers[key] = { skipped: String(r["skipped"] ?? "no result") };
    }
  }
  const disagree = Array.isArray(v["disagree"]) ? v["disagree"].map(String) : [];
  return { peers, disagree };
}

/** Runs the peers of `w`; a string is the reason they could not run. */
export async function runPeers(
  py: PythonInfo,
  w: Workload,
  inputs: ReadonlyMap<string, string>,
  zarrInputs: ReadonlyMap<string, string>,
  reps: number,
  ref: string,
): Promise<PeerReport | string> {
  const args = [PEERS_PY, "--id", w.id, "--reps", String(reps), "--ref", ref, "--rtol", String(w.rtol), "--atol", String(w.atol)];
  for (const [name, path] of inputs) args.push("--input", `${name}=${path}`);
  for (const [name, path] of zarrInputs) args.push("--zarr", `${name}=${path}`);
  const r = await runProcess(py.exe, args, PEER_TIMEOUT_MS);
  if (r.timedOut) return `peers.py timed out after ${PEER_TIMEOUT_MS / 1000} s`;
  const report = r.code === 0 ? parsePeerReport(parseLastJson(r.stdout)) : undefined;
  return report ?? `peers.py failed (exit ${r.code ?? r.signal}): ${lastLine(r.stderr) || r.spawnError || "no output"}`;
}

/** Save the Zarr array at `src` as `.npy` at `dst` with zarr-python; a string is why it failed. */
export async function zarrToNpy(py: PythonInfo, src: string, dst: string): Promise<string | undefined> {
  const r = await runProcess(py.exe, [PEERS_PY, "--zarr-to-npy", src, dst], PROBE_TIMEOUT_MS);
  if (r.code === 0) return undefined;
  return `reading ${src} with zarr-python failed (exit ${r.code ?? r.signal}): ${lastLine(r.stderr) || r.spawnError || "no output"}`;
}
