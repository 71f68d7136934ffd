/**
 * Every proxy API.md lists as publishable that holds an expression: Array, MaskedArray, Scalar, the
 * small value proxies (Int, Float, Bool, Str, DType, List, Tuple, Dict) and Functions of either.
 * `publish` then `wf.use` gives the same class computing the same result, embedded and through a
 * job server; tampered value documents are refused, naming the fault.
 */
import t from "tap";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Packr, Unpackr } from "msgpackr";
import * as wf from "../../src/index.js";
import { configure } from "../../src/config.js";
import { Client } from "../../src/client/client.js";
import { loadGraph, loadValue } from "../../src/graph/deserialize.js";
import { decodeDocument } from "../../src/graph/document-codec.js";
import { GraphDocumentError } from "../../src/graph/document.js";
import { closeEmbeddedStores } from "../../src/registry/embedded.js";
import { documentOf } from "../../src/registry/publish.js";
import { valueProxyOf } from "../../src/proxy/value-doc.js";
import { testServer, type TestServer } from "../server/support.js";

const home = mkdtempSync(join(tmpdir(), "tesserae-values-"));
configure({ home });
let s: TestServer;
let client: Client;
t.before(async () => {
  s = await testServer();
  client = new Client({ url: s.server.url });
});
t.teardown(async () => {
  await s.server.close();
  await closeEmbeddedStores();
  await wf.shutdown();
  rmSync(home, { recursive: true, force: true });
});

interface Proxyish {
  compute(o?: object): Promise<unknown>;
  publish(id: string, v: string, o?: object): Promise<unknown>;
}

function cases(): [string, Proxyish, unknown][] {
  const a = new wf.Array([[1, 2, 3], [4, 5, 6]], { dtype: "int16" });
  const m = new wf.MaskedArray([1.5, -2, 3, 8], { mask: [false, true, false, false] });
  return [
    ["Array", a.mul(3) as Proxyish, wf.Array],
    ["MaskedArray", m.add(1) as Proxyish, wf.MaskedArray],
    ["Scalar", a.sum() as unknown as Proxyish, wf.Scalar],
    ["masked Scalar", m.mean() as unknown as Proxyish, wf.Scalar],
    ["Int literal", new wf.Int(41) as Proxyish, wf.Int],
    ["Int bigint", new wf.Int(2n ** 70n).add(1) as Proxyish, wf.Int],
    ["Int from a shape", a.shape.get(1).mul(a.ndim) as Proxyish, wf.Int],
    ["Int size", a.get(a.gt(2)).size as Proxyish, wf.Int],
    ["Float", new wf.Float(0.1).add(0.2).mul(-1) as Proxyish, wf.Float],
    ["Float NaN", new wf.Float(NaN) as Proxyish, wf.Float],
    ["Float -Infinity", new wf.Float(-Infinity) as Proxyish, wf.Float],
    ["Bool", new wf.Int(3).gt(a.ndim).or(new wf.Bool(false)).not() as Proxyish, wf.Bool],
    ["Str", new wf.Str("nd").add("vi") as Proxyish, wf.Str],
    ["DType", m.add(a.get(0, 0)).dtype as Proxyish, wf.DType],
    ["List", a.shape as Proxyish, wf.List],
    ["Tuple", new wf.Tuple([1, "two", [3.5, null], true]) as Proxyish, wf.Tuple],
    ["Dict", new wf.Dict({ a: 1, b: { $big: "x", c: [true, "s"] }, "": -0 }) as Proxyish, wf.Dict],
  ];
}

t.test("publish and use: the same class, the same result", async (t) => {
  let i = 0;
  for (const [name, obj, cls] of cases()) {
    const id = `me@example.com:value${i++}`;
    await obj.publish(id, "1.0.0", { docstring: name });
    const used = await wf.use(id, "1.0.0");
    t.ok(used instanceof (cls as new (...a: never[]) => unknown), `${name}: a ${(cls as { name: string }).name} again`);
    t.same(await (used as Proxyish).compute(), await obj.compute(), `${name}: the same result`);
    t.same(await (used as Proxyish).compute({ format: "json" }), await obj.compute({ format: "json" }), `${name}: the same json`);
    await t.resolves(obj.publish(id, "1.0.0", { docstring: name }), `${name}: publishing it again is a no-op`);
  }
  const dict = (await wf.use("me@example.com:value16", "1.0.0")) as wf.Dict;
  t.same(await dict.get("b").compute(), { $big: "x", c: [true, "s"] }, "a dict key that looks like a tag stays a key");
});

t.test("Functions with parameters: published, used, invoked", async (t) => {
  const n = wf.parameter("n", wf.Int);
  const x = wf.parameter("x", wf.Array, { dtype: "float64" });
  const name = wf.parameter("name", wf.Str);
  const fns: [string, Proxyish, Record<string, unknown>][] = [
    ["Int of a parameter", n.mul(n).add(1) as Proxyish, { n: 7 }],
    ["Str of a parameter", name.add("!") as Proxyish, { name: "hi" }],
    ["Array of array and Int parameters", x.mul(n).sum() as unknown as Proxyish, { x: [1, 2, 3], n: 4 }],
    ["Int from a parameter's shape", x.shape.get(0).add(n) as Proxyish, { x: [1, 2, 3, 4, 5], n: 2 }],
    ["wf.Function.fromObject", wf.Function.fromObject(x.add(1).max()) as unknown as Proxyish, { x: [3, -1] }],
  ];
  for (const [i, [label, obj, args]] of fns.entries()) {
    const id = `me@example.com:fn${i}`;
    await obj.publish(id, "1.0.0");
    const used = await wf.use(id, "1.0.0");
    t.ok(used instanceof wf.Function, `${label}: a Function`);
    const fn = used as wf.Function;
    t.same(fn.params, Object.keys(args).sort(), `${label}: its parameters`);
    t.same(await fn.compute({ arguments: args }), await obj.compute({ arguments: args }), `${label}: the same result`);
    t.same(await fn.invoke(args).compute(), await obj.compute({ arguments: args }), `${label}: invoke`);
    await t.rejects(fn.compute({ arguments: {} }), { name: "ProxyTypeError", message: /missing argument/ }, `${label}: arguments are still checked`);
  }
});

t.test("through a job server's client", async (t) => {
  const a = new wf.Array([[1, 2], [3, 4], [5, 6]]);
  const objs: [string, Proxyish][] = [
    ["Int from a shape", a.shape.get(0).add(1) as Proxyish],
    ["Str", new wf.Str("x").add("y") as Proxyish],
    ["Function", wf.parameter("k", wf.Int).mul(3) as Proxyish],
    ["Scalar", a.mean() as unknown as Proxyish],
  ];
  for (const [i, [label, obj]] of objs.entries()) {
    const id = `me@example.com:remote${i}`;
    await obj.publish(id, "2.0.0", { client });
    const used = (await wf.use(id, "2.0.0", { client })) as Proxyish;
    const args = label === "Function" ? { arguments: { k: 5 } } : {};
    t.same(await used.compute({ ...args, client }), await obj.compute(args), `${label}: the same result through the server`);
  }
});

const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });
type Wire = Record<string, unknown>;

t.test("tampered value documents are refused, naming the fault", async (t) => {
  const a = new wf.Array([1, 2, 3]);
  const good = unpackr.unpack(documentOf(a.shape.get(0).add(wf.parameter("n", wf.Int)) as never)) as Wire;
  const load = (w: Wire) => valueProxyOf(loadValue(decodeDocument(packr.pack(w))));
  t.doesNotThrow(() => load(good), "the untampered document loads");
  const expr = JSON.parse(good["value"] as string) as Wire;
  const tamper = (f: (e: Wire, w: Wire) => void): Wire => {
    const w = structuredClone(good);
    const e = structuredClone(expr);
    f(e, w);
    w["value"] = JSON.stringify(e);
    return w;
  };
  const bad: [string, Wire, RegExp][] = [
    ["unknown kind", tamper((e) => (e["k"] = "eval")), /unknown expression kind "eval"/],
    ["unknown operator", tamper((e) => (e["op"] = "shl")), /unknown operator "shl"/],
    ["undeclared parameter", tamper((_, w) => (w["params"] = [])), /parameter n is used but not declared/],
    ["parameter of another type", tamper((_, w) => (w["params"] = [{ name: "n", type: "Str" }])), /declared as Str but used as Int/],
    ["missing node", tamper((e) => (((e["a"] as Wire)["a"] as Wire)["node"] = "nope")), /refers to missing node "nope"/],
    ["extra field", tamper((e) => (e["x"] = 1)), /bin: unknown field 'x'/],
    ["unused node", tamper((e) => Object.assign(e, { k: "lit", v: 1, op: undefined, a: undefined, b: undefined })), /is not used by the value/],
    ["a literal of the wrong type", tamper((e, w) => {
      Object.assign(e, { k: "lit", v: "seven", op: undefined, a: undefined, b: undefined });
      w["nodes"] = [];
      w["params"] = [];
    }), /an Int holds the literal "seven"/],
    ["unknown proxy", tamper((_, w) => (w["result"] = { kind: "value", proxy: "Image" })), /unknown value proxy "Image"/],
    ["a root as well", tamper((_, w) => (w["root"] = "x")), /a value document .* has no root/],
    ["a bad tag", tamper((e, w) => {
      Object.assign(e, { k: "lit", v: { $big: "12x" }, op: undefined, a: undefined, b: undefined });
      w["nodes"] = [];
      w["params"] = [];
    }), /not a tagged value/],
  ];
  for (const [name, w, message] of bad) {
    t.throws(() => load(w), GraphDocumentError, name);
    try {
      load(w);
    } catch (e) {
      t.match((e as Error).message, message, `${name}: ${(e as Error).message}`);
    }
  }
  t.throws(() => loadGraph(decodeDocument(packr.pack(good))), { message: /a value document \(Int\), not an array graph/ }, "a value is not a job's graph");
  const r = await s.raw("POST", "/v1/jobs", packr.pack({ graph: packr.pack(good) }), { "content-type": "application/msgpack" });
  t.equal(r.status, 400, "the server refuses a value document as a job");
  const put = await s.raw("PUT", "/v1/workflows/me%40example.com%3Abad/versions/1.0.0", packr.pack({ document: packr.pack(bad[0]![1]) }), { "content-type": "application/msgpack" });
  t.equal(put.status, 400, "and refuses to publish a tampered one");
  t.match(put.body, /unknown expression kind/);
});
