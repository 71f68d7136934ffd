/**
 * Task retries: a task whose worker thread died, or whose kernel hit a transient error (an I/O
 * error such as EAGAIN), runs again, on the pool a dead worker has been replaced in. After
 * `retries` retries it fails with a `RetryError` holding every error. A deterministic kernel error
 * (bad data) is raised at once.
 */
import { JobComputeError, RetryError } from "../core/errors.js";
import type { Executor } from "../../scheduler/execute.js";
import type { TaskOutput, WireTask } from "../../workers/run-task.js";

/** Codes the executors give errors that another attempt may not meet. */
export const TRANSIENT_CODES: ReadonlySet<string> = new Set(["WORKER_LOST", "TRANSIENT"]);

export function isTransient(e: unknown): boolean {
  return e instanceof JobComputeError && TRANSIENT_CODES.has(e.code);
}

export class RetryingExecutor implements Executor {
  /** Attempts beyond the first, across all tasks of the run. */
  retried = 0;

  constructor(
    private readonly inner: Executor,
    private readonly retries: number,
    private readonly signal?: AbortSignal,
  ) {}

  get concurrency(): number {
    return this.inner.concurrency;
  }

  async run(task: WireTask, info: { key: string; bytes: number }): Promise<TaskOutput> {
    const errors: Error[] = [];
    for (;;) {
      try {
        return await this.inner.run(task, info);
      } catch (e) {
        if (this.signal?.aborted || !isTransient(e)) throw e;
        errors.push(e as Error);
        if (errors.length > this.retries) {
          if (this.retries === 0) throw e;
          const last = errors[errors.length - 1]!;
          throw new RetryError(`task ${info.key} failed ${errors.length} times; last: ${last.message}`, errors);
        }
        this.retried++;
      }
    }
  }
}
