/**
 * cumsum / cumprod along one axis of a region that holds the whole axis. Accumulates in the output
 * dtype as NumPy's add.accumulate does: 64-bit integers wrap (bigints), float32 rounds every step.
 * Masked elements count as the identity and stay masked in the result (numpy.ma.cumsum).
 */
import { DTYPES, type DTypeName } from "../../src/core/dtype.js";
import type { Operand } from "../codegen/loops.js";
import { forEachOuter, type Region } from "./region.js";

export function runScan(r: Region, shape: readonly number[], axis: number, prod: boolean, out: Operand, outDType: DTypeName): void {
  const other = shape.map((_, i) => i).filter((i) => i !== axis);
  const n = shape[axis]!;
  const step = r.strides[axis]!;
  const ostep = out.strides[axis]!;
  const outStrides = other.map((i) => out.strides[i]!);
  const big = DTYPES[outDType].big;
  const srcBig = DTYPES[r.dtype].big;
  const f32 = outDType === "float32";
  const bits = DTYPES[outDType].kind === "u" ? "asUintN" : "asIntN";
  const d = out.data, m = r.mask, om = out.mask;
  forEachOuter(shape, r.strides, other, outStrides, out.offset, (base, pos) => {
    if (big) {
      let acc = prod ? 1n : 0n;
      for (let k = 0; k < n; k++) {
        const at = base + k * step;
        const masked = m !== undefined && m[at] === 1;
        if (!masked) {
          const raw = r.data[at]!;
          const v = srcBig ? (raw as bigint) : BigInt(raw as number);
          acc = BigInt[bits](64, prod ? acc * v : acc + v);
        }
        d[pos + k * ostep] = acc as never;
        if (om !== undefined) om[pos + k * ostep] = masked ? 1 : 0;
      }
      return;
    }
    let acc = prod ? 1 : 0;
    for (let k = 0; k < n; k++) {
      const at = base + k * step;
      const masked = m !== undefined && m[at] === 1;
      if (!masked) {
        const v = Number(r.data[at]!);
        acc = prod ? acc * v : acc + v;
        if (f32) acc = Math.fround(acc);
      }
      d[pos + k * ostep] = acc as never;
      if (om !== undefined) om[pos + k * ostep] = masked ? 1 : 0;
    }
  });
}
