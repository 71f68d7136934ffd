/**
 * `compute()` through the job system: admitted (or `ResourceExhausted`), queued, then PREPARING
 * (cache lookup), RUNNING (tasks on the worker pool, retried per `numRetries`), SAVING (format and
 * destination), and SUCCEEDED, FAILED or CANCELLED. `inspect()` runs the same pipeline without a Job.
 */
import { JobTimeoutError } from "../core/errors.js";
import { getConfig } from "../config.js";
import { PoolExecutor } from "../../scheduler/executors/pool.js";
import { Job } from "./job.js";
import { enqueue } from "./limits.js";
import type { RunOptions } from "./options.js";
import { finish, produce, type Bound } from "./pipeline.js";
import { ProgressSum } from "./progress.js";
import { drawProgress } from "./progress-bar.js";
import { RetryingExecutor } from "./retry.js";
import type { ResultView } from "../imagery/deliver.js";

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

async function runJob(job: Job, b: Bound, o: RunOptions, view?: ResultView): Promise<void> {
  const signal = job.controller.signal;
  try {
    job.update("PREPARING");
    const pool = new PoolExecutor(getConfig().workers, { signal });
    const sum = new ProgressSum();
    const p = await produce(b, o, new RetryingExecutor(pool, o.numRetries, signal), {
      signal,
      onRunning: () => job.update("RUNNING"),
      onProgress: (pr) => job.update("RUNNING", sum.add(pr)),
    }, { view });
    job.stats.tasksRun = p.tasksRun;
    job.stats.cacheHit = p.cacheHit;
    job.update("SAVING");
    job.succeed(p.value === undefined ? p.delivered : await finish(b.node, p.value, o, signal, view));
  } catch (e) {
    job.fail(asError(e));
  }
}

/** Starts a job; resolves to the `Job` itself when `block: false`, else to its result. */
export async function submitJob(b: Bound, o: RunOptions, view?: ResultView): Promise<unknown> {
  const job = new Job();
  try {
    enqueue(job, () => runJob(job, b, o, view));
  } catch (e) {
    job.fail(asError(e));
    throw e;
  }
  if (o.timeout !== undefined) job.expireAfter(o.timeout);
  if (o.progressBar !== undefined) drawProgress(job, o.progressBar).catch(() => undefined); // a broken stream must not fail the job
  if (!o.block) return job;
  return job.result();
}

/** The low-latency path: no Job, no retries, no progress; still cancelled by its timeout. */
export async function runInspect(b: Bound, o: RunOptions, view?: ResultView): Promise<unknown> {
  const ac = new AbortController();
  const seconds = o.timeout ?? 60;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const e = new JobTimeoutError(`inspect did not finish within ${seconds} s`);
      ac.abort(e);
      reject(e);
    }, seconds * 1000);
    timer.unref();
  });
  const run = (async () => {
    const p = await produce(b, o, new PoolExecutor(getConfig().workers, { signal: ac.signal }), { signal: ac.signal }, { view });
    return p.value === undefined ? p.delivered : finish(b.node, p.value, o, ac.signal, view);
  })();
  try {
    return await Promise.race([run, expired]);
  } finally {
    clearTimeout(timer);
    run.catch(() => undefined);
  }
}
