/**
 * Sorted distinct values of a whole array (masked elements skipped), written to the front of a
 * masked output the length of the input; the rest is masked, and `compressed` then keeps the values.
 */
import { DTYPES } from "../../src/core/dtype.js";
import type { Operand } from "../codegen/loops.js";
import type { Region } from "./region.js";

export function runUnique(r: Region, out: Operand): void {
  const n = r.data.length;
  const vals: (number | bigint)[] = [];
  for (let i = 0; i < n; i++) if (r.mask === undefined || r.mask[i] !== 1) vals.push(r.data[i]!);
  const big = DTYPES[r.dtype].big;
  // numbers ascending with NaN last (NumPy's order); bigints ascending
  if (big) (vals as bigint[]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  else (vals as number[]).sort((a, b) => (a !== a ? (b !== b ? 0 : 1) : b !== b ? -1 : a - b));
  let k = 0;
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i]!;
    // NumPy 2's unique keeps one NaN (equal_nan=True)
    if (i > 0 && (v === vals[i - 1] || (v !== v && vals[i - 1] !== vals[i - 1]))) continue;
    out.data[out.offset + k * out.strides[0]!] = v as never;
    out.mask![out.offset + k * out.strides[0]!] = 0;
    k++;
  }
  for (let j = k; j < n; j++) out.mask![out.offset + j * out.strides[0]!] = 1;
}
