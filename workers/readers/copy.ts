/** Copy a dense C-ordered block into a strided target region, a contiguous run at a time where possible. */
import type { TypedArray } from "../../src/core/dtype.js";
import type { Operand } from "../codegen/loops.js";

/**
 * `src` holds the region with element strides `srcStrides`; the region starts at `start` in the
 * target's index space (target element = out.offset + Σ (start + i) · out.strides).
 */
export function copyIntoRegion(src: TypedArray, srcStrides: readonly number[], start: readonly number[], shape: readonly number[], out: Operand, srcMask?: Uint8Array): void {
  const nd = shape.length;
  const total = shape.reduce((a, b) => a * b, 1);
  if (total === 0) return;
  const last = nd - 1;
  const runLen = nd === 0 ? 1 : shape[last]!;
  const contiguous = nd === 0 || (srcStrides[last] === 1 && out.strides[last] === 1);
  const idx = new Array<number>(nd).fill(0);
  const runs = total / runLen;
  for (let r = 0; r < runs; r++) {
    let so = 0;
    let oo = out.offset;
    for (let d = 0; d < nd; d++) {
      const i = d === last ? 0 : idx[d]!;
      so += i * srcStrides[d]!;
      oo += (start[d]! + i) * out.strides[d]!;
    }
    if (contiguous) {
      out.data.set(src.subarray(so, so + runLen) as never, oo);
      if (out.mask !== undefined && srcMask !== undefined) out.mask.set(srcMask.subarray(so, so + runLen), oo);
    } else {
      const ss = nd === 0 ? 0 : srcStrides[last]!, os = nd === 0 ? 0 : out.strides[last]!;
      for (let k = 0; k < runLen; k++) {
        out.data[oo + k * os] = src[so + k * ss] as never;
        if (out.mask !== undefined && srcMask !== undefined) out.mask[oo + k * os] = srcMask[so + k * ss]!;
      }
    }
    for (let d = last - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}
