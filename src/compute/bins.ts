/**
 * bincount's length depends on the data (the largest value + 1, at least `minlength`): once its input
 * is known, its maximum is computed and the node is rebuilt with that length.
 */
import { MaskedNDArray, type NDArray } from "../core/ndarray.js";
import { make } from "../graph/make.js";
import type { Node } from "../graph/node.js";

export function isUnsizedBins(n: Node): boolean {
  return n.op === "along" && n.attrs["fn"] === "bincount" && n.shape[0] === -1 && !n.args[0]!.shape.includes(-1);
}

export async function sizeBins(n: Node, run: (x: Node) => Promise<NDArray | MaskedNDArray>): Promise<Node> {
  const x = n.args[0]!;
  const minlength = (n.attrs["minlength"] as number | undefined) ?? 0;
  let length = minlength;
  if (x.shape.every((s) => s > 0)) {
    const m = await run(make("reduce", [x], { fn: "max", axes: x.shape.map((_, i) => i), keepdims: false, ddof: 0, scalar: false }));
    if (!(m instanceof MaskedNDArray && m.mask[0] === 1)) length = Math.max(length, Number(m.data[0]!) + 1);
  }
  return make("along", [x], { ...n.attrs, length });
}
