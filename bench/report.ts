/** One printed line per workload. */
import type { ChildReport } from "./protocol.js";
import type { PeerReport } from "./peers.js";
import type { Workload } from "./workloads.js";

export type Check =
  | { status: "ok"; cachedRef: boolean }
  | { status: "mismatch"; detail: string }
  | { status: "unchecked"; detail: string };

export interface Row {
  w: Workload;
  tesserae: ChildReport;
  /** A report, the reason the peers did not run, or undefined with --no-peers. */
  peers: PeerReport | string | undefined;
  check: Check;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const sec = (s: number): string => `${s < 1 ? s.toPrecision(3) : s.toFixed(2)} s`;
const ratio = (r: number): string => `${r >= 10 ? r.toFixed(0) : r.toPrecision(2)}×`;
const mib = (kib: number): number => Math.round(kib / 1024);

export function tesseraeSeconds(r: ChildReport): number | undefined {
  return r.ok ? median(r.times) : undefined;
}

function peerMedian(peers: Row["peers"], name: string): number | undefined {
  if (peers === undefined || typeof peers === "string") return undefined;
  const p = peers.peers[name as keyof PeerReport["peers"]];
  return p !== undefined && "median" in p ? p.median : undefined;
}

function peerPart(row: Row, t: number | undefined): string {
  if (row.peers === undefined) return "peers skipped (--no-peers)";
  if (typeof row.peers === "string") return `peers skipped (${row.peers})`;
  const peers = row.peers;
  return row.w.peers
    .map((name) => {
      const m = peerMedian(peers, name);
      if (m === undefined) return `${name} skipped`;
      const p = peers.peers[name];
      const rss = p !== undefined && "maxRssKiB" in p && p.maxRssKiB !== undefined ? ` (peak RSS ${mib(p.maxRssKiB)} MiB)` : "";
      return `${name} ${sec(m)}${rss}${t === undefined ? "" : ` → ${ratio(t / m)}`}`;
    })
    .join(" | ");
}

export function targetMet(row: Row): boolean | undefined {
  const t = tesseraeSeconds(row.tesserae);
  const m = peerMedian(row.peers, row.w.target.peer);
  if (t === undefined || m === undefined) return undefined;
  const rssOk = row.w.target.maxRssMiB === undefined || mib(row.tesserae.maxRssKiB) <= row.w.target.maxRssMiB;
  return t / m <= row.w.target.ratio && rssOk;
}

function targetPart(row: Row): string {
  const { peer, ratio: r, maxRssMiB } = row.w.target;
  const label = `target ≤ ${r}× ${peer}${maxRssMiB === undefined ? "" : ` and ≤ ${maxRssMiB} MiB`}`;
  const met = targetMet(row);
  if (met !== undefined) return `${label}: ${met ? "MET" : "MISSED"}`;
  return `${label}: n/a (${row.tesserae.ok ? `${peer} skipped` : "tesserae failed"})`;
}

function checkPart(c: Check): string {
  if (c.status === "ok") return c.cachedRef ? "result ok (vs peer result of an earlier run)" : "result ok";
  if (c.status === "mismatch") return `RESULT MISMATCH: ${c.detail}`;
  return `result unchecked (${c.detail})`;
}

function oneLine(s: string, max = 240): string {
  const l = s.replace(/\s+/g, " ").trim();
  return l.length > max ? `${l.slice(0, max - 1)}…` : l;
}

export function formatRow(row: Row): string {
  const head = `${row.w.id} ${row.w.name}`.padEnd(17);
  const r = row.tesserae;
  const t = tesseraeSeconds(r);
  const tess = r.ok ? `tesserae ${sec(median(r.times))} (n=${r.times.length})` : `tesserae ERROR: ${oneLine(r.error)}`;
  const rss = r.maxRssKiB > 0 ? `peak RSS ${mib(r.maxRssKiB)} MiB` : "peak RSS n/a";
  return [`${head} ${tess.padEnd(24)}`, peerPart(row, t), targetPart(row), rss, checkPart(row.check)].join(" | ");
}

export function formatPlanned(w: Workload): string {
  return `${`${w.id} ${w.name}`.padEnd(17)} planned: not in the bench yet (see workloads.ts)`;
}
