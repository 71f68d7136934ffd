/**
 * Quantiles over the reduced axes of a region that holds them whole: each run is gathered (masked
 * elements skipped; NaN skipped or propagated), sorted, and interpolated linearly as NumPy's default
 * method does. Output element (q, kept...) lands at out.offset + q * qStride + kept strides.
 */
import { DTYPES, type DTypeName } from "../../src/core/dtype.js";
import type { Operand } from "../codegen/loops.js";
import { forEachOuter, runOffsets, type Region } from "./region.js";

/** NumPy's _lerp: exact at both ends, symmetric in t. */
function lerp(a: number, b: number, t: number): number {
  const d = b - a;
  const v = t >= 0.5 ? b - d * (1 - t) : a + d * t;
  return a === b ? a : v;
}

export function quantileOfSorted(s: Float64Array, n: number, q: number): number {
  const v = q * (n - 1);
  const lo = Math.floor(v);
  const hi = Math.min(lo + 1, n - 1);
  return lerp(s[lo]!, s[hi]!, v - lo);
}

export function runQuantile(r: Region, shape: readonly number[], reduced: readonly boolean[], qs: readonly number[], qStride: number, skipnan: boolean, out: Operand, outDType: DTypeName): void {
  const kept = shape.map((_, i) => i).filter((i) => !reduced[i]);
  const red = shape.map((_, i) => i).filter((i) => reduced[i]);
  const offs = runOffsets(shape, r.strides, red);
  const buf = new Float64Array(offs.length);
  const f32 = outDType === "float32";
  const big = DTYPES[r.dtype].big;
  forEachOuter(shape, r.strides, kept, out.strides, out.offset, (base, pos) => {
    let n = 0;
    let nan = false;
    for (let k = 0; k < offs.length; k++) {
      const at = base + offs[k]!;
      if (r.mask !== undefined && r.mask[at] === 1) continue;
      const v = big ? Number(r.data[at] as bigint) : (r.data[at] as number);
      if (v !== v) {
        nan = true;
        continue;
      }
      buf[n++] = v;
    }
    const none = n === 0 && !(nan && !skipnan);
    const run = buf.subarray(0, n);
    if (!none && !(nan && !skipnan)) run.sort();
    qs.forEach((q, j) => {
      const v = none || (nan && !skipnan) ? NaN : quantileOfSorted(run, n, q);
      out.data[pos + j * qStride] = (f32 ? Math.fround(v) : v) as never;
      if (out.mask !== undefined) out.mask[pos + j * qStride] = n === 0 && !nan ? 1 : n === 0 && skipnan ? 0 : 0;
    });
    if (out.mask !== undefined && n === 0 && !nan) for (let j = 0; j < qs.length; j++) out.mask[pos + j * qStride] = 1;
  });
}
