/**
 * The server's jobs: who submitted each (for the per-client outstanding limit), in which format its
 * result is encoded, and how long a finished one is kept.
 */
import type { Job } from "../jobs/job.js";
import type { FormatSpec } from "../formats/index.js";

export interface JobEntry {
  readonly job: Job;
  readonly client: string;
  readonly format: FormatSpec;
  finishedAt?: number;
}

export class JobTable {
  private readonly jobs = new Map<string, JobEntry>();

  constructor(
    readonly maxPerClient: number,
    private readonly keepFinished = 1000,
    private readonly ttlMs = 60 * 60 * 1000,
  ) {}

  outstanding(client: string): number {
    let n = 0;
    for (const e of this.jobs.values()) if (e.client === client && !e.job.done) n++;
    return n;
  }

  add(entry: JobEntry): void {
    this.sweep();
    this.jobs.set(entry.job.id, entry);
    void entry.job.wait().catch(() => undefined).finally(() => (entry.finishedAt = Date.now()));
  }

  get(id: string): JobEntry | undefined {
    return this.jobs.get(id);
  }

  /** Cancel every job still running (the server is stopping). */
  cancelAll(): void {
    for (const e of this.jobs.values()) if (!e.job.done) e.job.cancel();
  }

  private sweep(): void {
    const now = Date.now();
    const finished = [...this.jobs.values()].filter((e) => e.finishedAt !== undefined);
    for (const e of finished) if (now - e.finishedAt! > this.ttlMs) this.jobs.delete(e.job.id);
    const left = finished.filter((e) => this.jobs.has(e.job.id)).sort((a, b) => a.finishedAt! - b.finishedAt!);
    for (let i = 0; i < left.length - this.keepFinished; i++) this.jobs.delete(left[i]!.job.id);
  }
}
