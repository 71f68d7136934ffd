/**
 * Sorted distinct values of a whole array (masked elements skipped), written to the front of a
 * masked output the length of the input; the rest is masked, and `compressed` then keeps the values.
 */
import { allocate } from "../../src/core/dtype.js";
import type { Operand } from "../codegen/loops.js";
import type { Region } from "./region.js";

export function runUnique(r: Region, out: Operand): void {
  const n = r.data.length;
  // typed-array sort: numeric, NaN last (NumPy's order), no comparator calls
  const vals = allocate(r.dtype === "bool" ? "uint8" : r.dtype, n, false);
  let m = 0;
  for (let i = 0; i < n; i++) if (r.mask === undefined || r.mask[i] !== 1) vals[m++] = r.data[i]! as never;
  const sorted = vals.subarray(0, m).sort();
  const st = out.strides[0]!;
  let k = 0;
  for (let i = 0; i < m; i++) {
    const v = sorted[i]!;
    const prev = sorted[i - 1];
    // NumPy 2's unique keeps one NaN (equal_nan=True)
    if (i > 0 && (v === prev || (v !== v && prev !== prev))) continue;
    out.data[out.offset + k * st] = v as never;
    out.mask![out.offset + k * st] = 0;
    k++;
  }
  for (let j = k; j < n; j++) out.mask![out.offset + j * st] = 1;
}
