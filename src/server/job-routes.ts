/** Job endpoints: submit, status, progress stream, result, cancel, and inspect. */
import { ResourceExhausted } from "../core/errors.js";
import { Job } from "../jobs/job.js";
import { wrapNode } from "../proxy/wrap.js";
import { readValue } from "./body.js";
import type { Call, ServerContext } from "./context.js";
import { HttpError } from "./http-error.js";
import { CONTENT_TYPES, type JobStatus } from "./protocol.js";
import { sendBytes, sendJson, wireError } from "./respond.js";
import { parseSubmission, type Submission } from "./submission.js";

interface Computable {
  compute(opts: Record<string, unknown>): Promise<unknown>;
  inspect(opts: Record<string, unknown>): Promise<unknown>;
}

function statusOf(job: Job): JobStatus {
  return {
    id: job.id,
    stage: job.stage,
    progress: { ...job.progress },
    done: job.done,
    ...(job.error === undefined ? {} : { error: wireError(job.error) }),
  };
}

function runOptions(s: Submission): Record<string, unknown> {
  return { ...s.options, ...(Object.keys(s.arguments).length > 0 ? { arguments: s.arguments } : {}) };
}

function sendResult(call: Call, value: unknown, type: string): void {
  if (value instanceof Uint8Array) sendBytes(call.res, 200, value, CONTENT_TYPES[type] ?? "application/octet-stream");
  else sendJson(call.res, 200, { value: value ?? null });
}

export async function submitJob(call: Call, ctx: ServerContext): Promise<void> {
  if (ctx.jobs.outstanding(call.client) >= ctx.jobs.maxPerClient) {
    throw new HttpError(429, `this client already has ${ctx.jobs.maxPerClient} outstanding jobs; wait for one to finish`);
  }
  const { value, form } = await readValue(call.req, ctx.maxBodyBytes);
  const s = parseSubmission(value, form, ctx.limits);
  const job = await wrapNode<Computable>(s.root).compute({ ...runOptions(s), block: false });
  if (!(job instanceof Job)) throw new Error("compute({block: false}) did not give a Job");
  ctx.jobs.add({ job, client: call.client, format: s.format });
  sendJson(call.res, 202, statusOf(job));
}

function entry(call: Call, ctx: ServerContext) {
  const e = ctx.jobs.get(call.segments[1]!);
  if (e === undefined) throw new HttpError(404, `no job ${JSON.stringify(call.segments[1])}`);
  return e;
}

export async function jobStatus(call: Call, ctx: ServerContext): Promise<void> {
  sendJson(call.res, 200, statusOf(entry(call, ctx).job));
}

export async function cancelJob(call: Call, ctx: ServerContext): Promise<void> {
  const { job } = entry(call, ctx);
  job.cancel();
  sendJson(call.res, 200, statusOf(job));
}

export async function jobResult(call: Call, ctx: ServerContext): Promise<void> {
  const { job, format } = entry(call, ctx);
  if (!job.done) throw new HttpError(409, `job ${job.id} is ${job.stage}: its result is not ready`);
  if (job.error !== undefined) {
    call.res.statusCode = 409;
    sendJson(call.res, 409, { error: wireError(job.error) });
    return;
  }
  sendResult(call, await job.result(), format.type);
}

/** Server-sent events: one `update` event per stage or progress change, ending with the final stage. */
export async function jobEvents(call: Call, ctx: ServerContext): Promise<void> {
  const { job } = entry(call, ctx);
  call.res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
  let closed = false;
  call.res.on("close", () => (closed = true));
  for await (const u of job.watch()) {
    if (closed) break;
    call.res.write(`event: update\ndata: ${JSON.stringify({ ...statusOf(job), stage: u.stage, progress: u.progress })}\n\n`);
  }
  if (!closed) call.res.end();
}

export async function inspect(call: Call, ctx: ServerContext): Promise<void> {
  if (ctx.jobs.outstanding(call.client) >= ctx.jobs.maxPerClient) {
    throw new ResourceExhausted(`this client already has ${ctx.jobs.maxPerClient} outstanding jobs`);
  }
  const { value, form } = await readValue(call.req, ctx.maxBodyBytes);
  const s = parseSubmission(value, form, ctx.limits);
  const out = await wrapNode<Computable>(s.root).inspect(runOptions(s));
  sendResult(call, out, s.format.type);
}
