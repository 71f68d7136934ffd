/** What every route handler is given. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { WorkflowStore } from "../registry/store.js";
import type { JobTable } from "./job-table.js";
import type { Limits } from "./submission.js";

export interface ServerContext {
  readonly limits: Limits;
  readonly jobs: JobTable;
  readonly store: WorkflowStore;
  readonly maxBodyBytes: number;
}

export interface Call {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  /** Path segments after `/v1`, URL-decoded. */
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  /** Who is calling, for the per-client job limit. */
  readonly client: string;
}

export type Handler = (call: Call, ctx: ServerContext) => Promise<void>;
