/** An in-memory LRU of results bounded in bytes. Entries are copies: callers may mutate what they get. */
import { MaskedNDArray, NDArray } from "../core/ndarray.js";

export type CachedValue = NDArray | MaskedNDArray;

export function copyValue(v: CachedValue): CachedValue {
  const data = v.data.slice();
  if (v instanceof MaskedNDArray) return new MaskedNDArray(data, v.mask.slice(), v.shape, v.dtype, v.fillValue);
  return new NDArray(data, v.shape, v.dtype);
}

export function bytesOfValue(v: CachedValue): number {
  return v.data.byteLength + (v instanceof MaskedNDArray ? v.mask.byteLength : 0);
}

export class MemoryLRU {
  private readonly entries = new Map<string, { value: CachedValue; bytes: number }>();
  private used = 0;

  get size(): number {
    return this.entries.size;
  }
  get bytes(): number {
    return this.used;
  }

  get(key: string, limit: number): CachedValue | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    this.evict(limit);
    return this.entries.has(key) ? copyValue(e.value) : undefined;
  }

  put(key: string, value: CachedValue, limit: number): void {
    const bytes = bytesOfValue(value);
    if (bytes > limit) return;
    this.delete(key);
    this.entries.set(key, { value: copyValue(value), bytes });
    this.used += bytes;
    this.evict(limit);
  }

  delete(key: string): void {
    const e = this.entries.get(key);
    if (e === undefined) return;
    this.entries.delete(key);
    this.used -= e.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.used = 0;
  }

  /** Least recently used first (Map order is insertion order; hits re-insert). */
  private evict(limit: number): void {
    for (const key of this.entries.keys()) {
      if (this.used <= limit) return;
      this.delete(key);
    }
  }
}
