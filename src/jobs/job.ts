/**
 * `wf.Job`: one execution with a live stage, progress counts, cancel, and an async iterator of updates.
 * Jobs of this process are found again by id with `Job.get` (the most recent finished ones are kept).
 */
import { randomUUID } from "node:crypto";
import { JobCancelled, JobComputeError, JobTimeoutError } from "../core/errors.js";
import type { Progress } from "../../scheduler/execute.js";

export type JobStage = "QUEUED" | "PREPARING" | "RUNNING" | "SAVING" | "SUCCEEDED" | "FAILED" | "CANCELLED";

export interface JobUpdate {
  stage: JobStage;
  progress: Progress;
}

/** What the job did: tasks it ran, and whether the result came from the cache. */
export interface JobStats {
  tasksRun: number;
  cacheHit: boolean;
}

/**
 * Jobs by id for `Job.get`. A finished job holds its result, so only the most recent few are kept
 * alive here; older ones stay findable while the caller still holds them.
 */
const jobs = new Map<string, WeakRef<Job>>();
const live = new Set<Job>();
const recent: Job[] = [];
const KEEP_FINISHED = 16;
const forget = new FinalizationRegistry<string>((id) => {
  if (jobs.get(id)?.deref() === undefined) jobs.delete(id);
});
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
  readonly stats: JobStats = { tasksRun: 0, cacheHit: false };
  private value: T | undefined;
  private readonly finished: Promise<void>;
  private settle!: () => void;
  private readonly listeners = new Set<() => void>();
  /** Aborted when the job ends early (cancel, timeout, failure): its tasks stop being scheduled. */
  readonly controller = new AbortController();
  private deadline: NodeJS.Timeout | undefined;

  constructor() {
    this.finished = new Promise<void>((r) => (this.settle = r));
    jobs.set(this.id, new WeakRef(this as Job));
    live.add(this as Job);
    forget.register(this, this.id);
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
    if (this.done) return;
    this.value = value;
    this.end("SUCCEEDED");
  }
  /** @internal A failure also stops whatever of the job is still running. */
  fail(e: Error, stage: "FAILED" | "CANCELLED" = e instanceof JobCancelled ? "CANCELLED" : "FAILED"): void {
    if (this.done) return;
    if (e instanceof JobComputeError && e.jobId === undefined) e.jobId = this.id;
    this.error = e;
    this.controller.abort(e);
    this.end(stage);
  }
  /** @internal Cancel the job with a `JobTimeoutError` after `seconds`. */
  expireAfter(seconds: number): void {
    this.deadline = setTimeout(() => this.fail(new JobTimeoutError(`job ${this.id} did not finish within ${seconds} s`), "CANCELLED"), seconds * 1000);
    this.deadline.unref();
  }

  private end(stage: JobStage): void {
    clearTimeout(this.deadline);
    this.update(stage);
    live.delete(this as Job);
    recent.push(this as Job);
    if (recent.length > KEEP_FINISHED) recent.shift();
    this.settle();
  }

  cancel(): void {
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

  /** Stage and progress updates in order, ending with the final stage (intermediate ones may be merged). */
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
        const u: JobUpdate = { stage: this.stage, progress: { ...this.progress } };
        yield u;
        if (FINAL.has(u.stage)) return;
      }
    } finally {
      this.listeners.delete(l);
    }
  }

  static async get(id: string, opts: { client?: unknown } = {}): Promise<Job> {
    const client = opts.client as { getJob?: (id: string) => Promise<Job> } | undefined;
    if (client !== undefined) {
      if (typeof client.getJob !== "function") throw new TypeError("Job.get: client must be a wf.Client");
      return client.getJob(id);
    }
    const j = jobs.get(id)?.deref();
    if (j === undefined) throw new Error(`no job with id ${id}`);
    return j;
  }
}
