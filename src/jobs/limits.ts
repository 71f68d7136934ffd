/**
 * Admission and concurrency of jobs: past `getConfig().maxOutstandingJobs` unfinished jobs a new
 * one raises `ResourceExhausted`; at most `RUNNING_JOBS` run at once (p-queue), the rest wait QUEUED.
 */
import PQueue from "p-queue";
import { ResourceExhausted } from "../core/errors.js";
import { getConfig } from "../config.js";
import type { Job } from "./job.js";

/** Jobs that run at once; they share one worker pool, so more would only add memory. */
export const RUNNING_JOBS = 2;

const queue = new PQueue({ concurrency: RUNNING_JOBS });
let outstanding = 0;

export function outstandingJobs(): number {
  return outstanding;
}

/** Throws `ResourceExhausted` when no new job may start. */
export function admit(): void {
  const max = getConfig().maxOutstandingJobs;
  if (outstanding >= max) {
    throw new ResourceExhausted(`too many outstanding jobs: ${outstanding} of at most ${max} (wf.configure({maxOutstandingJobs}) raises the limit)`);
  }
}

/** Counts `job` as outstanding until it ends, and runs `work` when a slot is free (not at all if the job ended first). */
export function enqueue(job: Job, work: () => Promise<void>): void {
  admit();
  outstanding++;
  void job.wait().finally(() => outstanding--);
  void queue.add(async () => {
    if (!job.done) await work();
  });
}
