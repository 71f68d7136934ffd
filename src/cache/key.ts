/**
 * The cache key of a result: the graph's hash (nodes are interned by content), the arguments by
 * content, the geocontext, and the identity (size, mtime) of every file a source node reads, so a
 * changed input file is never answered from the cache.
 */
import { createHash } from "node:crypto";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { topoOrder, type Node } from "../graph/node.js";

/** A file's identity, or every file's under a directory (a Zarr store is rewritten chunk by chunk). */
async function identity(path: string, out: string[]): Promise<void> {
  const s = await stat(path);
  if (!s.isDirectory()) {
    out.push(`${path}|${s.size}|${s.mtimeMs}`);
    return;
  }
  for (const name of (await readdir(path)).sort()) await identity(join(path, name), out);
}

/**
 * Readers whose data is fully named by their params plus the files under `params.path`. A source
 * of any other reader makes a result uncacheable until its reader is listed here.
 */
const CACHEABLE_READERS: ReadonlySet<string> = new Set(["npy", "zarr", "geotiff", "testing.sleep", "testing.crash"]);

/** The files a source reads: `params.path`, or (imagery) the file of every band of every image. */
function pathsOf(params: unknown): string[] {
  if (params === null || typeof params !== "object" || Array.isArray(params)) return [];
  const p = params as Record<string, unknown>;
  if (typeof p["path"] === "string") return [p["path"]];
  if (!Array.isArray(p["images"])) return [];
  const paths = (p["images"] as { bands?: { path?: unknown }[] }[]).flatMap((img) => (img.bands ?? []).map((b) => b.path));
  return [...new Set(paths.filter((x): x is string => typeof x === "string"))];
}

class Uncacheable extends Error {}

async function sourceFiles(root: Node): Promise<string[]> {
  const out: string[] = [];
  for (const n of topoOrder([root])) {
    if (n.op !== "source") continue;
    if (!CACHEABLE_READERS.has(String(n.attrs["reader"]))) throw new Uncacheable();
    for (const path of pathsOf(n.attrs["params"])) await identity(path, out);
  }
  return out;
}

/** `argsDigest` names the arguments by content (see params/bind); `geoctx` is JSON-able or undefined. */
export async function cacheKey(root: Node, argsDigest: string, geoctx: unknown): Promise<string | undefined> {
  let files: string[];
  try {
    files = await sourceFiles(root);
  } catch {
    return undefined; // an unreadable input: let the computation report it
  }
  const h = createHash("sha256");
  h.update(JSON.stringify({ v: 1, graph: root.hash, files, args: argsDigest, geoctx: geoctx === undefined ? null : JSON.stringify(geoctx) }));
  return h.digest("hex");
}

/**
 * Whether a result may go to the disk cache: a big literal is keyed by a token unique to this
 * process (its content is not hashed), so no other process can ever ask for it again.
 */
export function persistable(root: Node): boolean {
  return topoOrder([root]).every((n) => n.op !== "literal" || !isProcessToken(n.attrs["token"]));
}

function isProcessToken(t: unknown): boolean {
  return typeof t === "string" && /^t\d+\./.test(t);
}
