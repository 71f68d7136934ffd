/** compute({format}) end to end: every format decoded by an independent reader and compared to NumPy. */
import "./env.js";
import { tableFromIPC } from "apache-arrow";
import { unpack } from "msgpackr";
import t from "tap";
import * as wf from "../../src/index.js";
import { DTYPES, viewOf, type DTypeName } from "../../src/core/dtype.js";
import { npyValues, parseNpy, parseNpz } from "../support/npy-reader.js";
import { EXPECTED, expectedValues, expression, type Expected } from "./support.js";

t.teardown(() => wf.shutdown());

type V = number | bigint | boolean | null;

function same(got: readonly V[], want: readonly V[]): boolean {
  return got.length === want.length && got.every((g, i) => Object.is(g, want[i]) || (typeof g === "bigint" && g === want[i]));
}

/** Little-endian element bytes as JS values (bigint for 64-bit ints). */
function fromBytes(b: Uint8Array, dtype: DTypeName): V[] {
  const copy = new Uint8Array(b);
  const a = viewOf(dtype, copy.buffer, 0, copy.length / DTYPES[dtype].bytes);
  return Array.from(a as ArrayLike<number | bigint>, (x) => (dtype === "bool" ? x !== 0 : x));
}

function nested(v: unknown): unknown[] {
  return Array.isArray(v) ? v.flatMap(nested) : [v];
}

const toF32 = (e: Expected, vs: V[]): V[] => (e.dtype === "float32" ? vs.map((v) => (typeof v === "number" ? Math.fround(v) : v)) : vs);

for (const e of EXPECTED) {
  t.test(`${e.name}: ${e.dtype} ${JSON.stringify(e.shape)}`, async (t) => {
    const want = toF32(e, expectedValues(e));
    const x = expression(e.name);

    const npy = (await x.compute({ format: "npy" })) as Uint8Array;
    if (e.mask) {
      const members = parseNpz(npy);
      t.same(members.map((m) => m.name).sort(), ["data.npy", "mask.npy"], "npz members");
      const data = parseNpy(members.find((m) => m.name === "data.npy")!.bytes);
      const mask = npyValues(parseNpy(members.find((m) => m.name === "mask.npy")!.bytes));
      t.same(data.shape, e.shape);
      t.ok(same(npyValues(data).map((v, i) => (mask[i] ? null : v)), want), "npz values");
    } else {
      const p = parseNpy(npy);
      t.same([p.descr, p.shape], [DTYPES[e.dtype].descr, e.shape], "npy header");
      t.ok(same(npyValues(p), want), "npy values");
    }

    const table = tableFromIPC((await x.compute({ format: "arrow" })) as Uint8Array);
    t.same([table.schema.metadata.get("shape"), table.schema.metadata.get("dtype")], [JSON.stringify(e.shape), e.dtype], "arrow metadata");
    const col = table.getChild("data")!;
    const arrow: V[] = [];
    for (let k = 0; k < col.length; k++) arrow.push(col.get(k) as V);
    t.ok(same(arrow.map((v) => (e.dtype === "bool" && v !== null ? Boolean(v) : v)), want), "arrow values, null where masked");

    const m = unpack((await x.compute({ format: { type: "msgpack" } })) as Uint8Array) as Record<string, unknown>;
    t.same([m["dtype"], m["shape"]], [e.dtype, e.shape], "msgpack header");
    const mm = m["mask"] as Uint8Array | undefined;
    t.ok(same(fromBytes(m["data"] as Uint8Array, e.dtype).map((v, i) => (mm?.[i] ? null : v)), want), "msgpack values");

    const j = JSON.parse(Buffer.from((await x.compute({ format: "json" })) as Uint8Array).toString("utf8")) as Record<string, unknown>;
    t.same([j["dtype"], j["shape"]], [e.dtype, e.shape], "json header");
    const jv = nested(j["data"]).map((v): V => {
      if (v === null || typeof v === "boolean") return v as V;
      if (typeof v === "string") return DTYPES[e.dtype].big ? BigInt(v) : Number(v);
      return DTYPES[e.dtype].big ? BigInt(v as number) : (v as number);
    });
    t.ok(same(jv, want), "json values");

    const native = await x.inspect();
    if (e.shape.length === 0) t.ok(same([native as V], want), "native scalar");
    else t.ok(same(nested((native as wf.NDArray).toArray()) as V[], want), "native values");
  });
}

t.test("a scalar result keeps its dtype in every bytes format", async (t) => {
  const s = wf.Array.from(new Int32Array([1, 2, 3]), [3]).max();
  const p = parseNpy((await s.compute({ format: "npy" })) as Uint8Array);
  t.same([p.descr, p.shape, npyValues(p)], ["<i4", [], [3]]);
  t.equal(tableFromIPC((await s.compute({ format: "arrow" })) as Uint8Array).schema.metadata.get("dtype"), "int32");
});
