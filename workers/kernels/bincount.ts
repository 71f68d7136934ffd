/**
 * bincount: occurrences of each non-negative integer in a region, as a sum partial over the bins
 * (partials of blocks merge in the ordinary combine tasks). Masked elements are skipped.
 */
import { DTYPES } from "../../src/core/dtype.js";
import type { Partial } from "./reduce.js";
import type { Region } from "./region.js";

export function binPartial(r: Region, length: number, drop: boolean): Partial {
  const counts = new Float64Array(length);
  const big = DTYPES[r.dtype].big;
  const n = r.data.length;
  for (let i = 0; i < n; i++) {
    if (r.mask !== undefined && r.mask[i] === 1) continue;
    const v = big ? Number(r.data[i] as bigint) : (r.data[i] as number);
    if (v >= 0 && v < length) counts[v]!++;
    else if (!drop) throw new RangeError(v < 0 ? "'list' argument must have no negative elements" : `bincount: value ${v} is outside the ${length} bins`);
  }
  return { fn: "sum", a: counts, n };
}
