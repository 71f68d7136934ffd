/**
 * The `file` destination: the encoded bytes written under a temporary name beside the target and
 * renamed into place, so a failed job never leaves a half-written file under the final name.
 */
import { randomBytes } from "node:crypto";
import { rename, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Writable } from "node:stream";
import { JobComputeError } from "../core/errors.js";

export function destinationError(path: string, e: unknown): JobComputeError {
  const why = e instanceof Error ? e.message : String(e);
  return new JobComputeError(`cannot write the result to ${path}: ${why}`, { code: "DESTINATION", cause: e });
}

/** A sibling name no other writer uses (same directory, so the final rename is atomic). */
export function tempSibling(path: string, tag: string): string {
  return join(dirname(path), `.${basename(path)}.${tag}-${randomBytes(6).toString("hex")}`);
}

/** `bytes` may come in pieces, written in order without joining them in memory. */
export async function writeFileAtomic(path: string, bytes: Uint8Array | readonly Uint8Array[], signal?: AbortSignal): Promise<void> {
  const tmp = tempSibling(path, "partial");
  try {
    await writeFile(tmp, bytes, { flag: "wx" });
    signal?.throwIfAborted();
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    if (signal?.aborted) throw signal.reason;
    throw destinationError(path, e);
  }
}

export async function writeToStream(stream: Writable, bytes: Uint8Array | readonly Uint8Array[]): Promise<void> {
  for (const piece of bytes instanceof Uint8Array ? [bytes] : bytes) {
    await new Promise<void>((resolve, reject) => {
      stream.write(piece, (e) => (e ? reject(destinationError("a stream", e)) : resolve()));
    });
  }
}
