/** The workflow store of a job server, over HTTP: what `publish`, `Workflow` and `use` call with a client. */
import type { PublishRequest, VersionRecord, WorkflowMeta, WorkflowRecord, WorkflowStore } from "../registry/store.js";
import { WorkflowNotFound } from "../registry/errors.js";
import { API } from "../server/protocol.js";
import { callJson, callMsgpack, type Transport } from "./http.js";

const wfPath = (id: string, version?: string): string =>
  `${API}/workflows/${encodeURIComponent(id)}${version === undefined ? "" : `/versions/${encodeURIComponent(version)}`}`;

async function orUndefined<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof WorkflowNotFound) return undefined;
    throw e;
  }
}

export class RemoteStore implements WorkflowStore {
  constructor(private readonly t: Transport) {}

  async publish(req: PublishRequest): Promise<"created" | "unchanged"> {
    const { id, version, ...body } = req;
    const r = await callJson<{ outcome: "created" | "unchanged" }>(this.t, "PUT", wfPath(id, version), body);
    return r.outcome;
  }

  get(id: string): Promise<WorkflowRecord | undefined> {
    return orUndefined(callJson<WorkflowRecord>(this.t, "GET", wfPath(id)));
  }

  async getVersion(id: string, version: string): Promise<VersionRecord | undefined> {
    const r = await orUndefined(callMsgpack<VersionRecord>(this.t, "GET", wfPath(id, version)));
    return r === undefined ? undefined : { ...r, document: new Uint8Array(r.document) };
  }

  async list(query?: string): Promise<WorkflowMeta[]> {
    const q = query === undefined || query === "" ? "" : `?q=${encodeURIComponent(query)}`;
    return (await callJson<{ workflows: WorkflowMeta[] }>(this.t, "GET", `${API}/workflows${q}`)).workflows;
  }

  async delete(id: string): Promise<boolean> {
    return (await orUndefined(callJson<unknown>(this.t, "DELETE", wfPath(id)))) !== undefined;
  }
}
