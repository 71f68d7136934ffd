/** Basic-indexing views along one axis (slices with any step), the building block of flip, roll, diff and pad. */
import type { AttrValue, Node } from "../graph/node.js";
import { make } from "../graph/make.js";

export function axisSlice(x: Node, axis: number, start: number | null, stop: number | null, step: number | null): Node {
  const items: AttrValue[] = x.shape.map((_, i) => (i === axis ? ["s", start, stop, step] : ["s", null, null, null]));
  return make("view", [x], { items });
}

/** Each axis reversed where `flipAxes` says so. */
export function flipped(x: Node, flipAxes: readonly number[]): Node {
  if (flipAxes.length === 0) return x;
  const items: AttrValue[] = x.shape.map((_, i) => (flipAxes.includes(i) ? ["s", null, null, -1] : ["s", null, null, null]));
  return make("view", [x], { items });
}
