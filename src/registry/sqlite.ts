/**
 * The embedded workflow store: one SQLite file under TESSERAE_HOME. Every publish is one
 * transaction, so a crash leaves either the whole version or none of it; WAL with full sync
 * keeps what was committed across a killed process.
 */
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { VersionConflict } from "./errors.js";
import { compareVersions } from "./ids.js";
import type { Labels, PublishRequest, VersionInfo, VersionRecord, WorkflowMeta, WorkflowRecord, WorkflowStore } from "./store.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS workflows (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  labels TEXT NOT NULL,
  tags TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
  workflow_id TEXT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
  version TEXT NOT NULL,
  digest TEXT NOT NULL,
  document BLOB NOT NULL,
  docstring TEXT NOT NULL,
  labels TEXT NOT NULL,
  viz_options TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (workflow_id, version)
);
`;

interface WorkflowRow { id: string; title: string; description: string; labels: string; tags: string; created_at: string; updated_at: string }
interface VersionRow { workflow_id: string; version: string; digest: string; document: Uint8Array; docstring: string; labels: string; viz_options: string; created_at: string }

const metaOf = (r: WorkflowRow): WorkflowMeta => ({
  id: r.id,
  title: r.title,
  description: r.description,
  labels: JSON.parse(r.labels) as Labels,
  tags: JSON.parse(r.tags) as string[],
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const infoOf = (r: Omit<VersionRow, "document">): VersionInfo => ({
  version: r.version,
  docstring: r.docstring,
  labels: JSON.parse(r.labels) as Labels,
  vizOptions: JSON.parse(r.viz_options) as unknown,
  digest: r.digest,
  createdAt: r.created_at,
});

/** Labels with sorted keys, so equal labels compare equal as text. */
function labelsText(l: Labels | undefined): string {
  return JSON.stringify(Object.fromEntries(Object.entries(l ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

const likeEscape = (q: string): string => q.replace(/[\\%_]/g, (c) => `\\${c}`);

export class SqliteStore implements WorkflowStore {
  private constructor(private readonly db: BetterSqlite3.Database) {}

  static async open(file: string): Promise<SqliteStore> {
    const Database = (await import("better-sqlite3")).default;
    mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    db.exec(SCHEMA);
    return new SqliteStore(db);
  }

  close(): void {
    this.db.close();
  }

  async publish(req: PublishRequest): Promise<"created" | "unchanged"> {
    const digest = createHash("sha256").update(req.document).digest("hex");
    const labels = labelsText(req.versionLabels);
    const viz = JSON.stringify(req.vizOptions ?? null);
    const docstring = req.docstring ?? "";
    const now = new Date().toISOString();
    const run = this.db.transaction((): "created" | "unchanged" => {
      const old = this.db.prepare("SELECT digest, docstring, labels, viz_options FROM versions WHERE workflow_id = ? AND version = ?").get(req.id, req.version) as
        | Pick<VersionRow, "digest" | "docstring" | "labels" | "viz_options">
        | undefined;
      if (old !== undefined) {
        if (old.digest === digest && old.docstring === docstring && old.labels === labels && old.viz_options === viz) return "unchanged";
        throw new VersionConflict(`${req.id} version ${req.version} is already saved with different content; versions are immutable: publish a new version`);
      }
      const prev = this.db.prepare("SELECT * FROM workflows WHERE id = ?").get(req.id) as WorkflowRow | undefined;
      this.db.prepare(
        `INSERT INTO workflows (id, title, description, labels, tags, created_at, updated_at) VALUES (@id, @title, @description, @labels, @tags, @created, @now)
         ON CONFLICT(id) DO UPDATE SET title = @title, description = @description, labels = @labels, tags = @tags, updated_at = @now`,
      ).run({
        id: req.id,
        title: req.title ?? prev?.title ?? "",
        description: req.description ?? prev?.description ?? "",
        labels: req.labels === undefined ? (prev?.labels ?? "{}") : labelsText(req.labels),
        tags: req.tags === undefined ? (prev?.tags ?? "[]") : JSON.stringify([...req.tags]),
        created: prev?.created_at ?? now,
        now,
      });
      this.db.prepare(
        "INSERT INTO versions (workflow_id, version, digest, document, docstring, labels, viz_options, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      ).run(req.id, req.version, digest, Buffer.from(req.document), docstring, labels, viz, now);
      return "created";
    });
    return run.immediate();
  }

  async get(id: string): Promise<WorkflowRecord | undefined> {
    const row = this.db.prepare("SELECT * FROM workflows WHERE id = ?").get(id) as WorkflowRow | undefined;
    if (row === undefined) return undefined;
    const rows = this.db.prepare("SELECT workflow_id, version, digest, docstring, labels, viz_options, created_at FROM versions WHERE workflow_id = ?").all(id) as Omit<VersionRow, "document">[];
    return { meta: metaOf(row), versions: rows.map(infoOf).sort((a, b) => compareVersions(a.version, b.version)) };
  }

  async getVersion(id: string, version: string): Promise<VersionRecord | undefined> {
    const r = this.db.prepare("SELECT * FROM versions WHERE workflow_id = ? AND version = ?").get(id, version) as VersionRow | undefined;
    return r === undefined ? undefined : { ...infoOf(r), id: r.workflow_id, document: new Uint8Array(r.document) };
  }

  async list(query?: string): Promise<WorkflowMeta[]> {
    const rows = (query === undefined || query === ""
      ? this.db.prepare("SELECT * FROM workflows ORDER BY id").all()
      : this.db.prepare(
        `SELECT * FROM workflows WHERE id LIKE @q ESCAPE '\\' OR title LIKE @q ESCAPE '\\' OR description LIKE @q ESCAPE '\\'
           OR tags LIKE @q ESCAPE '\\' OR labels LIKE @q ESCAPE '\\' ORDER BY id`,
      ).all({ q: `%${likeEscape(query)}%` })) as WorkflowRow[];
    return rows.map(metaOf);
  }

  async delete(id: string): Promise<boolean> {
    return this.db.transaction(() => this.db.prepare("DELETE FROM workflows WHERE id = ?").run(id).changes > 0).immediate();
  }
}
