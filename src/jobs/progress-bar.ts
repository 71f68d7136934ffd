/**
 * A one-line progress bar: tasks finished / total, the stage and the elapsed time, redrawn in place
 * (at most every `intervalMs`) on a terminal or any stream given as `progressBar`.
 */
import type { Writable } from "node:stream";
import type { Job } from "./job.js";

const WIDTH = 30;

export function renderBar(stage: string, finished: number, total: number, seconds: number): string {
  const frac = total > 0 ? Math.min(1, finished / total) : stage === "SUCCEEDED" ? 1 : 0;
  const full = Math.round(frac * WIDTH);
  const bar = "█".repeat(full) + "░".repeat(WIDTH - full);
  return `[${bar}] ${String(Math.round(frac * 100)).padStart(3)}% | ${finished}/${total} tasks | ${stage} | ${seconds.toFixed(1)}s`;
}

/** Draws `job` on `stream` until it ends; resolves once the last line is written. */
export async function drawProgress(job: Job, stream: Writable, intervalMs = 100): Promise<void> {
  const start = Date.now();
  let lastDraw = 0;
  let width = 0;
  const draw = (stage: string, finished: number, total: number): void => {
    const line = renderBar(stage, finished, total, (Date.now() - start) / 1000);
    stream.write(`\r${line}${" ".repeat(Math.max(0, width - line.length))}`);
    width = line.length;
    lastDraw = Date.now();
  };
  let lastStage = "";
  for await (const u of job.watch()) {
    const changed = u.stage !== lastStage;
    lastStage = u.stage;
    if (u.stage === "SUCCEEDED" || u.stage === "FAILED" || u.stage === "CANCELLED") draw(u.stage, u.progress.finished, u.progress.total);
    else if (changed || Date.now() - lastDraw >= intervalMs) draw(u.stage, u.progress.finished, u.progress.total);
  }
  stream.write("\n");
}
