/** The embedded default store: `workflows.db` under the configured home, opened once per path. */
import { join } from "node:path";
import { getConfig } from "../config.js";
import { SqliteStore } from "./sqlite.js";
import type { WorkflowStore } from "./store.js";

const open = new Map<string, Promise<SqliteStore>>();

export function storeAt(home: string): Promise<SqliteStore> {
  const file = join(home, "workflows.db");
  let s = open.get(file);
  if (s === undefined) {
    s = SqliteStore.open(file);
    open.set(file, s);
    s.catch(() => open.delete(file));
  }
  return s;
}

export function embeddedStore(): Promise<SqliteStore> {
  return storeAt(getConfig().home);
}

/** Anything that carries a workflow store: a `Client` of a job server does. */
export interface HasWorkflowStore {
  readonly workflows: WorkflowStore;
}

export async function resolveStore(client: HasWorkflowStore | undefined): Promise<WorkflowStore> {
  return client === undefined ? embeddedStore() : client.workflows;
}

/** Close every embedded store (tests, and a server that stops). */
export async function closeEmbeddedStores(): Promise<void> {
  const all = [...open.values()];
  open.clear();
  for (const s of all) (await s).close();
}
