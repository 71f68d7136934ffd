/**
 * `wf.Job`: one execution with a live stage, progress counts, cancel, and an async iterator of updates.
 * Jobs of this process are found again by id with `Job.get`.
 */
import { randomUUID } from "node:crypto";
import { JobCancelled, JobTimeoutError } from "../core/errors.js";
import type { Progress } from "../../scheduler/execute.js";

export type JobStage = "QUEUED" | "PREPARING" | "RUNNING" | "SAVING" | "SUCCEEDED" | "FAILED" | "CANCELLED";

export interface JobUpdate {
  stage: JobStage;
  progress: Progress;
}

const jobs = new Map<string, Job>();
const FINAL: ReadonlySet<JobStage> = new Set<JobStage>(["SUCCEEDED", "FAILED", "CANCELLED"]);

function withTimeout<T>(p: Promise<T>, seconds: number | undefined, what: string): Promise<T> {
  if (seconds === undefined) return p;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new JobTimeoutError(`${what} did not finish within ${seconds} s`)), seconds * 1000);
    timer.unref?.();
    p.then((v) => { clearTimeout(timer); resolve(v); }, (e: unknown) => { clearTimeout(timer); reject(e); });
  });
}

export class Job<T = unknown> {
  readonly id: string = randomUUID();
  stage: JobStage = "QUEUED";
  progress: Progress = { waiting: 0, ready: 0, running: 0, finished: 0, total: 0 };
  error: Error | undefined;
  private value: T | undefined;
  private readonly finished: Promise<void>;
  private settle!: () => void;
  private readonly listeners = new Set<() => void>();
  readonly controller = new AbortController();

  constructor() {
    this.finished = new Promise<void>((r) => (this.settle = r));
    jobs.set(this.id, this as Job);
  }

  get done(): boolean {
    return FINAL.has(this.stage);
  }

  /** @internal */
  update(stage: JobStage, progress?: Progress): void {
    if (this.done) return;
    this.stage = stage;
    if (progress !== undefined) this.progress = progress;
    for (const l of this.listeners) l();
  }
  /** @internal */
  succeed(value: T): void {
    this.value = value;
    this.update("SUCCEEDED");
    this.settle();
  }
  /** @internal */
  fail(e: Error): void {
    if (this.done) return;
    this.error = e;
    this.update(e instanceof JobCancelled ? "CANCELLED" : "FAILED");
    this.settle();
  }

  cancel(): void {
    if (this.done) return;
    this.controller.abort();
    this.fail(new JobCancelled(`job ${this.id} was cancelled`, { code: "CANCELLED", jobId: this.id }));
  }

  async wait(opts: { timeout?: number } = {}): Promise<void> {
    await withTimeout(this.finished, opts.timeout, `job ${this.id}`);
  }

  async result(opts: { timeout?: number } = {}): Promise<T> {
    await this.wait(opts);
    if (this.error !== undefined) throw this.error;
    return this.value as T;
  }

  /** Stage and progress updates, ending after the final stage. */
  async *watch(): AsyncGenerator<JobUpdate> {
    let wake: (() => void) | undefined;
    let dirty = true;
    const l = () => {
      dirty = true;
      wake?.();
    };
    this.listeners.add(l);
    try {
      for (;;) {
        if (!dirty) await new Promise<void>((r) => (wake = r));
        dirty = false;
        wake = undefined;
        yield { stage: this.stage, progress: { ...this.progress } };
        if (this.done) return;
      }
    } finally {
      this.listeners.delete(l);
    }
  }

  static async get(id: string): Promise<Job> {
    const j = jobs.get(id);
    if (j === undefined) throw new Error(`no job with id ${id}`);
    return j;
  }
}
