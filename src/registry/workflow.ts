/** `wf.Workflow`: a published workflow, its versions, and the registry queries. */
import { WorkflowNotFound } from "./errors.js";
import { resolveStore, type HasWorkflowStore } from "./embedded.js";
import { VersionedGraft } from "./graft.js";
import { checkVersion, checkWorkflowId } from "./ids.js";
import type { WorkflowMeta } from "./store.js";

export interface RegistryOptions {
  client?: HasWorkflowStore;
}

/** A workflow's descriptive fields are those of its stored record (declared once, in store.ts). */
export interface Workflow extends WorkflowMeta {}

export class Workflow {
  /** Oldest first (semver order). */
  readonly versions: readonly VersionedGraft[];

  private constructor(meta: WorkflowMeta, versions: readonly VersionedGraft[]) {
    Object.assign(this, meta);
    this.versions = versions;
  }

  getVersion(version: string): VersionedGraft {
    const v = this.versions.find((g) => g.version === version);
    if (v === undefined) {
      throw new WorkflowNotFound(`${this.id} has no version ${JSON.stringify(version)}; versions: ${this.versions.map((g) => g.version).join(", ") || "none"}`);
    }
    return v;
  }

  static async get(id: string, opts: RegistryOptions = {}): Promise<Workflow> {
    checkWorkflowId(id);
    const store = await resolveStore(opts.client);
    const rec = await store.get(id);
    if (rec === undefined) throw new WorkflowNotFound(`no workflow ${JSON.stringify(id)}`);
    const versions = await Promise.all(rec.versions.map(async (v) => {
      const r = await store.getVersion(id, v.version);
      if (r === undefined) throw new WorkflowNotFound(`${id} version ${v.version} disappeared while reading it`);
      return new VersionedGraft(r);
    }));
    return new Workflow(rec.meta, versions);
  }

  /** One saved version, without reading the others. */
  static async getVersion(id: string, version: string, opts: RegistryOptions = {}): Promise<VersionedGraft> {
    checkWorkflowId(id);
    checkVersion(version);
    const r = await (await resolveStore(opts.client)).getVersion(id, version);
    if (r === undefined) throw new WorkflowNotFound(`no version ${version} of workflow ${JSON.stringify(id)}`);
    return new VersionedGraft(r);
  }

  static async list(opts: RegistryOptions = {}): Promise<WorkflowMeta[]> {
    return (await resolveStore(opts.client)).list();
  }

  /** Workflows whose id, title, description, tags or labels contain `query` (case-insensitive). */
  static async search(query: string, opts: RegistryOptions = {}): Promise<WorkflowMeta[]> {
    return (await resolveStore(opts.client)).list(query);
  }

  /** Remove a workflow and all its versions; false when there was none. */
  static async delete(id: string, opts: RegistryOptions = {}): Promise<boolean> {
    checkWorkflowId(id);
    return (await resolveStore(opts.client)).delete(id);
  }

  toString(): string {
    return `Workflow(${this.id}, versions ${this.versions.map((v) => v.version).join(", ")})`;
  }
}
