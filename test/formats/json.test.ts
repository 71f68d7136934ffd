import t from "tap";
import { DTYPES, type DTypeName } from "../../src/core/dtype.js";
import { MaskedNDArray, NDArray } from "../../src/core/ndarray.js";
import { decodeResult, encodeResult } from "../../src/formats/encode.js";
import { allCases, maskOf, same, sameArray, valueAt } from "../support/format-cases.js";

const JSON_FORMAT = { type: "json" } as const;
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** What the format promises for one element, in JSON.parse's terms. */
function expected(v: number | bigint | boolean, dtype: DTypeName): unknown {
  if (typeof v === "boolean") return v;
  if (typeof v === "bigint") return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : String(v);
  if (DTYPES[dtype].kind === "f" && !Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
  return v;
}

/** Flatten nested lists that must match `shape` exactly; undefined when they do not. */
function flatten(x: unknown, shape: readonly number[]): unknown[] | undefined {
  if (shape.length === 0) return [x];
  if (!Array.isArray(x) || x.length !== shape[0]) return undefined;
  const out: unknown[] = [];
  for (const item of x) {
    const f = flatten(item, shape.slice(1));
    if (f === undefined) return undefined;
    out.push(...f);
  }
  return out;
}

t.test("every dtype and shape, read by JSON.parse", async (t) => {
  for (const { label, array } of allCases()) {
    const parsed = JSON.parse(text(encodeResult(array, JSON_FORMAT))) as { [k: string]: unknown };
    t.same(Object.keys(parsed).sort(), ["data", "dtype", "shape"], `${label}: keys`);
    t.equal(parsed["dtype"], array.dtype);
    t.same(parsed["shape"], array.shape);
    const flat = flatten(parsed["data"], array.shape);
    t.ok(flat !== undefined, `${label}: data nests as the shape`);
    const mask = maskOf(array);
    t.ok(flat?.every((x, i) => same(x, mask?.[i] ? null : expected(valueAt(array, i), array.dtype))), `${label}: elements`);
  }
});

t.test("the number rules, spelled out", async (t) => {
  const f = new NDArray(new Float64Array([NaN, Infinity, -Infinity, -0, 0.1, 1e21]), [6], "float64");
  t.equal(text(encodeResult(f, JSON_FORMAT)), '{"dtype":"float64","shape":[6],"data":["NaN","Infinity","-Infinity",-0.0,0.1,1e+21]}');
  const i = new NDArray(new BigInt64Array([2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n), -(2n ** 53n) - 1n]), [2, 2], "int64");
  t.equal(text(encodeResult(i, JSON_FORMAT)), '{"dtype":"int64","shape":[2,2],"data":[[9007199254740992,"9007199254740993"],[-9007199254740992,"-9007199254740993"]]}');
  const m = new MaskedNDArray(new Uint8Array([1, 0, 1]), new Uint8Array([0, 1, 0]), [3], "bool");
  t.equal(text(encodeResult(m, JSON_FORMAT)), '{"dtype":"bool","shape":[3],"data":[true,null,true]}');
  t.equal(text(encodeResult(new NDArray(new Int8Array(0), [0, 2], "int8"), JSON_FORMAT)), '{"dtype":"int8","shape":[0,2],"data":[]}');
});

t.test("every dtype and shape round-trips through decodeResult", async (t) => {
  for (const { label, array } of allCases()) {
    const back = decodeResult(encodeResult(array, JSON_FORMAT), JSON_FORMAT);
    const mask = maskOf(array);
    if (array.shape.length === 0) {
      t.ok(same(back, mask?.[0] ? null : valueAt(array, 0)), `${label}: scalar`);
      continue;
    }
    const anyMasked = mask?.some((m) => m === 1) ?? false;
    t.equal(back instanceof MaskedNDArray, anyMasked, `${label}: masked iff some element is null`);
    const want = anyMasked ? array : new NDArray(array.data, array.shape, array.dtype);
    t.equal(sameArray(want, back as NDArray), undefined, label);
  }
});

t.test("scalars and plain values", async (t) => {
  t.equal(text(encodeResult(5, JSON_FORMAT, { dtype: "int32" })), '{"dtype":"int32","shape":[],"data":5}');
  t.equal(text(encodeResult(null, JSON_FORMAT)), '{"dtype":"float64","shape":[],"data":null}');
  t.equal(text(encodeResult(2n ** 63n, JSON_FORMAT)), '{"dtype":"uint64","shape":[],"data":"9223372036854775808"}');
  const arr = new NDArray(new Float32Array([0.5, NaN]), [2], "float32");
  const value = { label: "a\"b", xs: [NaN, 1, 2n ** 60n, true, null], arr };
  t.equal(text(encodeResult(value, JSON_FORMAT)),
    '{"label":"a\\"b","xs":["NaN",1,"1152921504606846976",true,null],"arr":{"dtype":"float32","shape":[2],"data":[0.5,"NaN"]}}');
  const back = decodeResult(encodeResult(value, JSON_FORMAT), JSON_FORMAT) as { arr: NDArray; label: string };
  t.equal(back.label, 'a"b');
  t.equal(sameArray(back.arr, arr), undefined);
  t.equal(decodeResult(encodeResult("text", JSON_FORMAT), JSON_FORMAT), "text");
  t.equal(decodeResult(encodeResult(-(2n ** 63n), JSON_FORMAT), JSON_FORMAT), -(2n ** 63n));
});

t.test("decoder errors are clear", async (t) => {
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
  const bad = (s: string | Uint8Array, message: RegExp | string, label: string): void => {
    t.throws(() => decodeResult(typeof s === "string" ? enc(s) : s, JSON_FORMAT), { name: "FormatDecodeError", message }, label);
  };
  const good = text(encodeResult(new NDArray(new Int32Array([1, 2, 3, 4]), [2, 2], "int32"), JSON_FORMAT));
  bad(good.slice(0, -5), /^json: not valid UTF-8 JSON/, "truncated");
  bad(new Uint8Array([0x22, 0xff, 0x22]), /^json: not valid UTF-8 JSON/, "bad UTF-8");
  bad('{"dtype":"int8","shape":[2],"data":[1]}', "json: data: expected 2 items for shape [2], got 1", "short");
  bad('{"dtype":"int8","shape":[2,1],"data":[[1],2]}', "json: data[1]: expected a list of 1 for shape [2,1], got number", "ragged");
  bad('{"dtype":"int8","shape":[1],"data":[300]}', "json: data[0]: 300 is out of range for int8", "range");
  bad('{"dtype":"uint64","shape":[1],"data":["-1"]}', "json: data[0]: -1 is out of range for uint64", "negative uint64");
  bad('{"dtype":"int16","shape":[1],"data":[1.5]}', "json: data[0]: expected an integer, got 1.5", "fraction");
  bad('{"dtype":"float32","shape":[1],"data":["nan"]}', 'json: data[0]: expected a number or "NaN"/"Infinity"/"-Infinity", got "nan"', "nan spelling");
  bad('{"dtype":"bool","shape":[1],"data":[1]}', "json: data[0]: expected true or false, got 1", "bool");
  bad('{"dtype":"complex64","shape":[1],"data":[1]}', 'json: unknown dtype "complex64"', "dtype");
  bad('{"dtype":"int8","shape":[-1],"data":[]}', "json: shape must be a list of non-negative integers, got [-1]", "shape");
  bad('{"dtype":"int8","shape":[],"data":[1]}', "json: data: expected an integer, got a list", "0-d holding a list");
});
