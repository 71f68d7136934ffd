/** Chunk files read and written whole, through buffers the caller reuses (nothing allocated per chunk). */
import { closeSync, fstatSync, openSync, readSync, writeSync } from "node:fs";

/**
 * The raw bytes of one chunk file, read with one `readSync` into `bufferFor(size)` (reused, so
 * nothing is allocated per chunk); undefined when the chunk was never written.
 */
export function readChunkFile(file: string, bufferFor: (size: number) => Uint8Array): Uint8Array | undefined {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  try {
    const size = fstatSync(fd).size;
    const buf = bufferFor(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** Writes `parts` one after another as the whole content of `file`. */
export function writeChunkFile(file: string, parts: readonly Uint8Array[]): void {
  const fd = openSync(file, "w");
  try {
    let at = 0;
    for (const p of parts) {
      for (let done = 0; done < p.length; ) {
        const n = writeSync(fd, p, done, p.length - done, at);
        done += n;
        at += n;
      }
    }
  } finally {
    closeSync(fd);
  }
}
