/**
 * Which worker gets the next task: the least loaded one holding fewer than `TASKS_PER_WORKER`, so
 * each worker has its next task queued behind the running one (workers/serial.ts runs them in order).
 *
 * Piscina's own balancer never queues a task behind an abortable one (every task of a job is
 * abortable: it carries the job's stop signal), and reports such a worker's load as Infinity.
 * Here its load is what it is: one task. The price: stopping a task that waits in a worker stops
 * that worker, and the task running there comes back as WORKER_LOST (and is retried).
 */
export const TASKS_PER_WORKER = 2;

/** What the balancer reads of a Piscina worker. */
export interface WorkerLoad {
  readonly currentUsage: number;
  readonly isRunningAbortableTask: boolean;
  readonly terminating: boolean;
  readonly destroyed: boolean;
}

/** Tasks a worker holds (Piscina reports Infinity for a worker running one abortable task). */
const tasksHeld = (w: WorkerLoad): number => (w.isRunningAbortableTask ? 1 : w.currentUsage);

export function queueingBalancer<W extends WorkerLoad>(_task: unknown, workers: readonly W[]): W | null {
  let best: W | null = null;
  let bestLoad = TASKS_PER_WORKER;
  for (const w of workers) {
    if (w.terminating || w.destroyed) continue;
    const load = tasksHeld(w);
    if (load < bestLoad) {
      best = w;
      bestLoad = load;
      if (load === 0) break;
    }
  }
  return best;
}
