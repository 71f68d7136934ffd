/**
 * Process lifecycle (issue 2): a script that computes on the worker pool and never calls
 * `wf.shutdown()` exits by itself (run in its own node process with the TypeScript loader this
 * test runs under); `shutdown()` then `compute()` starts a new pool; `configure({workers})` sizes
 * the pool. Pool threads are counted through the `worker_threads` diagnostics channel.
 *
 * Why not `node --import tsx`: on Node 20, tsx's `--import` hooks do not reach worker threads
 * (privatenumber/tsx#354), so the pool's `workers/worker.ts` fails to load there. tap's loader
 * (ts-node, inherited through execArgv) does reach them.
 */
import t from "tap";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import dc from "node:diagnostics_channel";
import * as wf from "../../src/index.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const INDEX = pathToFileURL(join(ROOT, "src/index.ts")).href;
/** The loader flags of this process (tap's TypeScript import), else tsx. */
const LOADER = ((): string[] => {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (/^--(import|loader|require)=.*typescript/.test(a)) out.push(a);
    else if (/^--(import|loader|require)$/.test(a) && /typescript/.test(argv[i + 1] ?? "")) out.push(a, argv[++i]!);
  }
  return out.length > 0 ? out : ["--import", "tsx"];
})();
// Loading the TypeScript worker code in each new pool thread dominates; on busy cores that is slow.
t.setTimeout(300_000);

const dir = mkdtempSync(join(tmpdir(), "tesserae-lifecycle-"));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** Script preamble: the library, and a count of worker threads started. */
const PRELUDE = `
import * as wf from ${JSON.stringify(INDEX)};
import dc from "node:diagnostics_channel";
let threads = 0;
dc.subscribe("worker_threads", () => threads++);
/** 2^20 float64 in chunks of 2^17: eight 1 MiB+ tasks, far above the size that runs inline. */
const big = (k: number) => wf.Array.from(new Float64Array(1 << 20).fill(k), [1 << 20], { chunks: [1 << 17] });
`;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from the line starting with "DONE" to the process exit. */
  afterDone: number | undefined;
}

function runScript(name: string, body: string, killAfterMs = 90_000): Promise<Run> {
  const file = join(dir, `${name}.mts`);
  writeFileSync(file, PRELUDE + body);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...LOADER, file], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TESSERAE_WORKERS: "1" } });
    let stdout = "";
    let stderr = "";
    let doneAt: number | undefined;
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
      if (doneAt === undefined && /^DONE/m.test(stdout)) doneAt = Date.now();
    });
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const killer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, afterDone: doneAt === undefined ? undefined : Date.now() - doneAt });
    });
  });
}

function lastJSON(stdout: string): Record<string, unknown> {
  const line = stdout.split("\n").find((l) => l.startsWith("DONE "));
  return line === undefined ? {} : (JSON.parse(line.slice(5)) as Record<string, unknown>);
}

// Started now, so the child runs while this process does the in-process test below. One pool
// thread: loading the TypeScript worker code is the slow part.
const plainScript = runScript(
  "no-shutdown",
  `
const s = await big(1).mul(3).sum().compute();
console.log("DONE " + JSON.stringify({ sum: s, threads }));
`,
);

t.test("shutdown, then compute again; configure({workers}) sizes the pool", async (t) => {
  let threads = 0;
  const count = () => threads++;
  dc.subscribe("worker_threads", count);
  t.teardown(async () => {
    dc.unsubscribe("worker_threads", count);
    await wf.shutdown();
  });
  const big = (k: number) => wf.Array.from(new Float64Array(1 << 20).fill(k), [1 << 20], { chunks: [1 << 17] });

  wf.configure({ workers: 1 });
  t.equal(await big(1).add(1).sum().compute(), 2 * 2 ** 20);
  t.equal(threads, 1, "workers: 1 starts one thread");
  t.equal(await big(2).sum().compute(), 2 * 2 ** 20);
  t.equal(threads, 1, "…and keeps it for the next job");
  await wf.shutdown();
  await wf.shutdown(); // twice is harmless
  wf.configure({ workers: 2 });
  t.equal(await big(3).mul(2).sum().compute(), 6 * 2 ** 20, "compute works after shutdown");
  t.equal(threads, 3, "…on a new pool, of two threads with workers: 2");
});

t.test("a script that computes on the pool and never calls shutdown exits by itself", async (t) => {
  const run = await plainScript;
  t.equal(run.signal, null, `not killed (stderr: ${run.stderr.slice(-500)})`);
  t.equal(run.code, 0);
  const r = lastJSON(run.stdout);
  t.equal(r["sum"], 3 * 2 ** 20, "the result was computed");
  t.equal(r["threads"], 1, "on the pool's thread");
  t.ok(run.afterDone !== undefined && run.afterDone < 10_000, `exited ${run.afterDone} ms after its work was done`);
});
