/** Merge loop axes that every operand walks contiguously (NumPy's iterator does the same), and drop size-1 axes. */
import type { Operand } from "./loops.js";

export interface Coalesced {
  shape: number[];
  strides: number[][];
}

export function coalesce(shape: readonly number[], ops: readonly Pick<Operand, "strides">[]): Coalesced {
  const keep: number[] = [];
  for (let d = 0; d < shape.length; d++) if (shape[d] !== 1) keep.push(d);
  let outShape = keep.map((d) => shape[d]!);
  let strides = ops.map((o) => keep.map((d) => o.strides[d]!));
  if (outShape.includes(0)) return { shape: [0], strides: ops.map(() => [0]) };
  for (let d = outShape.length - 2; d >= 0; d--) {
    const n1 = outShape[d + 1]!;
    if (strides.every((s) => s[d] === s[d + 1]! * n1)) {
      outShape = [...outShape.slice(0, d), outShape[d]! * n1, ...outShape.slice(d + 2)];
      strides = strides.map((s) => [...s.slice(0, d), s[d + 1]!, ...s.slice(d + 2)]);
    }
  }
  return { shape: outShape, strides };
}
