/**
 * The result cache of `compute({cache})` and `inspect({cache})`: in memory, then on disk under
 * `TESSERAE_HOME`, each bounded by `getConfig().cacheSize` bytes (0 turns the cache off).
 */
import { join } from "node:path";
import { getConfig } from "../config.js";
import { DiskLRU } from "./disk.js";
import { MemoryLRU, type CachedValue } from "./memory.js";

export { cacheKey, persistable } from "./key.js";
export type { CachedValue } from "./memory.js";

const memory = new MemoryLRU();
const disks = new Map<string, DiskLRU>();

function disk(): DiskLRU {
  const dir = join(getConfig().home, "cache", "results");
  let d = disks.get(dir);
  if (d === undefined) disks.set(dir, (d = new DiskLRU(dir)));
  return d;
}

export async function cacheGet(key: string): Promise<CachedValue | undefined> {
  const limit = getConfig().cacheSize;
  if (limit === 0) return undefined;
  const hit = memory.get(key, limit);
  if (hit !== undefined) return hit;
  const v = await disk().get(key);
  if (v !== undefined) memory.put(key, v, limit);
  return v;
}

/** `persist: false` keeps a result in memory only (its graph names data that only this process has). */
export async function cachePut(key: string, value: CachedValue, persist: boolean): Promise<void> {
  const limit = getConfig().cacheSize;
  if (limit === 0) return;
  memory.put(key, value, limit);
  if (persist) await disk().put(key, value, limit);
}

export function diskCacheUsage(): Promise<number> {
  return disk().usage();
}

/** Forget the in-memory entries (tests; the disk entries stay). */
export function clearMemoryCache(): void {
  memory.clear();
}

export function memoryCacheStats(): { entries: number; bytes: number } {
  return { entries: memory.size, bytes: memory.bytes };
}
