/** The fixture loader and comparator, fed hand-built results (no engine needed). */
import t from "tap";
import { MaskedNDArray, NDArray } from "../../src/core/ndarray.js";
import { ProxyTypeError } from "../../src/core/errors.js";
import type { DTypeName, TypedArray } from "../../src/core/dtype.js";
import {
  checkOutcome, compareArray, compareScalar, coreSuites, decodeArr, isArr, isErr, isScal, loadFixture,
  type ArrJSON, type Case, type JSONValue,
} from "./fixtures.js";

const b64 = (a: TypedArray): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");

function arrJSON(data: TypedArray, shape: number[], dtype: DTypeName, mask?: number[]): ArrJSON {
  const out: ArrJSON = { dtype, shape, data: b64(data) };
  if (mask) out.mask = b64(Uint8Array.from(mask));
  return out;
}

t.test("a matching array has no mismatches", async (t) => {
  const exp = arrJSON(new Float64Array([1, 2.5, NaN, -Infinity, 0, 7]), [2, 3], "float64");
  const got = new NDArray(new Float64Array([1, 2.5 * (1 + 1e-9), NaN, -Infinity, 0, 7]), [2, 3], "float64");
  t.same(compareArray(exp, got), []);
  const big = arrJSON(new BigInt64Array([2n ** 62n + 1n, -5n]), [2], "int64");
  t.same(compareArray(big, new NDArray(new BigInt64Array([2n ** 62n + 1n, -5n]), [2], "int64")), []);
  const zeroD = arrJSON(new Uint8Array([1]), [], "bool");
  t.same(compareArray(zeroD, new NDArray(new Uint8Array([1]), [], "bool")), []);
});

t.test("a different dtype, shape or storage is reported", async (t) => {
  const exp = arrJSON(new Float32Array([1, 2, 3]), [3], "float32");
  const m = compareArray(exp, new NDArray(new Float64Array([1, 2, 3]), [3], "float64"));
  t.match(m.join("\n"), /dtype: expected float32, got float64/);
  const s = compareArray(exp, new NDArray(new Float32Array([1, 2, 3]), [1, 3], "float32"));
  t.match(s.join("\n"), /shape: expected \(3,\), got \(1, 3\)/);
  // int64 must come back in a BigInt64Array (API.md).
  const i64 = arrJSON(new BigInt64Array([1n]), [1], "int64");
  const wrongStorage = { data: new Float64Array([1]), shape: [1], dtype: "int64" };
  t.match(compareArray(i64, wrongStorage).join("\n"), /Float64Array/);
  t.match(compareArray(exp, 3).join("\n"), /expected NDArray\(\(3,\), float32\), got number 3/);
});

t.test("different values are listed with their indices", async (t) => {
  const exp = arrJSON(new Int32Array([0, 1, 2, 3, 4, 5]), [2, 3], "int32");
  const m = compareArray(exp, new NDArray(new Int32Array([0, 1, 2, 3, 40, 5]), [2, 3], "int32"));
  t.same(m, ["1 of 6 elements differ", "at [1, 1]: expected 4, got 40"]);
  const many = compareArray(exp, new NDArray(new Int32Array(6).fill(9), [2, 3], "int32"));
  t.equal(many[0], "6 of 6 elements differ");
  t.equal(many.length, 6, "the count plus the first five");
  const f = compareArray(arrJSON(new Float64Array([1, NaN]), [2], "float64"),
    new NDArray(new Float64Array([1.001, 0]), [2], "float64"));
  t.match(f.join("\n"), /at \[0\]: expected 1, got 1\.001[\s\S]*at \[1\]: expected NaN, got 0/);
  const u64 = compareArray(arrJSON(new BigUint64Array([2n ** 64n - 1n]), [1], "uint64"),
    new NDArray(new BigUint64Array([0n]), [1], "uint64"));
  t.match(u64.join("\n"), /expected 18446744073709551615n, got 0n/);
});

t.test("masked results compare the mask and the unmasked data only", async (t) => {
  const exp = arrJSON(new Int16Array([1, 0, 3, 0]), [2, 2], "int16", [0, 1, 0, 1]);
  const ok = new MaskedNDArray(new Int16Array([1, 999, 3, -7]), Uint8Array.from([0, 1, 0, 1]), [2, 2], "int16");
  t.same(compareArray(exp, ok), [], "data under the mask is ignored");
  const badMask = new MaskedNDArray(new Int16Array([1, 0, 3, 0]), Uint8Array.from([0, 1, 1, 1]), [2, 2], "int16");
  t.match(compareArray(exp, badMask).join("\n"), /mask at \[1, 0\]: expected unmasked, got masked/);
  const badValue = new MaskedNDArray(new Int16Array([1, 0, 4, 0]), Uint8Array.from([0, 1, 0, 1]), [2, 2], "int16");
  t.match(compareArray(exp, badValue).join("\n"), /1 of 2 unmasked elements differ[\s\S]*at \[1, 0\]: expected 3, got 4/);
  const plain = new NDArray(new Int16Array([1, 0, 3, 0]), [2, 2], "int16");
  t.match(compareArray(exp, plain).join("\n"), /expected a masked result/);
  // A plain expectation: a masked result is accepted only with allowMasked and nothing masked.
  const plainExp = arrJSON(new Int16Array([1, 2, 3, 4]), [2, 2], "int16");
  const unmasked = new MaskedNDArray(new Int16Array([1, 2, 3, 4]), new Uint8Array(4), [2, 2], "int16");
  t.match(compareArray(plainExp, unmasked).join("\n"), /expected a plain result/);
  t.same(compareArray(plainExp, unmasked, { allowMasked: true }), []);
});

t.test("scalars: JS type per dtype, null for masked, float32 values", async (t) => {
  t.same(compareScalar({ scalar: "12", dtype: "int64" }, 12n), []);
  t.match(compareScalar({ scalar: "12", dtype: "int64" }, 12).join(), /expected a bigint/);
  t.same(compareScalar({ scalar: 5, dtype: "int32" }, 5), []);
  t.same(compareScalar({ scalar: true, dtype: "bool" }, true), []);
  t.same(compareScalar({ scalar: null, dtype: "float64" }, null), []);
  t.match(compareScalar({ scalar: null, dtype: "float64" }, 0).join(), /expected null/);
  t.match(compareScalar({ scalar: 1.5, dtype: "float64" }, null).join(), /got null/);
  t.same(compareScalar({ scalar: "nan", dtype: "float32" }, NaN), []);
  t.same(compareScalar({ scalar: 0.1, dtype: "float64" }, 0.1 + 1e-12), []);
  t.match(compareScalar({ scalar: Math.fround(0.1), dtype: "float32" }, 0.1).join(), /float32 cannot hold/);
  t.match(compareScalar({ scalar: 2, dtype: "float64" }, 2.1).join(), /expected 2 \(float64\), got 2\.1/);
});

t.test("checkOutcome: errors are checked by class name, message and phase", async (t) => {
  const errCase: Case = {
    id: "e", inputs: [], expr: ["m", "add", ["input", 0], ["input", 1]],
    expected: { error: "ProxyTypeError", match: "(3, 4)" },
  };
  const err = new ProxyTypeError("operands could not be broadcast together with shapes (3, 4) (5,)");
  t.same(checkOutcome(errCase, { ok: false, error: err, phase: "build" }), []);
  t.match(checkOutcome(errCase, { ok: false, error: err, phase: "compute" }).join(), /while building/);
  t.match(checkOutcome(errCase, { ok: false, error: new RangeError("(3, 4)"), phase: "build" }).join(), /got RangeError/);
  t.match(checkOutcome(errCase, { ok: false, error: new ProxyTypeError("bad"), phase: "build" }).join(), /does not contain/);
  t.match(checkOutcome(errCase, { ok: true, value: 1 }).join(), /expected ProxyTypeError/);
  const valueCase: Case = { id: "v", inputs: [], expr: ["input", 0], expected: { scalar: 3, dtype: "int32" } };
  t.match(checkOutcome(valueCase, { ok: false, error: new Error("boom"), phase: "compute" }).join(), /threw while computing[\s\S]*boom/);
  t.same(checkOutcome({ ...valueCase, rtol: 0.5 }, { ok: true, value: 3 }), []);
});

const EXPR_HEADS = new Set(["input", "num", "bool", "nested", "array", "ragged", "masked", "np", "m"]);

function walk(e: JSONValue, inputs: number, bad: string[]): void {
  if (!Array.isArray(e) || typeof e[0] !== "string" || !EXPR_HEADS.has(e[0])) {
    bad.push(`not an expression: ${JSON.stringify(e)}`);
    return;
  }
  if (e[0] === "input" && !(typeof e[1] === "number" && e[1] < inputs)) bad.push(`bad input ${JSON.stringify(e)}`);
  if (e[0] === "masked") e.slice(1).forEach((x) => walk(x, inputs, bad));
  if (e[0] === "np") e.slice(2).forEach((x) => walk(x, inputs, bad));
  if (e[0] === "m") walk(e[2]!, inputs, bad);
}

t.test("the committed fixture files are well formed", async (t) => {
  const suites = coreSuites();
  t.same(suites, ["elementwise", "errors", "indexing", "masked", "reductions", "shape"]);
  for (const s of suites) {
    const f = loadFixture(s);
    const ids = new Set<string>();
    const bad: string[] = [];
    for (const c of f.cases) {
      if (ids.has(c.id)) bad.push(`duplicate id ${c.id}`);
      ids.add(c.id);
      for (const a of c.inputs) decodeArr(a);
      if (isArr(c.expected)) decodeArr(c.expected);
      else if (!isScal(c.expected) && !isErr(c.expected)) bad.push(`${c.id}: bad expected value`);
      walk(c.expr, c.inputs.length, bad);
    }
    t.same(bad, [], `core-${s}.json (${f.cases.length} cases, NumPy ${f.numpy})`);
    t.ok(f.cases.length > 0);
  }
});
