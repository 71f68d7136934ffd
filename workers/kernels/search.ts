/**
 * The `search` kernel (src/graph/search.ts): the fused chain evaluated over the block, then each
 * value binary-searched in the sorted table: O(log n) per element, the table read in place.
 */
import type { SearchMode } from "../../src/graph/search.js";
import type { Program } from "../../scheduler/program.js";
import type { Operand } from "../codegen/loops.js";
import { evalRegion } from "./region.js";

export interface SearchArgs {
  program: Program;
  shape: number[];
  leaves: Operand[];
  table: Operand;
  tableLength: number;
  mode: SearchMode;
  out: Operand;
}

type Value = number | bigint;

export function runSearch(a: SearchArgs): void {
  const r = evalRegion(a.program, a.shape, a.leaves);
  const t = a.table.data, t0 = a.table.offset, ts = a.table.strides[0] ?? 1;
  const n = a.tableLength;
  const at = (i: number): Value => t[t0 + i * ts]!;
  // NumPy's sort order puts NaN after every number: numbers are searched among the table's numbers
  // with plain comparisons (exact between bigint and number too); NaN values are answered directly
  let nNum = n;
  while (nNum > 0 && at(nNum - 1) !== at(nNum - 1)) nNum--;
  /** First index whose table value is > v (right) or >= v (left), v not NaN. */
  const search = (v: Value, right: boolean): number => {
    let lo = 0, hi = nNum;
    if (right) {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (t[t0 + mid * ts]! <= v) lo = mid + 1;
        else hi = mid;
      }
    } else {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (t[t0 + mid * ts]! < v) lo = mid + 1;
        else hi = mid;
      }
    }
    return lo;
  };
  const out = a.out, od = out.data, om = out.mask;
  const big = od instanceof BigInt64Array;
  const data = r.data, mask = r.mask;
  const nd = a.shape.length;
  const k = new Array<number>(nd).fill(0);
  let pos = out.offset;
  const last = n > 0 ? at(n - 1) : 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    let res: number;
    const nan = v !== v;
    switch (a.mode) {
      case "left":
        res = nan ? nNum : search(v, false);
        break;
      case "right":
        res = nan ? n : search(v, true);
        break;
      case "hist": {
        // bin i holds [edge i, edge i+1); the last bin also holds its right edge
        const c = nan ? 0 : search(v, true);
        res = c === 0 ? -1 : c < n ? c - 1 : v === last ? n - 2 : -1;
        break;
      }
      case "member": {
        const j = nan ? n : search(v, false);
        res = j < nNum && !(v < at(j)) ? 1 : 0;
        break;
      }
    }
    od[pos] = (big ? BigInt(res) : res) as never;
    if (om !== undefined) om[pos] = mask === undefined ? 0 : mask[i]!;
    for (let d = nd - 1; d >= 0; d--) {
      pos += out.strides[d]!;
      if (++k[d]! < a.shape[d]!) break;
      pos -= out.strides[d]! * a.shape[d]!;
      k[d] = 0;
    }
  }
}
