/**
 * A job running on a server, seen as a `wf.Job`: stage and progress follow the server's event
 * stream (polling when the stream breaks), `cancel` asks the server, `result` downloads and decodes.
 */
import { JobCancelled } from "../core/errors.js";
import { Job, type JobStage } from "../jobs/job.js";
import { API, type JobStatus } from "../server/protocol.js";
import { jobError } from "./errors.js";
import { call, callBytes, callJson, headers, type Transport } from "./http.js";

export type Decode = (bytes: Uint8Array) => unknown;

const FINAL = new Set<string>(["SUCCEEDED", "FAILED", "CANCELLED"]);
const POLL_MS = 100;

export class RemoteJob<T = unknown> extends Job<T> {
  override readonly id: string;

  constructor(status: JobStatus, private readonly t: Transport, private readonly decode: Decode) {
    super();
    this.id = status.id;
    void this.follow(status);
  }

  private apply(s: JobStatus): void {
    if (!FINAL.has(s.stage)) this.update(s.stage as JobStage, s.progress);
  }

  private async finish(s: JobStatus): Promise<void> {
    this.progress = s.progress;
    if (s.stage === "SUCCEEDED") {
      try {
        this.succeed(this.decode(await callBytes(this.t, "GET", `${API}/jobs/${this.id}/result`)) as T);
      } catch (e) {
        this.fail(e as Error);
      }
    } else if (s.stage === "CANCELLED") {
      this.fail(new JobCancelled(s.error?.message ?? `job ${this.id} was cancelled`, { code: "CANCELLED", jobId: this.id }));
    } else {
      this.fail(jobError(s.error ?? { name: "JobComputeError", message: `job ${this.id} failed` }));
    }
  }

  /** Updates from the event stream; `undefined` when it ended without a final stage. */
  private async stream(): Promise<JobStatus | undefined> {
    const res = await fetch(`${this.t.url}${API}/jobs/${this.id}/events`, { headers: headers(this.t, { accept: "text/event-stream" }) });
    if (!res.ok || res.body === null) return undefined;
    const text = new TextDecoder();
    let buf = "";
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += text.decode(chunk, { stream: true });
      let end: number;
      while ((end = buf.indexOf("\n\n")) >= 0) {
        const event = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const data = event.split("\n").find((l) => l.startsWith("data: "));
        if (data === undefined) continue;
        const s = JSON.parse(data.slice(6)) as JobStatus;
        if (FINAL.has(s.stage)) return s;
        this.apply(s);
      }
    }
    return undefined;
  }

  private async follow(first: JobStatus): Promise<void> {
    if (FINAL.has(first.stage)) return this.finish(first);
    let last: JobStatus | undefined;
    try {
      last = await this.stream();
    } catch {
      last = undefined;
    }
    try {
      while (last === undefined || !FINAL.has(last.stage)) {
        if (this.done) return;
        last = await callJson<JobStatus>(this.t, "GET", `${API}/jobs/${this.id}`);
        if (!FINAL.has(last.stage)) {
          this.apply(last);
          await new Promise((r) => setTimeout(r, POLL_MS));
        }
      }
      await this.finish(last);
    } catch (e) {
      this.fail(e as Error);
    }
  }

  override cancel(): void {
    if (this.done) return;
    void call(this.t, "DELETE", `${API}/jobs/${this.id}`).catch(() => undefined);
    super.cancel();
  }
}
