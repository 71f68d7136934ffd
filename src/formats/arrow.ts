/**
 * The `arrow` format: an Arrow IPC stream of one record batch with one column `data`, the
 * C-order values (a masked array's mask as the validity bitmap: masked = null), and schema
 * metadata `shape` (a JSON list) and `dtype`; a masked array also carries `masked: "true"`
 * and `fillValue` (one JSON element, as in the `json` format).
 */
import {
  Bool, DataType, Field, Float32, Float64, Int16, Int32, Int64, Int8, Precision, RecordBatch, Schema, Struct,
  Table, Uint16, Uint32, Uint64, Uint8, makeData, tableFromIPC, tableToIPC,
  type Data, type Float, type Int,
} from "apache-arrow";
import { allocate, isDTypeName, type DTypeName, type TypedArray } from "../core/dtype.js";
import { MaskedNDArray, NDArray, type Element } from "../core/ndarray.js";
import { sizeOf } from "../core/shape.js";
import { packBits, unpackBits } from "./bits.js";
import { fromJsonElement, toJsonElement } from "./elements.js";
import { FormatDecodeError } from "./errors.js";
import { fillFor, type ArrayResult } from "./result.js";

interface Column {
  length: number;
  nullCount: number;
  nullBitmap: Uint8Array | undefined;
}

function intData<T extends Int>(type: T, values: T["TArray"], c: Column): Data<T> {
  return makeData({ type, data: values, ...c });
}

function floatData<T extends Float>(type: T, values: T["TArray"], c: Column): Data<T> {
  return makeData({ type, data: values, ...c });
}

/** The column's Arrow data, sharing the typed array's memory (bool is bit-packed: one pass). */
function columnData(dtype: DTypeName, v: TypedArray, c: Column): Data {
  switch (dtype) {
    case "bool": return makeData({ type: new Bool(), data: packBits(v as Uint8Array), ...c });
    case "int8": return intData(new Int8(), v as Int8Array, c);
    case "uint8": return intData(new Uint8(), v as Uint8Array, c);
    case "int16": return intData(new Int16(), v as Int16Array, c);
    case "uint16": return intData(new Uint16(), v as Uint16Array, c);
    case "int32": return intData(new Int32(), v as Int32Array, c);
    case "uint32": return intData(new Uint32(), v as Uint32Array, c);
    case "int64": return intData(new Int64(), v as BigInt64Array, c);
    case "uint64": return intData(new Uint64(), v as BigUint64Array, c);
    case "float32": return floatData(new Float32(), v as Float32Array, c);
    case "float64": return floatData(new Float64(), v as Float64Array, c);
  }
}

export function encodeArrow(a: ArrayResult): Uint8Array {
  const masked = a instanceof MaskedNDArray;
  const col: Column = { length: a.size, nullCount: 0, nullBitmap: undefined };
  const meta = new Map<string, string>([["shape", JSON.stringify(a.shape)], ["dtype", a.dtype]]);
  if (masked) {
    col.nullCount = a.size - a.count();
    col.nullBitmap = packBits(a.mask, true);
    meta.set("masked", "true");
    meta.set("fillValue", JSON.stringify(toJsonElement(a.fillValue, a.dtype)));
  }
  const data = columnData(a.dtype, a.data, col);
  const field = new Field("data", data.type, masked);
  const schema = new Schema([field], meta);
  const batch = new RecordBatch(schema, makeData({ type: new Struct([field]), length: a.size, nullCount: 0, children: [data] }));
  return tableToIPC(new Table([batch]), "stream");
}

const fail = (msg: string): never => { throw new FormatDecodeError("arrow", msg); };

function dtypeOfArrow(t: DataType): DTypeName | undefined {
  if (DataType.isBool(t)) return "bool";
  if (DataType.isInt(t)) {
    const name = `${t.isSigned ? "" : "u"}int${t.bitWidth}`;
    return isDTypeName(name) ? name : undefined;
  }
  if (DataType.isFloat(t)) {
    return t.precision === Precision.SINGLE ? "float32" : t.precision === Precision.DOUBLE ? "float64" : undefined;
  }
  return undefined;
}

function readShape(text: string | undefined, rows: number): number[] {
  if (text === undefined) return [rows];
  let shape: unknown;
  try {
    shape = JSON.parse(text);
  } catch {
    return fail(`schema metadata shape is not JSON: ${text}`);
  }
  if (!Array.isArray(shape) || !shape.every((s): s is number => typeof s === "number" && Number.isInteger(s) && s >= 0)) {
    return fail(`schema metadata shape must be a list of non-negative integers, got ${text}`);
  }
  return shape;
}

function readFill(text: string | undefined, dtype: DTypeName): Element | undefined {
  if (text === undefined) return undefined;
  let x: unknown;
  try {
    x = JSON.parse(text);
  } catch {
    return fail(`schema metadata fillValue is not JSON: ${text}`);
  }
  const r = fromJsonElement(x, dtype);
  return "problem" in r ? fail(`fillValue: ${r.problem}`) : fillFor(dtype, r.value);
}

function readTable(bytes: Uint8Array): Table {
  try {
    return tableFromIPC(bytes);
  } catch (e) {
    throw new FormatDecodeError("arrow", `not a readable Arrow IPC stream (${(e as Error).message})`, { cause: e });
  }
}

/** Read an Arrow IPC stream (or file) with a `data` column; without metadata it is 1-d. */
export function decodeArrow(bytes: Uint8Array): ArrayResult {
  const table = readTable(bytes);
  if (table.schema.fields.length === 0) return fail("no schema: empty or truncated stream");
  const column = table.getChild("data");
  if (column === null) {
    const names = table.schema.fields.map((f) => f.name);
    return fail(`no column named "data" (columns: ${names.join(", ")})`);
  }
  const meta = table.schema.metadata;
  const arrowDType = dtypeOfArrow(column.type);
  if (arrowDType === undefined) return fail(`column type ${String(column.type)} has no tesserae dtype`);
  const named = meta.get("dtype");
  if (named !== undefined && named !== arrowDType) {
    return fail(`metadata says dtype ${named} but the column holds ${String(column.type)} (${arrowDType})`);
  }
  const dtype = arrowDType;
  const shape = readShape(meta.get("shape"), column.length);
  const n = sizeOf(shape);
  if (column.length !== n) return fail(`${column.length} values, but shape [${shape}] needs ${n} (truncated stream?)`);

  const data = allocate(dtype, n, false);
  const mask = new Uint8Array(n);
  let at = 0;
  for (const chunk of column.data) {
    const values = chunk.values as TypedArray;
    if (dtype === "bool") unpackBits(values as Uint8Array, chunk.offset, chunk.length, data.subarray(at) as Uint8Array);
    else data.set(values.subarray(chunk.offset, chunk.offset + chunk.length) as never, at);
    if (chunk.nullCount > 0 && chunk.nullBitmap !== undefined && chunk.nullBitmap.length > 0) {
      unpackBits(chunk.nullBitmap, chunk.offset, chunk.length, mask.subarray(at), true);
    }
    at += chunk.length;
  }
  const masked = meta.get("masked") === "true" || column.nullCount > 0;
  if (!masked) return new NDArray(data, shape, dtype);
  return new MaskedNDArray(data, mask, shape, dtype, readFill(meta.get("fillValue"), dtype));
}
