/**
 * One-at-a-time job queue for a worker thread that is handed its next task before the current one
 * ends (executors/pool.ts). Jobs run in arrival order, each from a fresh macrotask: whoever awaits a
 * job's result (Piscina, which posts it from that continuation) runs before the next job starts,
 * so a finished task's result is never held back by the task queued behind it.
 */
export type Enqueue = <T>(job: () => T | Promise<T>) => Promise<T>;

const nextMacrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function serialQueue(): Enqueue {
  let previous: Promise<unknown> = Promise.resolve();
  return <T>(job: () => T | Promise<T>): Promise<T> => {
    const run = previous.then(nextMacrotask).then(job);
    // a failed job must not stop the ones behind it (its own caller sees the failure)
    previous = run.catch(() => undefined);
    return run;
  };
}
