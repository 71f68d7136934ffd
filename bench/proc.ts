/** Run a process to completion with a timeout, collecting its output. */
import { spawn } from "node:child_process";

export interface ProcResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the process could not be started at all. */
  spawnError?: string;
}

export function runProcess(cmd: string, args: readonly string[], timeoutMs: number): Promise<ProcResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let spawnError: string | undefined;
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr = (stderr + s).slice(-16384)));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (e) => (spawnError = e.message));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut, ...(spawnError === undefined ? {} : { spawnError }) });
    });
  });
}

/** The last non-empty line of `text` (for one-line error summaries). */
export function lastLine(text: string): string {
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l.length > 0);
  return lines.at(-1) ?? "";
}

/** Run a process with its stdout and stderr going straight to ours (long jobs that print progress). */
export function runInherited(cmd: string, args: readonly string[]): Promise<{ code: number | null; error?: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "inherit", "inherit"] });
    let error: string | undefined;
    child.on("error", (e) => (error = e.message));
    child.on("close", (code) => resolve({ code, ...(error === undefined ? {} : { error }) }));
  });
}
