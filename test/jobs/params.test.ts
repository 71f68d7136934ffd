/** wf.parameter, compute({arguments}) and wf.Function. */
import "./env.js";
import t from "tap";
import * as wf from "../../src/index.js";
import { MaskedNDArray, NDArray } from "../../src/core/ndarray.js";

t.teardown(() => wf.shutdown());

const f64 = (xs: number[], shape = [xs.length]) => new NDArray(new Float64Array(xs), shape, "float64");

t.test("an array parameter: shape known once the argument is given", async (t) => {
  const x = wf.parameter("x", wf.Array, { ndim: 2 });
  t.same(x.known.shape, [-1, -1]);
  const y = x.mul(2).sum(1) as wf.Array;
  t.same(y.params, ["x"]);
  const r = (await y.compute({ arguments: { x: f64([1, 2, 3, 4, 5, 6], [2, 3]) } })) as NDArray;
  t.same([r.shape, [...r.data]], [[2], [12, 30]]);
  const r2 = (await y.inspect({ arguments: { x: [[1, 1], [2, 2], [3, 3]] } })) as NDArray;
  t.same([...r2.data], [4, 8, 12], "nested lists of ints cast safely to float64");
});

t.test("scalar parameters are weak in array math (NEP 50) and checked against the dtype they meet", async (t) => {
  const k = wf.parameter("k", wf.Int);
  const a = wf.Array.from(new Int8Array([1, 2, 3]), [3]);
  const y = a.add(k);
  t.equal(y.known.dtype, "int8", "an Int parameter takes the array's dtype");
  t.same([...((await y.compute({ arguments: { k: 5 } })) as NDArray).data], [6, 7, 8]);
  await t.rejects(y.compute({ arguments: { k: 1000 } }), { name: "ProxyTypeError", message: /parameter 'k': integer 1000 is out of bounds for int8/ });
  const s = wf.parameter("s", wf.Float);
  const z = wf.Array.from(new Float32Array([1, 2]), [2]).mul(s).add(k);
  t.same([z.known.dtype, z.params], ["float32", ["k", "s"]]);
  t.same([...((await z.compute({ arguments: { s: 0.5, k: 1 } })) as NDArray).data], [1.5, 2]);
});

t.test("missing, extra and wrongly typed arguments name the parameter", async (t) => {
  const x = wf.parameter("x", wf.Array);
  const k = wf.parameter("k", wf.Int);
  const y = x.add(k);
  await t.rejects(y.compute({ arguments: { x: [1, 2] } }), { name: "ProxyTypeError", message: "missing argument for parameter 'k' (Int)" });
  await t.rejects(y.compute(), { name: "ProxyTypeError", message: "missing arguments for parameters 'k' (Int), 'x' (Array)" });
  await t.rejects(y.compute({ arguments: { x: [1], k: 1, q: 2 } }), { name: "ProxyTypeError", message: /unexpected argument 'q': its parameters are 'k', 'x'/ });
  await t.rejects(y.compute({ arguments: { x: [1], k: 1.5 } }), { name: "ProxyTypeError", message: /parameter 'k' \(Int\) expects an integer, got number 1.5/ });
  await t.rejects(y.compute({ arguments: { x: "abc", k: 1 } }), { name: "ProxyTypeError", message: /parameter 'x' \(Array\) expects an array/ });
  await t.rejects(y.compute({ arguments: { x: [[1]], k: 1 } }), { name: "ProxyTypeError", message: /parameter 'x' \(Array\) expects an array of shape \(\?,\), got shape \(1, 1\)/ });
  const i = wf.parameter("i", wf.Array, { dtype: "int32", shape: [2] });
  await t.rejects(i.compute({ arguments: { i: f64([1, 2]) } }), { name: "ProxyTypeError", message: /parameter 'i' \(Array\) expects int32 data .* got float64/ });
  await t.rejects(x.compute({ arguments: { x: new MaskedNDArray(new Float64Array([1]), new Uint8Array([1]), [1], "float64") } }), { message: /expects a plain array/ });
  t.throws(() => wf.parameter("1x", wf.Int), { name: "ProxyTypeError" });
  t.throws(() => wf.parameter("d", wf.Dict), { name: "ProxyTypeError", message: /not supported/ });
});

t.test("masked and scalar parameters; small value parameters", async (t) => {
  const m = wf.parameter("m", wf.MaskedArray);
  const r = (await m.mul(2).compute({ arguments: { m: new MaskedNDArray(new Float64Array([1, 2]), new Uint8Array([0, 1]), [2], "float64") } })) as MaskedNDArray;
  t.same(r.toArray(), [2, null]);
  const plain = (await m.compute({ arguments: { m: [3, 4] } })) as MaskedNDArray;
  t.same(plain.toArray(), [3, 4], "a plain argument is a masked array with nothing masked");
  const s = wf.parameter("s", wf.Scalar, { dtype: "int64" });
  t.equal(await s.compute({ arguments: { s: 41n } }), 41n);
  const n = wf.parameter("n", wf.Int);
  t.same(n.params, ["n"]);
  t.equal(await n.mul(3).compute({ arguments: { n: 4 } }), 12);
  const name = wf.parameter("name", wf.Str);
  t.equal(await name.add("!").compute({ arguments: { name: "hi" } }), "hi!");
  await t.rejects(name.compute({ arguments: { name: 3 } }), { message: /parameter 'name' \(Str\) expects a string, got number 3/ });
  const x = wf.parameter("x", wf.Array, { ndim: 2 });
  t.same(await x.shape.compute({ arguments: { x: [[1, 2, 3]] } }), [1, 3], "shape of a parameter array");
});

t.test("the cache keys on the arguments by content", async (t) => {
  const x = wf.parameter("x", wf.Array);
  const y = x.mul(3).sum();
  const run = async (v: number[]) => {
    const job = (await y.compute({ arguments: { x: v }, block: false })) as wf.Job;
    return { v: await job.result(), hit: job.stats.cacheHit };
  };
  t.same(await run([1, 2]), { v: 9, hit: false });
  t.same(await run([1, 2]), { v: 9, hit: true });
  t.same(await run([1, 3]), { v: 12, hit: false });
});

t.test("wf.Function: fromObject, params, invoke, compute", async (t) => {
  const x = wf.parameter("x", wf.Array);
  const k = wf.parameter("k", wf.Float);
  const fn = wf.Function.fromObject(x.mul(k).sum());
  t.ok(fn instanceof wf.Function);
  t.same(fn.params, ["k", "x"]);
  const out = fn.invoke({ x: [1, 2, 3], k: 2 });
  t.ok(out instanceof wf.Scalar);
  t.same((out as wf.Scalar).params, []);
  t.equal(await (out as wf.Scalar).compute(), 12);
  t.equal(await fn.compute({ arguments: { x: [1], k: 0.5 } }), 0.5);
  t.throws(() => fn.invoke({ x: [1] }), { name: "ProxyTypeError", message: /missing argument for parameter 'k'/ });
  t.throws(() => fn.invoke({ x: [1], k: 1, z: 0 }), { name: "ProxyTypeError", message: /unexpected argument 'z'/ });
  const g = wf.Function.fromObject(wf.parameter("n", wf.Int).add(1));
  const gi = g.invoke({ n: 1 });
  t.ok(gi instanceof wf.Int);
  t.equal(await gi.compute(), 2);
  t.throws(() => wf.Function.fromObject(3), { name: "ProxyTypeError" });
});
