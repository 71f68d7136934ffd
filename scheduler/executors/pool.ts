/**
 * The Piscina pool: one per process, sized to the cores. Chunk data lives in SharedArrayBuffers,
 * so a task carries handles, not copies. Tiny tasks run in this thread: a round trip to a worker
 * (~50 µs) would cost more than the work.
 */
import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import { runTaskSafely, type TaskOutput, type WireResult, type WireTask } from "../../workers/run-task.js";
import type { Executor } from "../execute.js";
import { JobCancelled, JobComputeError } from "../../src/core/errors.js";
import { rethrow } from "./rethrow.js";
import { arenaForPool } from "../../src/core/arena.js";
import { queueingBalancer, TASKS_PER_WORKER } from "./balancer.js";

export { TASKS_PER_WORKER };

/** Tasks touching fewer bytes than this run inline. */
export const INLINE_BYTES = 64 * 1024;

let pool: Piscina | undefined;
let poolSize = 0;
/** Frees the arena scratch slots of the current pool's workers. */
let releaseSlots: (() => void) | undefined;

function workerFile(): URL {
  const ext = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  return new URL(`../../workers/worker${ext}`, import.meta.url);
}

export function getPool(threads: number): Piscina {
  if (pool !== undefined && poolSize === threads) return pool;
  if (pool !== undefined) void destroyPool();
  // Each worker claims a scratch slot in the arena, so its SIMD kernels read arena data in place.
  const arena = arenaForPool(threads);
  releaseSlots = arena?.release;
  // workerData must be an object: web-worker (loaded by geotiff.js) reads it on import in any worker thread.
  const workerData = arena === undefined ? {} : { arena: arena.data };
  // Two tasks per worker (balancer.ts): the next one waits in the worker rather than here. With every
  // core busy, this thread can wait milliseconds for a core before it hands out the next task, and
  // the worker no longer idles through that wait. No run/wait time histograms: nothing reads them,
  // and recording costs this thread time on every task.
  pool = new Piscina({
    filename: workerFile().href, minThreads: threads, maxThreads: threads, idleTimeout: 60_000,
    concurrentTasksPerWorker: TASKS_PER_WORKER, loadBalancer: queueingBalancer, recordTiming: false, workerData,
  });
  poolSize = threads;
  return pool;
}

export async function destroyPool(): Promise<void> {
  const p = pool;
  const release = releaseSlots;
  pool = undefined;
  poolSize = 0;
  releaseSlots = undefined;
  if (p !== undefined) await p.destroy();
  // the slots are free for reuse only once no thread of that pool can write them
  release?.();
}

let inFlight = 0;

/** Tasks sent to the worker threads that have not come back (0 once the pool is idle). */
export function poolTasksInFlight(): number {
  return inFlight;
}

export interface PoolExecutorOptions {
  /**
   * Once aborted, a task not yet sent is refused; one on a worker gets `graceMs` to finish, then
   * its worker thread is terminated (a fresh one replaces it).
   */
  signal?: AbortSignal;
  graceMs?: number;
}

/** Respawning a worker costs more than most tasks take to finish: give running tasks this long. */
export const STOP_GRACE_MS = 500;

function runStoppable(p: Piscina, task: WireTask, signal: AbortSignal | undefined, graceMs: number): Promise<unknown> {
  if (signal === undefined) return p.run(task);
  const stop = new AbortController();
  if (signal.aborted) stop.abort(signal.reason);
  let timer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    timer = setTimeout(() => stop.abort(signal.reason), graceMs);
    timer.unref();
  };
  signal.addEventListener("abort", onAbort, { once: true });
  return p.run(task, { signal: stop.signal }).finally(() => {
    signal.removeEventListener("abort", onAbort);
    clearTimeout(timer);
  });
}

export class PoolExecutor implements Executor {
  readonly concurrency: number;
  private readonly threads: number;
  private readonly signal: AbortSignal | undefined;
  private readonly graceMs: number;

  constructor(threads = availableParallelism(), opts: PoolExecutorOptions = {}) {
    this.threads = Math.max(1, threads);
    this.concurrency = this.threads * TASKS_PER_WORKER;
    this.signal = opts.signal;
    this.graceMs = opts.graceMs ?? STOP_GRACE_MS;
  }

  async run(task: WireTask, info: { key: string; bytes: number }): Promise<TaskOutput> {
    if (info.bytes < INLINE_BYTES) {
      const r = await runTaskSafely(task);
      if (!r.ok) throw rethrow(r.error, info.key);
      return r.value;
    }
    let r: WireResult;
    inFlight++;
    try {
      if (this.signal?.aborted) throw new JobCancelled(`task ${info.key} was not started: the computation was cancelled`, { code: "CANCELLED", taskKey: info.key });
      r = (await runStoppable(getPool(this.threads), task, this.signal, this.graceMs)) as WireResult;
    } catch (e) {
      // Kernel errors come back as data, so a rejection means the worker thread died (or was stopped).
      const why = e instanceof Error ? e.message : String(e);
      if (this.signal?.aborted) throw new JobCancelled(`task ${info.key} was stopped: ${why}`, { code: "CANCELLED", taskKey: info.key, cause: e });
      throw new JobComputeError(`the worker thread running task ${info.key} died: ${why}`, { code: "WORKER_LOST", taskKey: info.key, cause: e });
    } finally {
      inFlight--;
    }
    if (!r.ok) throw rethrow(r.error, info.key);
    return r.value;
  }
}
