/** A kernel error that came back as data, raised again with the task key and the worker's stack. */
import { JobComputeError } from "../../src/core/errors.js";
import type { WireError } from "../../workers/run-task.js";

/** System error codes that another attempt may not meet (the job's `numRetries` retries them). */
const TRANSIENT_ERRNO: ReadonlySet<string> = new Set(["EAGAIN", "EBUSY", "EMFILE", "ENFILE", "ETIMEDOUT", "ECONNRESET", "EINTR"]);

export function rethrow(e: WireError, key: string): JobComputeError {
  const code = e.code !== undefined && TRANSIENT_ERRNO.has(e.code) ? "TRANSIENT" : e.name === "RangeError" || e.name === "ValueError" ? "INVALID" : "COMPUTE";
  const err = new JobComputeError(`${e.name}: ${e.message} (in task ${key})`, { taskKey: key, code });
  if (e.stack !== undefined) err.stack = `${err.name}: ${err.message}\n--- worker stack ---\n${e.stack}`;
  return err;
}
