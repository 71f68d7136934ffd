import {
  Bool, Field, Int32, RecordBatch, Schema, Struct, Table, Utf8, makeData, tableFromArrays, tableFromIPC, tableToIPC,
  vectorFromArray,
} from "apache-arrow";
import t from "tap";
import { MaskedNDArray, NDArray } from "../../src/core/ndarray.js";
import { decodeResult, encodeResult } from "../../src/formats/encode.js";
import { allCases, maskOf, same, sameArray, valueAt } from "../support/format-cases.js";

const ARROW = { type: "arrow" } as const;

const ARROW_TYPE: Record<string, string> = {
  bool: "Bool", int8: "Int8", uint8: "Uint8", int16: "Int16", uint16: "Uint16", int32: "Int32", uint32: "Uint32",
  int64: "Int64", uint64: "Uint64", float32: "Float32", float64: "Float64",
};

t.test("every dtype and shape, read by apache-arrow's tableFromIPC", async (t) => {
  for (const { label, array } of allCases()) {
    const table = tableFromIPC(encodeResult(array, ARROW));
    const mask = maskOf(array);
    const meta = table.schema.metadata;
    t.equal(meta.get("shape"), JSON.stringify(array.shape), `${label}: shape metadata`);
    t.equal(meta.get("dtype"), array.dtype, `${label}: dtype metadata`);
    t.same(table.schema.fields.map((f) => f.name), ["data"], `${label}: one column`);
    const col = table.getChild("data")!;
    t.equal(String(col.type), ARROW_TYPE[array.dtype], `${label}: Arrow type`);
    t.equal(table.numRows, array.size, `${label}: rows`);
    t.equal(table.schema.fields[0]!.nullable, mask !== undefined, `${label}: nullable iff masked`);
    t.equal(col.nullCount, mask ? mask.reduce((a, b) => a + b, 0) : 0, `${label}: null count`);
    let ok = true;
    for (let i = 0; i < array.size; i++) {
      const want = mask?.[i] ? null : valueAt(array, i);
      if (!same(col.get(i), want)) ok = false;
    }
    t.ok(ok, `${label}: values, null where masked`);
    if (mask) {
      t.equal(meta.get("masked"), "true");
      t.equal(meta.get("fillValue"), array.dtype === "bool" ? "false" : "7");
    }
  }
});

t.test("every dtype and shape round-trips through decodeResult", async (t) => {
  for (const { label, array } of allCases()) {
    const back = decodeResult(encodeResult(array, ARROW), ARROW);
    if (array.shape.length === 0) {
      t.ok(same(back, maskOf(array)?.[0] ? null : valueAt(array, 0)), `${label}: scalar`);
      continue;
    }
    t.equal(sameArray(array, back as NDArray), undefined, label);
    if (array instanceof MaskedNDArray) t.ok(same((back as MaskedNDArray).fillValue, array.fillValue), `${label}: fill value`);
  }
});

t.test("scalars: one row, shape []", async (t) => {
  const tb = tableFromIPC(encodeResult(3n, ARROW));
  t.same([tb.schema.metadata.get("shape"), tb.schema.metadata.get("dtype"), tb.getChild("data")!.get(0)], ["[]", "int64", 3n]);
  const masked = tableFromIPC(encodeResult(null, ARROW, { dtype: "float32" }));
  t.same([masked.schema.metadata.get("dtype"), masked.getChild("data")!.get(0)], ["float32", null]);
  t.equal(decodeResult(encodeResult(1.5, ARROW), ARROW), 1.5);
  t.equal(decodeResult(encodeResult(false, ARROW), ARROW), false);
  t.equal(decodeResult(encodeResult(null, ARROW), ARROW), null);
});

t.test("tables written elsewhere: several batches, nulls across batch edges, no metadata", async (t) => {
  const mk = (vals: (boolean | null)[]): RecordBatch => {
    const v = vectorFromArray(vals, new Bool());
    const field = new Field("data", new Bool(), true);
    return new RecordBatch(new Schema([field]), makeData({ type: new Struct([field]), length: vals.length, children: [v.data[0]!] }));
  };
  const table = new Table([mk([true, null, false, true, true]), mk([null, true, false, true, false, null, true, true, true])]);
  const back = decodeResult(tableToIPC(table, "stream"), ARROW) as MaskedNDArray;
  t.type(back, MaskedNDArray);
  t.same(back.shape, [14]);
  t.same([...back.mask], [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0]);
  t.same([...back.data].filter((_, i) => !back.mask[i]), [1, 0, 1, 1, 1, 0, 1, 0, 1, 1, 1]);
  const plain = decodeResult(tableToIPC(tableFromArrays({ data: new Int32Array([4, 5, 6]) }), "file"), ARROW) as NDArray;
  t.equal(sameArray(plain, new NDArray(new Int32Array([4, 5, 6]), [3], "int32")), undefined, "an IPC file without metadata is 1-d");
});

t.test("decoder errors are clear", async (t) => {
  const good = encodeResult(new NDArray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3], "float64"), ARROW);
  const bad = (bytes: Uint8Array, message: RegExp, label: string): void => {
    t.throws(() => decodeResult(bytes, ARROW), { name: "FormatDecodeError", message }, label);
  };
  bad(new Uint8Array(0), /^arrow: no schema: empty or truncated stream$/, "empty");
  t.equal(sameArray(decodeResult(good.subarray(0, good.length - 8), ARROW) as NDArray, new NDArray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3], "float64")), undefined, "a stream without its end marker is still whole");
  bad(new TextEncoder().encode("definitely not arrow"), /^arrow: /, "garbage");
  for (const cut of [8, 100, good.length - 40, good.length - 9, good.length - 16]) bad(good.subarray(0, cut), /^arrow: /, `cut at ${cut}`);

  const withMeta = (meta: [string, string][], type = new Int32(), values: Int32Array = new Int32Array([1, 2])): Uint8Array => {
    const field = new Field("data", type, false);
    const data = makeData({ type: new Int32(), length: values.length, data: values });
    return tableToIPC(new Table([new RecordBatch(new Schema([field], new Map(meta)), makeData({ type: new Struct([field]), length: values.length, children: [data] }))]), "stream");
  };
  bad(withMeta([["shape", "[3]"]]), /2 values, but shape \[3\] needs 3/, "shape disagrees with the rows");
  bad(withMeta([["shape", "[2"]]), /shape is not JSON/, "shape not JSON");
  bad(withMeta([["shape", "[-2]"]]), /non-negative integers/, "negative shape");
  bad(withMeta([["dtype", "float64"]]), /metadata says dtype float64 but the column holds Int32/, "dtype mismatch");
  bad(withMeta([["masked", "true"], ["fillValue", "\"x\""]]), /fillValue: expected an integer, got "x"/, "bad fill");
  bad(withMeta([["masked", "true"], ["fillValue", "1e400x"]]), /fillValue is not JSON/, "fill not JSON");
  bad(tableToIPC(tableFromArrays({ values: new Int32Array([1]) })), /no column named "data" \(columns: values\)/, "no data column");
  bad(tableToIPC(new Table({ data: vectorFromArray(["a", "b"], new Utf8()) })), /column type Utf8 has no tesserae dtype/, "strings");
});
