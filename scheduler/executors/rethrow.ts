/** A kernel error that came back as data, raised again with the task key and the worker's stack. */
import { JobComputeError } from "../../src/core/errors.js";
import type { WireError } from "../../workers/run-task.js";

export function rethrow(e: WireError, key: string): JobComputeError {
  const err = new JobComputeError(`${e.name}: ${e.message} (in task ${key})`, { taskKey: key, code: e.name === "RangeError" ? "INVALID" : "COMPUTE" });
  if (e.stack !== undefined) err.stack = `${err.name}: ${err.message}\n--- worker stack ---\n${e.stack}`;
  return err;
}
