/**
 * The workflow store interface: what the embedded SQLite store and a job server's registry both
 * offer. Records are plain data; documents are graph documents in MessagePack form.
 */

export type Labels = { readonly [k: string]: string };

export interface WorkflowMeta {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly labels: Labels;
  readonly tags: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface VersionInfo {
  readonly version: string;
  readonly docstring: string;
  readonly labels: Labels;
  readonly vizOptions: unknown;
  /** sha256 of the document bytes. */
  readonly digest: string;
  readonly createdAt: string;
}

export interface VersionRecord extends VersionInfo {
  readonly id: string;
  readonly document: Uint8Array;
}

/** What publishing sends: the workflow's descriptive fields (kept when absent) and one version. */
export interface PublishRequest {
  readonly id: string;
  readonly title?: string;
  readonly description?: string;
  readonly labels?: Labels;
  readonly tags?: readonly string[];
  readonly version: string;
  readonly document: Uint8Array;
  readonly docstring?: string;
  readonly versionLabels?: Labels;
  readonly vizOptions?: unknown;
}

export interface WorkflowRecord {
  readonly meta: WorkflowMeta;
  /** Oldest version first (semver order). */
  readonly versions: readonly VersionInfo[];
}

export interface WorkflowStore {
  /** `created` for a new version, `unchanged` when the same content was saved before; a conflict throws. */
  publish(req: PublishRequest): Promise<"created" | "unchanged">;
  get(id: string): Promise<WorkflowRecord | undefined>;
  getVersion(id: string, version: string): Promise<VersionRecord | undefined>;
  /** Every workflow, or those whose id, title, description, tags or labels contain `query`. */
  list(query?: string): Promise<WorkflowMeta[]>;
  delete(id: string): Promise<boolean>;
}
