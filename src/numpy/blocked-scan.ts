/**
 * A long scan in blocks with carries, from existing nodes: the axis is split into segments of `c`
 * (padded with the identity), each segment scanned in its own task, the segment totals scanned
 * (a short axis), and each segment's carry added back in one fused elementwise stage.
 */
import type { AttrValue, Node } from "../graph/node.js";
import { make } from "../graph/make.js";
import { getdata, uf } from "./nodes.js";
import { filledNode } from "./creation.js";
import { concatNodes } from "./join.js";
import { reshapeNode } from "./shape.js";

const S: AttrValue = ["s", null, null, null];

export function blockedScan(x: Node, axis: number, fn: "cumsum" | "cumprod", c: number): Node {
  const n = x.shape[axis]!;
  const m = Math.ceil(n / c) * c;
  const ident = fn === "cumsum" ? 0 : 1;
  const padShape = x.shape.map((s, i) => (i === axis ? m - n : s));
  let p = m === n ? x : concatNodes([x, filledNode(padShape, ident, x.dtype)], axis);
  const split = [...x.shape.slice(0, axis), m / c, c, ...x.shape.slice(axis + 1)];
  p = reshapeNode(p, split);
  const local = make("along", [p], { fn, axes: [axis + 1] });
  // segment totals: the last element of every segment, scanned along the segments
  const lastItems: AttrValue[] = split.map((_, i) => (i === axis + 1 ? ["i", c - 1] : S));
  const totals = make("along", [getdata(make("view", [local], { items: lastItems }))], { fn, axes: [axis] });
  // carry of segment k = scan of totals up to k - 1 (the identity for the first)
  const before: AttrValue[] = totals.shape.map((_, i) => (i === axis ? ["s", null, -1, null] : S));
  const firstShape = totals.shape.map((s, i) => (i === axis ? 1 : s));
  const carry = concatNodes([filledNode(firstShape, ident, totals.dtype), make("view", [totals], { items: before })], axis);
  const carryItems: AttrValue[] = [];
  carry.shape.forEach((_, i) => carryItems.push(...(i === axis ? [S, ["n"] as AttrValue] : [S])));
  const joined = uf(fn === "cumsum" ? "add" : "mul", local, make("view", [carry], { items: carryItems }));
  const flat = reshapeNode(joined, x.shape.map((s, i) => (i === axis ? m : s)));
  if (m === n) return flat;
  return make("view", [flat], { items: x.shape.map((_, i) => (i === axis ? ["s", 0, n, null] : S)) });
}
