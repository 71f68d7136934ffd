/**
 * Pointwise gather (NumPy advanced indexing): index arrays, broadcast together, select one source
 * element per output element along `axes`; the broadcast index dims sit at output axis `bAt`.
 */
import type { Operand } from "../codegen/loops.js";

export interface TakeArgs {
  src: Operand;
  indices: Operand[];
  axes: number[];
  srcShape: number[];
  bAt: number;
  bNdim: number;
  start: number[];
  shape: number[];
  out: Operand;
}

export function runTake(a: TakeArgs): void {
  const nd = a.shape.length;
  const restAxes = a.srcShape.map((_, i) => i).filter((i) => !a.axes.includes(i));
  const total = a.shape.reduce((x, y) => x * y, 1);
  const o = a.start.slice();
  for (let e = 0; e < total; e++) {
    let so = a.src.offset;
    for (let j = 0; j < a.indices.length; j++) {
      const ix = a.indices[j]!;
      let io = ix.offset;
      for (let b = 0; b < a.bNdim; b++) io += o[a.bAt + b]! * ix.strides[b]!;
      const axis = a.axes[j]!;
      const n = a.srcShape[axis]!;
      let i = Number(ix.data[io]!);
      if (i < -n || i >= n) throw new RangeError(`index ${i} is out of bounds for axis ${axis} with size ${n}`);
      if (i < 0) i += n;
      so += i * a.src.strides[axis]!;
    }
    let r = 0;
    for (let d = 0; d < nd; d++) {
      if (d >= a.bAt && d < a.bAt + a.bNdim) continue;
      so += o[d]! * a.src.strides[restAxes[r++]!]!;
    }
    let oo = a.out.offset;
    for (let d = 0; d < nd; d++) oo += o[d]! * a.out.strides[d]!;
    a.out.data[oo] = a.src.data[so]! as never;
    if (a.out.mask !== undefined) a.out.mask[oo] = a.src.mask !== undefined ? a.src.mask[so]! : 0;
    for (let d = nd - 1; d >= 0; d--) {
      if (++o[d]! < a.start[d]! + a.shape[d]!) break;
      o[d] = a.start[d]!;
    }
  }
}
