/** The route table: method and path shape → handler. */
import type { Handler } from "./context.js";
import { cancelJob, inspect, jobEvents, jobResult, jobStatus, submitJob } from "./job-routes.js";
import { sendJson } from "./respond.js";
import { deleteWorkflow, getVersion, getWorkflow, listWorkflows, putVersion } from "./workflow-routes.js";

interface Route {
  readonly method: string;
  /** Segments after /v1; `*` matches any one segment. */
  readonly path: readonly string[];
  readonly handler: Handler;
}

const health: Handler = async (call) => sendJson(call.res, 200, { ok: true });

export const ROUTES: readonly Route[] = [
  { method: "GET", path: ["health"], handler: health },
  { method: "POST", path: ["jobs"], handler: submitJob },
  { method: "GET", path: ["jobs", "*"], handler: jobStatus },
  { method: "DELETE", path: ["jobs", "*"], handler: cancelJob },
  { method: "GET", path: ["jobs", "*", "events"], handler: jobEvents },
  { method: "GET", path: ["jobs", "*", "result"], handler: jobResult },
  { method: "POST", path: ["inspect"], handler: inspect },
  { method: "GET", path: ["workflows"], handler: listWorkflows },
  { method: "GET", path: ["workflows", "*"], handler: getWorkflow },
  { method: "DELETE", path: ["workflows", "*"], handler: deleteWorkflow },
  { method: "GET", path: ["workflows", "*", "versions", "*"], handler: getVersion },
  { method: "PUT", path: ["workflows", "*", "versions", "*"], handler: putVersion },
];

const matches = (path: readonly string[], segs: readonly string[]): boolean =>
  path.length === segs.length && path.every((p, i) => p === "*" || p === segs[i]);

/** The handler, `405` when the path exists under another method, `undefined` when it does not. */
export function route(method: string, segs: readonly string[]): Handler | 405 | undefined {
  const hits = ROUTES.filter((r) => matches(r.path, segs));
  if (hits.length === 0) return undefined;
  return hits.find((r) => r.method === method)?.handler ?? 405;
}
