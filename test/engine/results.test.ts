/**
 * Results (issue 2, API.md sections 1, 2 and 5): `format: "npy"` bytes, the JS values of Scalars,
 * `known` without computing, `shape`/`size`/`ndim`/`dtype` proxies computing to the actual sizes,
 * the small proxies, and 0-d arrays from all-integer `get`.
 */
import t from "tap";
import * as wf from "../../src/index.js";
import { readZip } from "../../src/formats/index.js";

t.teardown(() => wf.shutdown());

const x = new wf.Array([[1.5, -2, 3], [4, 5.25, -6]]); // float64 (2, 3)

t.test('compute({format: "npy"}) bytes parse with NDArray.fromNpy', async (t) => {
  const cases: [label: string, proxy: wf.Array | wf.MaskedArray, dtype: string, shape: number[], values: unknown[]][] = [
    ["float64 2-d", x.mul(2), "float64", [2, 3], [3, -4, 6, 8, 10.5, -12]],
    ["int64 through bigint", new wf.Array([[7, -8], [9, 10]]).add(1), "int64", [2, 2], [8n, -7n, 10n, 11n]],
    ["uint8", new wf.Array([250, 3, 7], { dtype: "uint8" }).add(10), "uint8", [3], [4, 13, 17]],
    ["float32 transposed", wf.numpy.transpose(x.astype("float32")), "float32", [3, 2], [1.5, 4, -2, 5.25, 3, -6]],
    ["bool", x.gt(0), "bool", [2, 3], [1, 0, 1, 1, 1, 0]],
    ["0-d", x.get(1, 1), "float64", [], [5.25]],
    ["empty", x.get(wf.slice(2, 2)), "float64", [0, 3], []],
  ];
  for (const [label, proxy, dtype, shape, values] of cases) {
    const bytes = await proxy.compute({ format: "npy" });
    t.ok(bytes instanceof Uint8Array, `${label}: bytes`);
    const b = bytes as Uint8Array;
    t.same([...b.subarray(0, 6)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59], `${label}: the npy magic`);
    const a = wf.NDArray.fromNpy(b);
    t.equal(a.dtype, dtype, `${label}: dtype`);
    t.same(a.shape, shape, `${label}: shape`);
    t.strictSame([...a.data], values, `${label}: values`);
  }
  // the same array through npy and native agrees
  const y = x.sum(0).div(3);
  const native = (await y.compute()) as wf.NDArray;
  t.strictSame([...wf.NDArray.fromNpy((await y.compute({ format: "npy" })) as Uint8Array).data], [...native.data]);
});

t.test("a masked result is an .npz holding data and mask", async (t) => {
  const m = new wf.MaskedArray([[1, 2, 3], [4, 5, 6]], { mask: [[false, true, false], [false, false, true]] });
  const bytes = (await m.mul(10).compute({ format: "npy" })) as Uint8Array;
  t.same([...bytes.subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04], "a zip archive");
  const members = readZip(bytes);
  t.same([...members.keys()].sort(), ["data.npy", "mask.npy"]);
  const data = wf.NDArray.fromNpy(members.get("data.npy")!);
  const mask = wf.NDArray.fromNpy(members.get("mask.npy")!);
  t.equal(data.dtype, "int64");
  t.same(data.shape, [2, 3]);
  t.same(mask.dtype, "bool");
  t.same(mask.shape, [2, 3]);
  t.same([...mask.data], [0, 1, 0, 0, 0, 1]);
  const unmasked = [...data.data].filter((_, i) => mask.data[i] === 0);
  t.strictSame(unmasked, [10n, 30n, 40n, 50n]);
  // a masked 0-d result too (an all-masked count is 0, not masked; a masked sum is)
  const z = (await new wf.MaskedArray([1.5, 2.5], { mask: [true, true] }).sum(0).compute({ format: "npy" })) as Uint8Array;
  const zm = readZip(z);
  t.same(wf.NDArray.fromNpy(zm.get("mask.npy")!).shape, []);
  t.same([...wf.NDArray.fromNpy(zm.get("mask.npy")!).data], [1]);
});

t.test("Scalar results are JS numbers, bigints, booleans or null", async (t) => {
  const ints = new wf.Array([[1, 2], [3, 40]]);
  const checks: [label: string, proxy: { compute(): Promise<unknown> }, want: unknown][] = [
    ["float64 sum", x.sum(), 5.75],
    ["float64 mean", x.mean(), 5.75 / 6],
    ["float32 max", x.astype("float32").max(), 5.25],
    ["int64 sum", ints.sum(), 46n],
    ["int64 min", ints.min(), 1n],
    ["uint64 max", ints.astype("uint64").max(), 40n],
    ["int32 max", ints.astype("int32").max(), 40],
    ["int32 sum (int64, as NumPy)", ints.astype("int32").sum(), 46n],
    ["uint8 min", ints.astype("uint8").min(), 1],
    ["int median", ints.median(), 2.5],
    ["bool max", ints.gt(3).max(), true],
    ["bool min", ints.gt(3).min(), false],
    ["std", new wf.Array([2, 4, 4, 4, 5, 5, 7, 9]).std(), 2],
    ["all-masked sum", new wf.MaskedArray([1, 2], { mask: [true, true] }).sum(), null],
    ["all-masked mean", new wf.MaskedArray([1.5, 2], { mask: [true, true] }).mean(), null],
    ["partly masked sum", new wf.MaskedArray([1, 2, 4], { mask: [false, true, false] }).sum(), 5n],
    ["masked count", new wf.MaskedArray([1, 2, 4], { mask: [false, true, false] }).count(), 2n],
  ];
  for (const [label, proxy, want] of checks) {
    const got = await proxy.compute();
    t.equal(typeof got, want === null ? "object" : typeof want, `${label}: a ${want === null ? "null" : typeof want}`);
    t.equal(got, want, `${label}: ${String(want)}`);
  }
  t.ok(x.sum() instanceof wf.Scalar, "a full reduction is a Scalar");
  t.notOk(x.sum(0) instanceof wf.Scalar, "a reduction along an axis is not");
});

t.test("known is what is known without computing; shape proxies compute actual sizes", async (t) => {
  t.same(x.known, { shape: [2, 3], dtype: "float64", ndim: 2 });
  const sel = x.get(x.gt(0));
  t.same(sel.known, { shape: [-1], dtype: "float64", ndim: 1 }, "a boolean mask get: length -1 until computed");
  t.same(sel.add(1).known.shape, [-1], "…and through elementwise ops");
  t.same(await sel.shape.compute(), [4]);
  t.equal(await sel.size.compute(), 4);
  t.equal(await sel.ndim.compute(), 1);
  t.equal(await sel.dtype.compute(), "float64");
  t.same(sel.known.shape, [-1], "computing the shape does not change what is known");
  t.same([...((await sel.compute()) as wf.NDArray).data], [1.5, 3, 4, 5.25]);
  // a 1-d boolean Array along one axis: the other axes stay known
  const rows = x.get(wf.slice(), x.get(0).gt(0));
  t.same(rows.known.shape, [2, -1]);
  t.same(await rows.shape.compute(), [2, 2]);
  // masked: compressed() has an unknown length too
  const m = new wf.MaskedArray([[1, 2], [3, 4]], { mask: [[true, false], [false, false]] });
  const c = m.compressed();
  t.same(c.known.shape, [-1]);
  t.same(await c.shape.compute(), [3]);
  t.equal(await c.size.compute(), 3);
  // known sizes compute without data
  t.same(await x.get(wf.slice(undefined, undefined, -1), null).shape.compute(), [2, 1, 3]);
  t.equal(await x.reshape(-1).size.compute(), 6);
  t.equal(await x.astype("int16").dtype.compute(), "int16");
  // shape proxies support arithmetic on the computed sizes
  t.equal(await sel.size.mul(2).add(1).compute(), 9);
});

t.test("small proxies compute to JS values", async (t) => {
  t.equal(await new wf.Int(1).add(1).compute(), 2);
  t.equal(await new wf.Int(7).floordiv(2).compute(), 3);
  t.equal(await new wf.Float(2.5).mul(2).compute(), 5);
  t.equal(await new wf.Int(3).lt(4).compute(), true);
  t.equal(await new wf.Bool(true).compute(), true);
  t.equal(await new wf.Str("ab").compute(), "ab");
  t.equal(await new wf.Int(1).add(1).inspect(), 2);
});

t.test("get with an integer for every axis gives a 0-d array", async (t) => {
  const ints = new wf.Array([[1, 2, 3], [4, 5, 6]]);
  const g = ints.get(1, -1);
  t.same(g.known, { shape: [], dtype: "int64", ndim: 0 });
  const v = await g.compute();
  t.ok(v instanceof wf.NDArray, "an NDArray, not a JS number");
  t.same((v as wf.NDArray).shape, []);
  t.strictSame([...(v as wf.NDArray).data], [6n]);
  const f = (await x.get(0, 2).inspect()) as wf.NDArray;
  t.same([f.shape, [...f.data]], [[], [3]]);
  const s = (await x.get("1, 0").compute()) as wf.NDArray;
  t.same([s.shape, [...s.data]], [[], [4]]);
  // the 0-d array computes into further expressions as a strong operand
  const r = (await x.add(x.get(1, 2)).compute()) as wf.NDArray;
  t.same([...r.data], [-4.5, -8, -3, -2, -0.75, -12]);
  // a masked 0-d get keeps the mask
  const m = new wf.MaskedArray([[1, 2], [3, 4]], { mask: [[false, true], [false, false]] });
  const mg = (await m.get(0, 1).compute()) as wf.MaskedNDArray;
  t.ok(mg instanceof wf.MaskedNDArray);
  t.same([mg.shape, [...mg.mask]], [[], [1]]);
});
