/**
 * Results on disk under `<home>/cache/results`, as the `npy` format writes them (`.npz` bytes for
 * masked results). Bounded in bytes; the least recently used files go first. The directory is
 * listed once per process and then tracked in memory (hits also touch the file's mtime, which is
 * the order the next process starts from). Best effort: an I/O error here never fails a job.
 */
import { mkdir, readFile, readdir, rename, stat, unlink, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { decodeNpyResult } from "../formats/npz.js";
import { encodeResult } from "../formats/index.js";
import type { CachedValue } from "./memory.js";

const EXT = ".npy";

export class DiskLRU {
  /** name → size, least recently used first. */
  private index: Map<string, number> | undefined;
  private used = 0;

  constructor(readonly dir: string) {}

  private file(key: string): string {
    return join(this.dir, key + EXT);
  }

  private async load(): Promise<Map<string, number>> {
    if (this.index !== undefined) return this.index;
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const found: { name: string; size: number; mtime: number }[] = [];
    for (const name of names) {
      if (!name.endsWith(EXT) || name.startsWith(".")) continue;
      const s = await stat(join(this.dir, name)).catch(() => undefined);
      if (s !== undefined) found.push({ name, size: s.size, mtime: s.mtimeMs });
    }
    found.sort((a, b) => a.mtime - b.mtime);
    this.index = new Map(found.map((f) => [f.name, f.size]));
    this.used = found.reduce((a, f) => a + f.size, 0);
    return this.index;
  }

  private touch(index: Map<string, number>, name: string, size: number): void {
    const old = index.get(name);
    if (old !== undefined) {
      index.delete(name);
      this.used -= old;
    }
    index.set(name, size);
    this.used += size;
  }

  async get(key: string): Promise<CachedValue | undefined> {
    const index = await this.load();
    const f = this.file(key);
    try {
      const bytes = await readFile(f);
      this.touch(index, key + EXT, bytes.length);
      const now = new Date();
      await utimes(f, now, now).catch(() => undefined);
      return decodeNpyResult(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch {
      return undefined;
    }
  }

  async put(key: string, value: CachedValue, limit: number): Promise<void> {
    const bytes = encodeResult(value, { type: "npy" });
    if (bytes.length > limit) return;
    try {
      const index = await this.load();
      await mkdir(this.dir, { recursive: true });
      const tmp = join(this.dir, `.${key}.${process.pid}.tmp`);
      await writeFile(tmp, bytes);
      await rename(tmp, this.file(key));
      this.touch(index, key + EXT, bytes.length);
      await this.evict(index, limit);
    } catch {
      /* best effort */
    }
  }

  /** Bytes of the results this process knows to be stored. */
  async usage(): Promise<number> {
    await this.load();
    return this.used;
  }

  private async evict(index: Map<string, number>, limit: number): Promise<void> {
    for (const [name, size] of index) {
      if (this.used <= limit) return;
      index.delete(name);
      this.used -= size;
      await unlink(join(this.dir, name)).catch(() => undefined);
    }
  }
}
