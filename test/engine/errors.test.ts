/**
 * Errors (issue 2): what is known at build time throws ProxyTypeError while the expression is
 * built, naming the shapes or values; an error inside a pool worker rejects compute() with a
 * JobComputeError carrying the task key and the worker's stack.
 */
import t from "tap";
import * as wf from "../../src/index.js";

t.teardown(() => wf.shutdown());

const x = new wf.Array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]); // (3, 4)

/** Each case: what to build, and every piece the message must contain. */
const BUILD_ERRORS: [label: string, build: () => unknown, parts: string[]][] = [
  ["broadcast (3, 4) with (5,)", () => x.add([1, 2, 3, 4, 5]), ["(3, 4)", "(5,)"]],
  ["broadcast (3, 4) with (2, 2)", () => x.mul(new wf.Array([[1, 2], [3, 4]])), ["(3, 4)", "(2, 2)"]],
  ["broadcast in a comparison", () => x.lt(new wf.Array([[1], [2]])), ["(3, 4)", "(2, 1)"]],
  ["broadcast of masked operands", () => new wf.MaskedArray([1, 2, 3], { mask: [true, false, false] }).add([1, 2]), ["(3,)", "(2,)"]],
  ["broadcast in wf.numpy.where", () => wf.numpy.where(x.gt(2), x, [1, 2, 3]), ["(3, 4)", "(3,)"]],
  ["reshape to a wrong size", () => x.reshape(5, 3), ["12", "(5, 3)"]],
  ["reshape with -1 that does not divide", () => x.reshape(5, -1), ["12", "5"]],
  ["reshape with two -1", () => x.reshape(-1, -1), ["-1"]],
  ["axis out of range", () => x.sum(2), ["2", "dimension 2"]],
  ["negative axis out of range", () => x.mean(-3), ["-3", "dimension 2"]],
  ["axis list with one out of range", () => x.max([0, 4]), ["4"]],
  ["median axis out of range", () => x.median(7), ["7"]],
  ["std axis out of range", () => x.std(-9), ["-9"]],
  ["count axis out of range", () => new wf.MaskedArray([1, 2], { mask: [false, true] }).count(1), ["1", "dimension 1"]],
  ["index out of range", () => x.get(3), ["3", "size 3"]],
  ["negative index out of range", () => x.get(0, -5), ["-5", "size 4"]],
  ["index list out of range", () => x.get([0, 7]), ["7", "size 3"]],
  ["index out of range in a NumPy string", () => x.get("1, 9"), ["9", "size 4"]],
  ["bad dtype name in astype", () => x.astype("float128"), ["float128"]],
  ["bad dtype name in the constructor", () => new wf.Array([1, 2], { dtype: "complex64" }), ["complex64"]],
  ["bad dtype name in Array.from", () => wf.Array.from(new Float32Array(2), [2], { dtype: "float16" }), ["float16"]],
  ["ragged input at axis 1", () => new wf.Array([[1, 2], [3]]), ["axis 1", "(2,)"]],
  ["ragged input at axis 2", () => new wf.Array([[[1], [2]], [[3], 4]]), ["axis 2", "(2, 2)"]],
  ["too many indices", () => x.get(0, 0, 0), ["2-dimensional", "3"]],
  ["too many indices in a NumPy string", () => x.get("0, :, 1"), ["2-dimensional", "3"]],
  ["two ellipses", () => x.get("...", 0, "..."), ["ellipsis"]],
  ["two ellipses in a NumPy string", () => x.get("..., 0, ..."), ["ellipsis"]],
  ["a mask of another shape", () => new wf.MaskedArray([1, 2, 3], { mask: [true, false] }), ["(3,)", "(2,)"]],
  ["a boolean index of another length", () => x.get(new wf.Array([true, false])), ["axis 0", "size of axis is 3", "boolean axis is 2"]],
  ["a boolean index of another shape", () => x.get(new wf.Array([[true, false], [false, true]])), ["(2, 2)", "(3, 4)"]],
];

t.test("build-time errors throw ProxyTypeError while building, with shapes and values", async (t) => {
  for (const [label, build, parts] of BUILD_ERRORS) {
    let thrown: unknown;
    try {
      build();
    } catch (e) {
      thrown = e;
    }
    if (!(thrown instanceof wf.ProxyTypeError)) {
      t.fail(`${label}: expected a ProxyTypeError while building, got ${thrown === undefined ? "no error" : String(thrown)}`);
      continue;
    }
    t.equal(thrown.name, "ProxyTypeError", label);
    t.ok(thrown instanceof TypeError, `${label}: a TypeError`);
    const missing = parts.filter((p) => !thrown.message.includes(p));
    t.same(missing, [], `${label}: "${thrown.message}" names ${parts.join(", ")}`);
  }
});

t.test("the same expressions with valid arguments build and compute", async (t) => {
  // guards the list above: each error comes from the bad value, not from the expression's form
  t.strictSame(((await x.add([1, 2, 3, 4]).inspect()) as wf.NDArray).toArray(), [[2n, 4n, 6n, 8n], [6n, 8n, 10n, 12n], [10n, 12n, 14n, 16n]]);
  t.same(((await x.reshape(6, -1).inspect()) as wf.NDArray).shape, [6, 2]);
  t.equal(await x.sum(-2).sum().inspect(), 78n);
  t.equal(((await x.get(2, -4).inspect()) as wf.NDArray).data[0], 9n);
  t.strictSame(((await x.get("...", 0).inspect()) as wf.NDArray).toArray(), [1n, 5n, 9n]);
  t.same(((await new wf.Array([[1, 2], [3, 4]], { dtype: "float32" }).inspect()) as wf.NDArray).dtype, "float32");
});

t.test("an error in a pool worker rejects with the task key and the worker's stack", async (t) => {
  wf.configure({ workers: 1 });
  const src = wf.Array.from(new Float64Array(10).map((_, i) => i * 1.5), [10]);
  // a computed integer index array (not a literal, so not checked at build time) with one bad index;
  // 16,384 gathered float64 are well above the size that runs inline, so the gather goes to the pool
  const n = 16384;
  const raw = new BigInt64Array(n).map((_, i) => BigInt(i % 10));
  raw[n - 3] = 12n;
  const idx = wf.Array.from(raw, [n]).add(0);
  const y = src.get(idx);
  t.same(y.known.shape, [n], "built without error");
  let err: unknown;
  try {
    await y.compute();
  } catch (e) {
    err = e;
  }
  t.ok(err instanceof wf.JobComputeError, `a JobComputeError (got ${String(err)})`);
  const e = err as wf.JobComputeError;
  t.type(e.taskKey, "string");
  t.match(e.taskKey, /take/, "the key names the gather task");
  t.match(e.message, /index 12 is out of bounds for axis 0 with size 10/);
  t.match(e.message, e.taskKey!, "the message names the task");
  t.match(e.stack, /--- worker stack ---/);
  t.match(e.stack, /RangeError: index 12 is out of bounds/, "the worker's own error");
  t.match(e.stack, /runTake/, "the kernel's frame");
  t.match(e.stack, /workers[\\/]worker\.(ts|js)/, "thrown in the pool worker's thread, not inline");

  // an index in range computes, on the same pool, after the failure
  raw[n - 3] = -1n;
  const ok = (await src.get(wf.Array.from(raw, [n]).add(0)).compute()) as wf.NDArray;
  t.equal(ok.data[n - 3], 13.5);
  t.equal(ok.data[7], 10.5);
});
