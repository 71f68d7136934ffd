/**
 * Where a running plan keeps its intermediate stores (restage.ts): a directory per store inside one
 * private temporary directory, made when a task first needs it and removed as soon as nothing reads
 * the store any more, or when the execution ends (also on failure).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { STORE_READER } from "./restage.js";
import type { SourceInfo } from "./task.js";

export class StoreDirs {
  private root: string | undefined;
  private readonly made = new Map<number, string>();

  constructor(private readonly parent: string = tmpdir()) {}

  dir(id: number): string {
    let d = this.made.get(id);
    if (d === undefined) {
      this.root ??= mkdtempSync(join(this.parent, "tesserae-rechunk-"));
      d = join(this.root, String(id));
      mkdirSync(d, { recursive: true });
      this.made.set(id, d);
    }
    return d;
  }

  /** A source as a worker reads it: an intermediate store gets its directory. */
  locate(s: SourceInfo): SourceInfo {
    if (s.reader !== STORE_READER) return s;
    return { ...s, params: { ...s.params, dir: this.dir(s.params["store"] as number) } };
  }

  drop(id: number): void {
    const d = this.made.get(id);
    if (d === undefined) return;
    this.made.delete(id);
    rmSync(d, { recursive: true, force: true });
  }

  close(): void {
    this.made.clear();
    if (this.root !== undefined) rmSync(this.root, { recursive: true, force: true });
    this.root = undefined;
  }
}
