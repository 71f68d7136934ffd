/** Gather along one axis with integer indices (NumPy `take` / a list index on one axis). */
import type { Operand } from "../codegen/loops.js";

export interface TakeArgs {
  src: Operand;
  index: Operand;
  axis: number;
  srcShape: readonly number[];
  start: readonly number[];
  shape: readonly number[];
  indexNdim: number;
  out: Operand;
}

export function runTake(a: TakeArgs): void {
  const nd = a.shape.length;
  const n = a.srcShape[a.axis]!;
  const k = a.indexNdim;
  const total = a.shape.reduce((x, y) => x * y, 1);
  const idx = a.start.slice();
  const ist = a.index.strides;
  for (let e = 0; e < total; e++) {
    // output axes [0, axis) and [axis + k, nd) walk the source; [axis, axis + k) walk the index array
    let io = a.index.offset;
    for (let j = 0; j < k; j++) io += idx[a.axis + j]! * ist[j]!;
    let i = Number(a.index.data[io]!);
    if (i < -n || i >= n) throw new RangeError(`index ${i} is out of bounds for axis ${a.axis} with size ${n}`);
    if (i < 0) i += n;
    let so = a.src.offset;
    let oo = a.out.offset;
    for (let d = 0; d < nd; d++) oo += idx[d]! * a.out.strides[d]!;
    for (let d = 0; d < a.axis; d++) so += idx[d]! * a.src.strides[d]!;
    so += i * a.src.strides[a.axis]!;
    for (let d = a.axis + k; d < nd; d++) so += idx[d]! * a.src.strides[d - k + 1]!;
    a.out.data[oo] = a.src.data[so]! as never;
    if (a.out.mask !== undefined) a.out.mask[oo] = a.src.mask !== undefined ? a.src.mask[so]! : 0;
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d]! < a.start[d]! + a.shape[d]!) break;
      idx[d] = a.start[d]!;
    }
  }
}
