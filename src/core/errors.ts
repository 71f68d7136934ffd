/** The error classes of API.md section 5, tagged so they survive crossing threads and the wire. */

export class ProxyTypeError extends TypeError {
  readonly _tag = "ProxyTypeError";
  override name = "ProxyTypeError";
}

export class JobComputeError extends Error {
  readonly _tag: string = "JobComputeError";
  override name = "JobComputeError";
  code: string;
  jobId: string | undefined;
  /** The task key the error came from, when a kernel failed. */
  taskKey: string | undefined;
  constructor(message: string, opts: { code?: string; jobId?: string; taskKey?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = opts.code ?? "COMPUTE";
    this.jobId = opts.jobId;
    this.taskKey = opts.taskKey;
  }
}

export class JobInvalid extends JobComputeError {
  override readonly _tag = "JobInvalid";
  override name = "JobInvalid";
}
export class JobOOM extends JobComputeError {
  override readonly _tag = "JobOOM";
  override name = "JobOOM";
}
export class JobDeadlineExceeded extends JobComputeError {
  override readonly _tag = "JobDeadlineExceeded";
  override name = "JobDeadlineExceeded";
}
export class JobCancelled extends JobComputeError {
  override readonly _tag = "JobCancelled";
  override name = "JobCancelled";
}

export class JobTimeoutError extends Error {
  readonly _tag = "JobTimeoutError";
  override name = "JobTimeoutError";
}

export class RetryError extends Error {
  readonly _tag = "RetryError";
  override name = "RetryError";
  readonly exceptions: Error[];
  constructor(message: string, exceptions: Error[]) {
    super(message);
    this.exceptions = exceptions;
  }
}

export class ResourceExhausted extends Error {
  readonly _tag = "ResourceExhausted";
  override name = "ResourceExhausted";
}
