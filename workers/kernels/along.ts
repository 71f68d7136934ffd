/** The `along` kernel: evaluate the fused chain over the region, then scan, take quantiles, count or sort. */
import type { DTypeName } from "../../src/core/dtype.js";
import type { AlongParams } from "../../src/graph/along.js";
import type { Program } from "../../scheduler/program.js";
import type { Operand } from "../codegen/loops.js";
import { binPartial } from "./bincount.js";
import { runQuantile } from "./quantile.js";
import { finalize, type Partial } from "./reduce.js";
import { evalRegion } from "./region.js";
import { runScan } from "./scan.js";
import { runUnique, uniqueRun } from "./unique.js";

export interface AlongArgs {
  program: Program;
  shape: number[];
  leaves: Operand[];
  /** Axes held whole (the scan axis, the quantile axes, every axis for unique and bincount). */
  reduced: boolean[];
  params: AlongParams;
  /** quantile: element stride of the output's q axis. */
  qStride: number;
  /** null: return the partial (bincount of one block among several). */
  out: Operand | null;
  outDType: DTypeName;
}

export function runAlong(a: AlongArgs): Partial | null {
  const r = evalRegion(a.program, a.shape, a.leaves);
  const p = a.params;
  switch (p.fn) {
    case "cumsum":
    case "cumprod":
      runScan(r, a.shape, a.reduced.indexOf(true), p.fn === "cumprod", a.out!, a.outDType);
      return null;
    case "quantile":
      runQuantile(r, a.shape, a.reduced, p.q ?? [], a.qStride, p.skipnan === true, a.out!, a.outDType);
      return null;
    case "unique":
      // one block among several returns its sorted run for the merge tree
      if (a.out === null) return uniqueRun(r);
      runUnique(r, a.out);
      return null;
    case "bincount": {
      const part = binPartial(r, p.length!, p.drop === true);
      if (a.out === null) return part;
      finalize(part, "sum", 0, a.out, [p.length!], a.outDType);
      return null;
    }
  }
}
