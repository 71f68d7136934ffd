/**
 * The IR is interned by content: building an expression twice gives the same node object, whose
 * hash is the cache key. `topoOrder` visits shared nodes once; `substitute` rebuilds a graph.
 */
import t from "tap";
import * as wf from "../../src/index.js";
import { make, substitute } from "../../src/graph/make.js";
import { topoOrder, type Node } from "../../src/graph/node.js";

const nodeOf = (p: unknown): Node => (p as { node: Node }).node;

t.test("equal expressions are one node with one hash", async (t) => {
  const build = () => new wf.Array([[1, 2, 3], [4, 5, 6]]).add(1).mul(new wf.Array([10, 20, 30])).sum(0);
  const a = nodeOf(build());
  const b = nodeOf(build());
  t.equal(a, b, "the identical node object");
  t.equal(a.hash, b.hash);
  t.match(a.hash, /^[0-9a-f]{32}$/);
  const c = nodeOf(new wf.Array([[1, 2, 3], [4, 5, 6]]).add(2).mul(new wf.Array([10, 20, 30])).sum(0));
  t.not(c, a, "another constant is another node");
  t.not(c.hash, a.hash);
  const d = nodeOf(new wf.Array([[1, 2, 3], [4, 5, 6]]).add(1).mul(new wf.Array([10, 20, 30])).sum(1));
  t.not(d.hash, a.hash, "another axis is another node");
  const e = nodeOf(new wf.Array([[1, 2, 3], [4, 5, 6]], { dtype: "int32" }).add(1).mul(new wf.Array([10, 20, 30])).sum(0));
  t.not(e.hash, a.hash, "another dtype is another node");
  // the operands' order matters (add is not reordered)
  const x = new wf.Array([1, 2, 3]);
  const y = new wf.Array([4, 5, 6]);
  t.equal(nodeOf(x.add(y)), nodeOf(x.add(y)));
  t.not(nodeOf(x.add(y)), nodeOf(y.add(x)));
});

t.test("attribute order does not matter; node objects are frozen", async (t) => {
  const x = nodeOf(new wf.Array([[1, 2], [3, 4]]));
  const a = make("reduce", [x], { fn: "sum", axes: [0], keepdims: false, ddof: 0, scalar: false });
  const b = make("reduce", [x], { scalar: false, ddof: 0, keepdims: false, axes: [0], fn: "sum" });
  t.equal(a, b);
  t.ok(Object.isFrozen(a) && Object.isFrozen(a.args) && Object.isFrozen(a.shape));
  t.same(a.shape, [2]);
  t.equal(a.dtype, "int64");
});

t.test("small literals are keyed by content, big ones by identity", async (t) => {
  t.equal(nodeOf(new wf.Array([1.5, 2.5])), nodeOf(new wf.Array([1.5, 2.5])));
  t.not(nodeOf(new wf.Array([1.5, 2.5])), nodeOf(new wf.Array([1.5, 3.5])));
  const big = () => wf.Array.from(new Float64Array(1 << 14), [1 << 14]); // 128 KiB
  t.not(nodeOf(big()), nodeOf(big()), "two big arrays are two nodes even with equal content");
  const g = big();
  t.equal(nodeOf(g.add(1)), nodeOf(g.add(1)), "the same big array in equal expressions shares nodes");
});

t.test("topoOrder visits a shared node once, dependencies first", async (t) => {
  const x = new wf.Array([1, 2, 3]);
  const u = x.add(1);
  const y = u.mul(u).add(x);
  const order = topoOrder([nodeOf(y)]);
  t.equal(order.filter((n) => n === nodeOf(x)).length, 1);
  t.equal(order.filter((n) => n === nodeOf(u)).length, 1);
  t.equal(new Set(order).size, order.length, "no node twice");
  t.equal(order[order.length - 1], nodeOf(y));
  const pos = new Map(order.map((n, i) => [n, i] as const));
  t.ok(order.every((n) => n.args.every((a) => pos.get(a)! < pos.get(n)!)), "every argument comes before its user");
});

t.test("substitute rebuilds the graph with nodes replaced", async (t) => {
  const x = new wf.Array([[1, 2], [3, 4]]);
  const z = new wf.Array([[5, 6], [7, 8]]);
  const y = x.add(1).mul(x);
  const ny = nodeOf(y);
  t.equal(substitute(ny, new Map()), ny, "nothing replaced: the same node");
  t.equal(substitute(ny, new Map([[nodeOf(z.add(3)), nodeOf(x)]])), ny, "replacing an absent node changes nothing");
  t.equal(substitute(ny, new Map([[nodeOf(x), nodeOf(z)]])), nodeOf(z.add(1).mul(z)), "every use of x replaced");
  const w = new wf.Array([[0, 0], [1, 1]]);
  t.equal(substitute(ny, new Map([[nodeOf(x.add(1)), nodeOf(w)]])), nodeOf(w.mul(x)), "an inner node replaced");
  // types are inferred again from the new arguments
  const f = new wf.Array([[0.5, 1.5], [2.5, 3.5]]);
  const nf = substitute(ny, new Map([[nodeOf(x), nodeOf(f)]]));
  t.equal(nf.dtype, "float64");
  t.same(((await new wf.Array(nf).inspect()) as wf.NDArray).data, [0.75, 3.75, 8.75, 15.75]);
  // an incompatible replacement is a build-time error
  t.throws(() => substitute(ny, new Map([[nodeOf(x.add(1)), nodeOf(new wf.Array([1, 2, 3]))]])), { name: "ProxyTypeError", message: /\(3,\)/ });
});
