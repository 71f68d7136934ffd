import { pack, unpack } from "msgpackr";
import t from "tap";
import { MaskedNDArray, NDArray } from "../../src/core/ndarray.js";
import { decodeResult, encodeResult } from "../../src/formats/encode.js";
import { allCases, maskOf, same, sameArray, valueAt } from "../support/format-cases.js";

const MSGPACK = { type: "msgpack" } as const;

const raw = (a: { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }): Buffer =>
  Buffer.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

type Unpacked = { [k: string]: unknown };

t.test("every dtype and shape, read by msgpackr's unpack", async (t) => {
  for (const { label, array } of allCases()) {
    const bytes = encodeResult(array, MSGPACK);
    t.ok(bytes[0] === 0xde || (bytes[0]! & 0xf0) === 0x80, `${label}: a plain MessagePack map`);
    const m = unpack(bytes) as Unpacked;
    const mask = maskOf(array);
    t.same(Object.keys(m).sort(), mask ? ["data", "dtype", "fillValue", "mask", "shape"] : ["data", "dtype", "shape"], `${label}: keys`);
    t.equal(m["dtype"], array.dtype);
    t.same(m["shape"], array.shape);
    t.ok(m["data"] instanceof Uint8Array, `${label}: data is binary`);
    t.ok(raw(m["data"] as Uint8Array).equals(raw(array.data)), `${label}: data is the raw little-endian bytes`);
    if (mask) {
      t.ok(raw(m["mask"] as Uint8Array).equals(raw(mask)), `${label}: mask bytes`);
      t.ok(same(m["fillValue"], (array as MaskedNDArray).fillValue), `${label}: fill value`);
    }
  }
});

t.test("every dtype and shape round-trips through decodeResult", async (t) => {
  for (const { label, array } of allCases()) {
    const back = decodeResult(encodeResult(array, MSGPACK), MSGPACK);
    if (array.shape.length === 0) {
      t.ok(same(back, maskOf(array)?.[0] ? null : valueAt(array, 0)), `${label}: scalar`);
      continue;
    }
    t.equal(sameArray(array, back as NDArray), undefined, label);
    if (array instanceof MaskedNDArray) t.ok(same((back as MaskedNDArray).fillValue, array.fillValue), `${label}: fill value`);
  }
});

t.test("scalars are 0-d maps; the dtype hint decides the bytes", async (t) => {
  const s = unpack(encodeResult(2, MSGPACK, { dtype: "uint16" })) as Unpacked;
  t.same([s["dtype"], s["shape"], [...(s["data"] as Uint8Array)]], ["uint16", [], [2, 0]]);
  const d = unpack(encodeResult(0.5, MSGPACK)) as Unpacked;
  t.equal(d["dtype"], "float64");
  t.ok(raw(d["data"] as Uint8Array).equals(raw(new Float64Array([0.5]))));
  const n = unpack(encodeResult(null, MSGPACK, { dtype: "int8" })) as Unpacked;
  t.same([n["dtype"], [...(n["mask"] as Uint8Array)], n["fillValue"]], ["int8", [1], 63]);
  for (const v of [1.25, -3n, 2n ** 64n - 1n, true, null]) t.ok(same(decodeResult(encodeResult(v, MSGPACK), MSGPACK), v), String(v));
});

t.test("strings, lists and objects pack as themselves, arrays inside them as maps", async (t) => {
  const arr = new NDArray(new Int16Array([1, -2, 3]), [3], "int16");
  const value = { name: "ndvi", sizes: [1, 2.5, 2n ** 60n, null, true], nested: { arr } };
  const m = unpack(encodeResult(value, MSGPACK)) as Unpacked;
  t.same(m["name"], "ndvi");
  t.same(m["sizes"], [1, 2.5, 2n ** 60n, null, true]);
  const inner = (m["nested"] as Unpacked)["arr"] as Unpacked;
  t.same([inner["dtype"], inner["shape"]], ["int16", [3]]);
  const back = decodeResult(encodeResult(value, MSGPACK), MSGPACK) as { name: string; sizes: unknown[]; nested: { arr: NDArray } };
  t.same(back.sizes, value.sizes);
  t.equal(sameArray(back.nested.arr, arr), undefined);
  t.equal(decodeResult(encodeResult("hello", MSGPACK), MSGPACK), "hello");
  t.same(decodeResult(encodeResult([], MSGPACK), MSGPACK), []);
});

t.test("decoder errors are clear", async (t) => {
  const good = encodeResult(new NDArray(new Float32Array([1, 2, 3]), [3], "float32"), MSGPACK);
  const bad = (bytes: Uint8Array, message: RegExp | string, label: string): void => {
    t.throws(() => decodeResult(bytes, MSGPACK), { name: "FormatDecodeError", message }, label);
  };
  bad(new Uint8Array(0), "msgpack: no data", "empty");
  bad(good.subarray(0, good.length - 3), /^msgpack: not valid MessagePack \(Unexpected end/, "truncated");
  bad(new Uint8Array([...good, 0x01]), "msgpack: expected one value, found 2 (trailing bytes?)", "trailing");
  bad(pack({ dtype: "float32", shape: [4], data: new Uint8Array(12) }), "msgpack: data has 12 bytes; float32 of shape [4] needs 16", "short data");
  bad(pack({ dtype: "float16", shape: [1], data: new Uint8Array(2) }), 'msgpack: unknown dtype "float16"', "dtype");
  bad(pack({ dtype: "int8", shape: [1.5], data: new Uint8Array(1) }), /shape must be a list of non-negative integers/, "shape");
  bad(pack({ dtype: "int8", shape: [2], data: new Uint8Array(2), mask: new Uint8Array(3) }), "msgpack: mask must be 2 bytes of binary, got 3 bytes", "mask");
  bad(pack({ dtype: "int8", shape: [2], data: new Uint8Array(2), mask: new Uint8Array(2), fillValue: "x" }), /fillValue must be a number/, "fill");
  bad(pack([new Uint8Array(2)]), /unexpected binary outside/, "loose binary");
});
