/** Runs one workload's tesserae side in a child process (child.ts) and reads its report. */
import { siblingModule } from "./paths.js";
import { lastLine, runProcess } from "./proc.js";
import { REPORT_MARK, type ChildReport } from "./protocol.js";
import type { Workload } from "./workloads.js";

function parseReport(stdout: string): ChildReport | undefined {
  const line = stdout.split("\n").filter((l) => l.startsWith(REPORT_MARK)).at(-1);
  if (line === undefined) return undefined;
  try {
    return JSON.parse(line.slice(REPORT_MARK.length)) as ChildReport;
  } catch {
    return undefined;
  }
}

export async function runTesserae(w: Workload, reps: number): Promise<ChildReport> {
  // Input loading and a slow warm-up come on top of the budget for the timed repetitions.
  const timeoutMs = Math.max(240, 4 * w.budgetSec) * 1000;
  // execArgv carries a TypeScript loader (tsx) into the child when the bench runs from source.
  const args = [...process.execArgv, siblingModule("child"), w.id, String(reps)];
  const r = await runProcess(process.execPath, args, timeoutMs);
  if (process.env["BENCH_DEBUG"] && r.stderr) process.stderr.write(r.stderr);
  const report = parseReport(r.stdout);
  if (report !== undefined) return report;
  const why = r.timedOut
    ? `timed out after ${timeoutMs / 1000} s`
    : `child exited (${r.code ?? r.signal}) without a report: ${lastLine(r.stderr) || r.spawnError || "no output"}`;
  return { ok: false, error: why, maxRssKiB: 0 };
}
