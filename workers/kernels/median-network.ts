/**
 * Medians of short runs through a generated sorting network: a run's values are held in locals,
 * masked ones as +Infinity (they sort last, so the first `count` are the valid values in order),
 * sorted by Batcher's merge exchange, and the middle taken. No data-dependent loop, which keeps
 * branch mispredictions down against an insertion sort of random values. The generated source is
 * built from comparator indices and the run length only, and cached per (length, masked).
 */
import type { Operand } from "../codegen/loops.js";

/** Runs up to this long use a network; longer ones the typed-array sort. */
export const NETWORK_MAX = 24;

/** Batcher's merge exchange (Knuth, TAOCP 5.2.2, algorithm M): comparator pairs that sort any n keys. */
export function mergeExchange(n: number): [number, number][] {
  const pairs: [number, number][] = [];
  if (n < 2) return pairs;
  const t = Math.ceil(Math.log2(n));
  for (let p = 1 << (t - 1); p > 0; p >>= 1) {
    let q = 1 << (t - 1), r = 0, d = p;
    for (;;) {
      for (let i = 0; i < n - d; i++) if ((i & p) === r) pairs.push([i, i + d]);
      if (q === p) break;
      d = q - p;
      q >>= 1;
      r = p;
    }
  }
  return pairs;
}

/** Medians of `t` runs of the network's length, run k at `s[k·w]`, into `O[pos + k·so]`. */
export type RunsMedian = (s: Float64Array, sm: Uint8Array | undefined, t: number, O: Operand["data"], OM: Uint8Array | undefined, pos: number, so: number, f32: boolean) => void;

const cache = new Map<string, RunsMedian>();

export function networkMedian(w: number, masked: boolean): RunsMedian {
  if (!Number.isInteger(w) || w < 1 || w > NETWORK_MAX) throw new RangeError(`a median network takes runs of 1 to ${NETWORK_MAX} values, got ${w}`);
  const key = `${w}|${masked ? 1 : 0}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const L: string[] = ['"use strict";', `for (let k = 0, lo = 0; k < t; k++, lo += ${w}, pos += so) {`, `let nan = 0, count = ${w};`];
  for (let i = 0; i < w; i++) {
    L.push(`let v${i} = s[lo + ${i}];`);
    L.push(masked ? `if (sm[lo + ${i}] !== 0) { v${i} = Infinity; count--; } else if (v${i} !== v${i}) nan = 1;` : `if (v${i} !== v${i}) nan = 1;`);
  }
  for (const [i, j] of mergeExchange(w)) L.push(`if (v${j} < v${i}) { const x = v${i}; v${i} = v${j}; v${j} = x; }`);
  for (let i = 0; i < w; i++) L.push(`s[lo + ${i}] = v${i};`);
  L.push(
    "let med = NaN;",
    "if (count > 0 && nan === 0) {",
    "  const h = lo + (count >> 1);",
    "  med = count & 1 ? s[h] : f32 ? Math.fround(Math.fround(s[h - 1] + s[h]) / 2) : (s[h - 1] + s[h]) / 2;",
    "}",
    // + 0: a zero median is +0 whatever the signs of the zeros, as NumPy's (its mean adds to a +0)
    "O[pos] = med + 0;",
    "if (OM !== undefined) OM[pos] = count === 0 ? 1 : 0;",
    "}",
  );
  const fn = new Function("s", "sm", "t", "O", "OM", "pos", "so", "f32", L.join("\n")) as RunsMedian;
  cache.set(key, fn);
  return fn;
}
