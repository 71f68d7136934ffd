/**
 * Reductions over the named axes of imagery, as in the Workflows API: "images", "bands" and
 * "pixels" (y and x together). What a reduction gives depends on what remains.
 */
import { ProxyTypeError } from "../core/errors.js";
import { make } from "../graph/make.js";
import type { Node } from "../graph/node.js";
import type { ReduceFn } from "../graph/ops.js";

export type ImageAxis = "images" | "bands" | "pixels";
export type AxisArg = ImageAxis | readonly ImageAxis[] | null | undefined;

export const REDUCERS = ["min", "max", "mean", "median", "sum", "std", "count"] as const;
export type Reducer = (typeof REDUCERS)[number];

/** The named axes to reduce; none given means all of `allowed`. */
export function axisSet(axis: AxisArg, allowed: readonly ImageAxis[]): Set<ImageAxis> {
  if (axis === undefined || axis === null) return new Set(allowed);
  const names = typeof axis === "string" ? [axis] : axis;
  if (!Array.isArray(names) || names.length === 0) throw new ProxyTypeError(`axis must be one of ${allowed.map((a) => `"${a}"`).join(", ")} or a list of them`);
  for (const n of names) {
    if (!allowed.includes(n)) throw new ProxyTypeError(`invalid axis ${JSON.stringify(n)}: valid axes are ${allowed.map((a) => `"${a}"`).join(", ")}`);
  }
  return new Set(names);
}

export function reduceNode(node: Node, fn: Reducer, axes: readonly number[], keepdims: boolean, scalar = false): Node {
  return make("reduce", [node], { fn: fn as ReduceFn, axes: [...axes], keepdims, ddof: 0, scalar });
}

/** A new leading axis of size 1 (a basic-indexing view, so unknown y and x sizes stay unknown). */
export function newAxis(node: Node): Node {
  return make("view", [node], { items: [["n"], ...node.shape.map(() => ["s", null, null, null])] });
}
