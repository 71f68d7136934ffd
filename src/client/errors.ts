/** Server answers and job errors turned back into tesserae's error classes on the client side. */
import {
  JobCancelled, JobComputeError, JobDeadlineExceeded, JobInvalid, JobOOM, JobTimeoutError, ProxyTypeError,
  ResourceExhausted, RetryError,
} from "../core/errors.js";
import { VersionConflict, WorkflowNotFound } from "../registry/errors.js";
import type { WireError } from "../server/protocol.js";

/** A server refused a request for a reason that has no class of its own (401, 403, 413, ...). */
export class ServerError extends Error {
  readonly _tag = "ServerError";
  override name = "ServerError";
  constructor(readonly status: number, message: string, readonly errorName: string) {
    super(message);
  }
}

const JOB_ERRORS: Readonly<Record<string, typeof JobComputeError>> = {
  JobComputeError, JobInvalid, JobOOM, JobDeadlineExceeded, JobCancelled,
};

/** The error a job failed with on the server, as the class the embedded client would raise. */
export function jobError(e: WireError): Error {
  const opts = { ...(e.code === undefined ? {} : { code: e.code }), ...(e.jobId === undefined ? {} : { jobId: e.jobId }) };
  const Cls = JOB_ERRORS[e.name];
  if (Cls !== undefined) return new Cls(e.message, opts);
  if (e.name === "JobTimeoutError") return new JobTimeoutError(e.message);
  if (e.name === "RetryError") return new RetryError(e.message, []);
  if (e.name === "ProxyTypeError") return new ProxyTypeError(e.message);
  if (e.name === "ResourceExhausted") return new ResourceExhausted(e.message);
  return new JobComputeError(`${e.name}: ${e.message}`, opts);
}

/** The error of a non-2xx answer. */
export function answerError(status: number, e: WireError | undefined): Error {
  const name = e?.name ?? `HTTP ${status}`;
  const message = e?.message ?? `the server answered ${status}`;
  if (status === 429) return new ResourceExhausted(message);
  if (name === "VersionConflict") return new VersionConflict(message);
  if (name === "WorkflowNotFound") return new WorkflowNotFound(message);
  if (status === 400 && (name === "ProxyTypeError" || name === "GraphDocumentError" || name === "BadRequest")) return new ProxyTypeError(message);
  if (status === 422 || (e !== undefined && JOB_ERRORS[name] !== undefined)) return jobError(e ?? { name, message });
  return new ServerError(status, `${name}: ${message}`, name);
}
