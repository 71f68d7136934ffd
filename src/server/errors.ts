/** Which HTTP status an error raised while answering a request gets. */
import { JobComputeError, ProxyTypeError, ResourceExhausted } from "../core/errors.js";
import { FormatDecodeError, FormatNotAvailableError } from "../formats/index.js";
import { GraphDocumentError } from "../graph/document.js";
import { VersionConflict, WorkflowNotFound } from "../registry/errors.js";
import { HttpError } from "./http-error.js";

export function statusOf(e: unknown): number {
  if (e instanceof HttpError) return e.status;
  if (e instanceof GraphDocumentError) return e.reason === "too_large" ? 413 : 400;
  if (e instanceof ResourceExhausted) return 429;
  if (e instanceof VersionConflict) return 409;
  if (e instanceof WorkflowNotFound) return 404;
  if (e instanceof ProxyTypeError || e instanceof FormatDecodeError || e instanceof FormatNotAvailableError) return 400;
  if (e instanceof JobComputeError) return 422;
  // the request carried values the engine could not take (a malformed argument, say)
  if (e instanceof TypeError || e instanceof RangeError || e instanceof SyntaxError) return 400;
  return 500;
}
