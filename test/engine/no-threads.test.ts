/**
 * The tier that runs without threads (issue 2): a broad sample of expressions evaluated with
 * `inspect()` only (the in-thread executor), checked against NumPy fixtures and hand-computed
 * values. The `worker_threads` diagnostics channel proves no worker thread was ever started.
 */
import t from "tap";
import dc from "node:diagnostics_channel";
import * as wf from "../../src/index.js";
import { runCase } from "../support/dsl.js";
import { checkOutcome, coreSuites, loadFixture } from "../support/fixtures.js";

let threadsStarted = 0;
const onThread = () => threadsStarted++;
dc.subscribe("worker_threads", onThread);

/** A sample other than the one core-fixtures.test.ts inspects (its every fifth case from 0). */
const SAMPLE_EVERY = 4;
const SAMPLE_FROM = 1;

t.test("NumPy fixtures through inspect()", async (t) => {
  for (const suite of coreSuites()) {
    const cases = loadFixture(suite).cases.filter((_, i) => i % SAMPLE_EVERY === SAMPLE_FROM);
    let passed = 0;
    for (const c of cases) {
      const m = checkOutcome(c, await runCase(c, "inspect"));
      if (m.length === 0) passed++;
      else t.fail(`${c.id}\n    ${m.join("\n    ")}`, { expr: JSON.stringify(c.expr) });
    }
    t.equal(passed, cases.length, `core-${suite}: ${passed} of ${cases.length} sampled cases`);
    t.ok(cases.length > 0, `core-${suite} has cases`);
  }
});

const ar = (n: number, shape: number[]) => wf.Array.from(new Float64Array(n).map((_, i) => i), shape);
const x = new wf.Array([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]); // int64 (3, 4)
const m = new wf.MaskedArray([1, 2, 3, 4], { mask: [false, true, false, false] });

/** wf.numpy.sqrt (its table of ufuncs is typed by name lookup). */
const npSqrt = (a: wf.MaskedArray): wf.MaskedArray => (wf.numpy as unknown as { sqrt: (a: wf.MaskedArray) => wf.MaskedArray }).sqrt(a);

type Expected = { dtype: string; values: unknown };
const HAND: [label: string, build: () => { inspect(): Promise<unknown> }, want: Expected][] = [
  // dtypes and NEP 50 weak scalars
  ["int8 + weak int stays int8", () => new wf.Array([100, -100, 5], { dtype: "int8" }).add(27), { dtype: "int8", values: [127, -73, 32] }],
  ["uint8 wraps", () => new wf.Array([250, 3], { dtype: "uint8" }).add(10), { dtype: "uint8", values: [4, 13] }],
  ["int32 + float32 is float64", () => new wf.Array([1, 2], { dtype: "int32" }).add(new wf.Array([0.5, 0.25], { dtype: "float32" })), { dtype: "float64", values: [1.5, 2.25] }],
  ["float32 + weak float stays float32", () => new wf.Array([1.5, 2.5], { dtype: "float32" }).mul(0.5), { dtype: "float32", values: [0.75, 1.25] }],
  ["floordiv rounds down", () => new wf.Array([7, -7, 7, -7]).floordiv([2, 2, -2, -2]), { dtype: "int64", values: [3n, -4n, -4n, 3n] }],
  ["mod takes the divisor's sign", () => new wf.Array([7, -7, 7, -7]).mod([2, 2, -2, -2]), { dtype: "int64", values: [1n, 1n, -1n, -1n] }],
  ["integer division by zero is 0", () => new wf.Array([5, -3]).floordiv(0), { dtype: "int64", values: [0n, 0n] }],
  ["true division of ints is float64", () => new wf.Array([1, 2, 3]).div(2), { dtype: "float64", values: [0.5, 1, 1.5] }],
  ["float division by zero is IEEE", () => new wf.Array([1.5, -1.5]).div(0), { dtype: "float64", values: [Infinity, -Infinity] }],
  ["int power", () => new wf.Array([2, 3]).pow(3), { dtype: "int64", values: [8n, 27n] }],
  ["comparisons and logic", () => x.gt(2).and(x.lt(5)).get(0), { dtype: "bool", values: [false, false, false, true] }],
  ["uint64 above 2^63", () => wf.Array.from(new BigUint64Array([2n ** 63n, 5n]), [2]).add(1), { dtype: "uint64", values: [2n ** 63n + 1n, 6n] }],
  ["int64 beyond 2^53 exactly", () => wf.Array.from(new BigInt64Array([9007199254740993n]), [1]).add(1), { dtype: "int64", values: [9007199254740994n] }],
  ["float to int casts truncate", () => new wf.Array([1.7, -1.7, 2.5]).astype("int32"), { dtype: "int32", values: [1, -1, 2] }],
  // broadcasting and chunk grids that do not divide the shape
  ["(2, 1) + (3,)", () => new wf.Array([[1], [2]]).add([10, 20, 30]), { dtype: "int64", values: [[11n, 21n, 31n], [12n, 22n, 32n]] }],
  ["sum(0) over 2x3 chunks of (5, 7)", () => wf.Array.from(new Float64Array(35).map((_, i) => i), [5, 7], { chunks: [2, 3] }).sum(0), { dtype: "float64", values: [70, 75, 80, 85, 90, 95, 100] }],
  ["sum over an axis list", () => ar(24, [2, 3, 4]).astype("int64").sum([0, 2]), { dtype: "int64", values: [60n, 92n, 124n] }],
  ["mean along -1", () => new wf.Array([[1, 2], [3, 5]]).mean(-1), { dtype: "float64", values: [1.5, 4] }],
  ["median of an even count", () => new wf.Array([3, 1, 4, 1, 5, 9]).median(), { dtype: "float64", values: 3.5 }],
  ["median along 0", () => new wf.Array([[1, 5], [3, 2], [2, 8]]).median(0), { dtype: "float64", values: [2, 5] }],
  ["max along 1", () => new wf.Array([[3, -1], [2, 7]]).max(1), { dtype: "int64", values: [3n, 7n] }],
  ["min along 0", () => new wf.Array([[3, -1], [2, 7]]).min(0), { dtype: "int64", values: [2n, -1n] }],
  ["std", () => new wf.Array([2, 4, 4, 4, 5, 5, 7, 9]).std(), { dtype: "float64", values: 2 }],
  ["full sum", () => x.sum(), { dtype: "int64", values: 66n }],
  // indexing
  ["rows reversed by 2", () => x.get(wf.slice(undefined, undefined, -2)), { dtype: "int64", values: [[8n, 9n, 10n, 11n], [0n, 1n, 2n, 3n]] }],
  ["a list on axis 1", () => x.get(":", [3, 0]), { dtype: "int64", values: [[3n, 0n], [7n, 4n], [11n, 8n]] }],
  ["new axis then int", () => x.get(null, 1), { dtype: "int64", values: [[4n, 5n, 6n, 7n]] }],
  ["NumPy string with an ellipsis", () => x.get("..., ::3"), { dtype: "int64", values: [[0n, 3n], [4n, 7n], [8n, 11n]] }],
  ["negative int and a slice", () => x.get(-1, wf.slice(1, 3)), { dtype: "int64", values: [9n, 10n] }],
  ["boolean mask selection", () => x.get(x.mod(5).eq(0)), { dtype: "int64", values: [0n, 5n, 10n] }],
  ["computed integer Array index", () => x.get(new wf.Array([2, 0]).add(0), 1), { dtype: "int64", values: [9n, 1n] }],
  ["reshape with -1", () => x.reshape(-1, 6).get(1), { dtype: "int64", values: [6n, 7n, 8n, 9n, 10n, 11n] }],
  ["flatten of a transpose", () => wf.numpy.transpose(x).flatten(), { dtype: "int64", values: [0n, 4n, 8n, 1n, 5n, 9n, 2n, 6n, 10n, 3n, 7n, 11n] }],
  ["where with a weak scalar", () => wf.numpy.where(x.get(1).gt(5), x.get(1), -1) as wf.Array, { dtype: "int64", values: [-1n, -1n, 6n, 7n] }],
  // masked arrays
  ["masked add", () => m.add(10), { dtype: "int64", values: [11n, null, 13n, 14n] }],
  ["masked sum", () => m.sum(), { dtype: "int64", values: 8n }],
  ["masked count", () => m.count(), { dtype: "int64", values: 3n }],
  ["filled", () => m.filled(-1), { dtype: "int64", values: [1n, -1n, 3n, 4n] }],
  ["compressed", () => m.compressed(), { dtype: "int64", values: [1n, 3n, 4n] }],
  ["getmaskarray", () => m.getmaskarray(), { dtype: "bool", values: [false, true, false, false] }],
  ["masks OR through operations", () => m.mul(new wf.MaskedArray([1, 1, 1, 2], { mask: [false, false, true, false] })), { dtype: "int64", values: [1n, null, null, 8n] }],
  ["division by zero masks", () => new wf.MaskedArray([1, 2, 3], { mask: [false, false, false] }).div([1, 0, 2]), { dtype: "float64", values: [1, null, 1.5] }],
  ["sqrt of a negative masks", () => npSqrt(new wf.MaskedArray([4, -1, 9], { mask: [false, false, false] })), { dtype: "float64", values: [2, null, 3] }],
  ["masked sum along 0 with an all-masked column", () => new wf.MaskedArray([[1, 2], [3, 4]], { mask: [[true, false], [true, false]] }).sum(0), { dtype: "int64", values: [null, 6n] }],
  ["masked median along 1", () => new wf.MaskedArray([[1, 9, 3], [4, 5, 6]], { mask: [[false, true, false], [false, false, false]] }).median(1), { dtype: "float64", values: [2, 5] }],
];

t.test("hand-computed values through inspect()", async (t) => {
  for (const [label, build, want] of HAND) {
    const got = await build().inspect();
    if (got instanceof wf.NDArray || got instanceof wf.MaskedNDArray) {
      t.strictSame({ dtype: got.dtype, values: got.toArray() }, want, label);
    } else {
      t.strictSame(got, want.values, `${label} (a JS ${typeof want.values})`);
    }
  }
  // values that need a tolerance
  const close = (a: unknown, b: number) => typeof a === "number" && Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
  t.ok(close(await m.mean().inspect(), 8 / 3), "masked mean");
  t.ok(close(await new wf.Array([1, 2, 3, 4]).std(undefined, { ddof: 1 }).inspect(), Math.sqrt(5 / 3)), "std with ddof 1");
  const nan = (await new wf.Array([0.5, 0]).sub([0.5, 0]).div(0).inspect()) as wf.NDArray;
  t.ok([...nan.data].every(Number.isNaN), "0 / 0 is NaN");
});

t.test("no worker thread was started", async (t) => {
  t.equal(threadsStarted, 0);
  dc.unsubscribe("worker_threads", onThread);
});
