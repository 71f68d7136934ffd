import t from "tap";
import { allocate } from "../../src/core/dtype.js";
import { ProxyTypeError } from "../../src/core/errors.js";
import { MaskedNDArray, NDArray } from "../../src/core/ndarray.js";
import { decodeResult, encodeResult, type BytesFormatSpec } from "../../src/formats/encode.js";
import { FormatNotAvailableError } from "../../src/formats/errors.js";
import { FORMAT_NAMES, resolveFormat } from "../../src/formats/spec.js";
import { sameArray } from "../support/format-cases.js";

const BYTE_FORMATS = ["npy", "arrow", "msgpack", "json"] as const;

t.test("native hands the value back untouched", async (t) => {
  const a = new NDArray(new Float64Array([1]), [1], "float64");
  for (const v of [a, 3, null, "s", [1, 2], { k: a }]) t.equal(encodeResult(v, resolveFormat(undefined)), v);
  t.throws(() => decodeResult(new Uint8Array(1), { type: "native" }), { name: "TypeError", message: /nothing to decode/ });
});

t.test("geotiff and png resolve but do not encode yet", async (t) => {
  for (const type of ["geotiff", "png"] as const) {
    const spec = resolveFormat(type);
    const err = t.throws(() => encodeResult(1, spec)) as Error;
    t.type(err, FormatNotAvailableError);
    t.match(err.message, new RegExp(`format "${type}" is not available yet`));
    t.throws(() => decodeResult(new Uint8Array(1), spec), { name: "FormatNotAvailableError" });
  }
});

t.test("npy and arrow take arrays and scalars only", async (t) => {
  for (const type of ["npy", "arrow"] as const) {
    for (const [v, kind] of [["x", "string"], [[1, 2], "list"], [{ a: 1 }, "object"]] as const) {
      const err = t.throws(() => encodeResult(v, { type })) as Error;
      t.type(err, ProxyTypeError);
      t.equal(err.message, `format "${type}" encodes arrays and scalars, not a ${kind} result; use "json" or "msgpack"`);
    }
  }
});

t.test("every byte format returns a Uint8Array, and reads back what it wrote", async (t) => {
  const masked = new MaskedNDArray(new Int32Array([5, 6, 7]), new Uint8Array([0, 1, 0]), [3], "int32", -1);
  for (const type of BYTE_FORMATS) {
    const spec: BytesFormatSpec = { type };
    const bytes = encodeResult(masked, spec);
    t.ok(bytes instanceof Uint8Array, type);
    t.equal(sameArray(decodeResult(bytes, spec) as MaskedNDArray, masked), undefined, type);
  }
  t.same(FORMAT_NAMES.filter((n) => !(BYTE_FORMATS as readonly string[]).includes(n)), ["native", "geotiff", "png"]);
});

t.test("shared memory and offset views encode like plain arrays", async (t) => {
  const shared = allocate("float64", 7, true) as Float64Array;
  shared.set([9, 1, 2, 3, 4, 5, 9]);
  const view = new NDArray(shared.subarray(1, 6), [5], "float64");
  const mask = new Uint8Array(new SharedArrayBuffer(9)).subarray(2, 7);
  mask[3] = 1;
  const masked = new MaskedNDArray(shared.subarray(1, 6), mask, [5], "float64");
  const plain = new NDArray(new Float64Array([1, 2, 3, 4, 5]), [5], "float64");
  for (const type of BYTE_FORMATS) {
    const spec: BytesFormatSpec = { type };
    t.same(Buffer.from(encodeResult(view, spec)), Buffer.from(encodeResult(plain, spec)), `${type}: same bytes as an unshared copy`);
    t.equal(sameArray(decodeResult(encodeResult(masked, spec), spec) as MaskedNDArray, masked), undefined, `${type}: masked`);
  }
});

t.test("a scalar's dtype: inferred from the JS type, or given", async (t) => {
  const dtypeOf = (v: number | bigint | boolean | null, dtype?: "int8" | "uint32"): unknown =>
    (JSON.parse(new TextDecoder().decode(encodeResult(v, { type: "json" }, dtype ? { dtype } : {}))) as { dtype: string }).dtype;
  t.equal(dtypeOf(1), "float64");
  t.equal(dtypeOf(1n), "int64");
  t.equal(dtypeOf(2n ** 63n), "uint64");
  t.equal(dtypeOf(true), "bool");
  t.equal(dtypeOf(null), "float64");
  t.equal(dtypeOf(3, "int8"), "int8");
  t.equal(dtypeOf(null, "uint32"), "uint32");
  t.equal(decodeResult(encodeResult(-3, { type: "npy" }, { dtype: "int8" }), { type: "npy" }), -3);
});
