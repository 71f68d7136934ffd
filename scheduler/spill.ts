/**
 * Spilling: a finished buffer that must wait for later readers can leave memory for a file and come
 * back, whole or just the element range a task reads. The scheduler decides what to spill (pure
 * bookkeeping in execute.ts); the bytes move through an injected `SpillStore`, so tests can count
 * and check them without a disk.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface SpillStore {
  /** Keeps `bytes` under `id` (a buffer's data or mask); the caller may drop its memory afterwards. */
  put(id: string, bytes: Uint8Array): void;
  /** Copies `into.length` bytes from `byteOffset` of what `id` holds. */
  read(id: string, byteOffset: number, into: Uint8Array): void;
  drop(id: string): void;
  /** Drops everything still held (the end of an execution, or its failure). */
  close(): void;
}

/** Spill files in a private temporary directory, removed when the execution ends. */
export class FileSpillStore implements SpillStore {
  private dir: string | undefined;
  private readonly files = new Map<string, string>();

  constructor(private readonly parent: string = tmpdir()) {}

  private pathFor(id: string): string {
    this.dir ??= mkdtempSync(join(this.parent, "tesserae-spill-"));
    return join(this.dir, id.replace(/[^A-Za-z0-9_.-]/g, "_"));
  }

  put(id: string, bytes: Uint8Array): void {
    const path = this.pathFor(id);
    const fd = openSync(path, "w");
    try {
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at, at);
    } finally {
      closeSync(fd);
    }
    this.files.set(id, path);
  }

  read(id: string, byteOffset: number, into: Uint8Array): void {
    const path = this.files.get(id);
    if (path === undefined) throw new Error(`spilled buffer ${id} is not on disk`);
    const fd = openSync(path, "r");
    try {
      for (let got = 0; got < into.length; ) {
        const n = readSync(fd, into, got, into.length - got, byteOffset + got);
        if (n === 0) throw new Error(`spill file of ${id} ended at byte ${byteOffset + got}, ${into.length - got} bytes short`);
        got += n;
      }
    } finally {
      closeSync(fd);
    }
  }

  drop(id: string): void {
    const path = this.files.get(id);
    if (path === undefined) return;
    this.files.delete(id);
    try {
      unlinkSync(path);
    } catch {
      // already gone: nothing to free
    }
  }

  close(): void {
    this.files.clear();
    if (this.dir !== undefined) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
