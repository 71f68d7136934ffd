import t, { type Test } from "tap";
import { Packr } from "msgpackr";
import * as wf from "../../src/index.js";
import { saveGraph } from "../../src/graph/serialize.js";
import { decodeDocument, documentToJson, encodeDocument } from "../../src/graph/document-codec.js";
import { loadDocument, loadGraph } from "../../src/graph/deserialize.js";
import { GraphDocumentError, MAX_LITERAL_BYTES } from "../../src/graph/document.js";
import type { Node } from "../../src/graph/node.js";

const packr = new Packr({ useRecords: false });

function graphs(): Record<string, Node> {
  const a = new wf.Array([[1, 2, 3], [4, 5, 6]], { dtype: "int32" });
  const m = new wf.MaskedArray([1.5, -0, 3], { mask: [false, true, false], fillValue: 9 });
  const big = wf.Array.from(new Float64Array(20_000).map((_, i) => i), [20_000]);
  return {
    elementwise: a.add(1).mul(2.5).neg().node,
    negativeZero: a.astype("float64").mul(-0).node,
    reduction: a.sum(0).add(m).mean().node,
    masked: m.filled(7).node,
    indexing: a.get("::-1, [0, 2]").node,
    boolSelect: a.get(a.gt(2)).node,
    bigLiteral: big.mul(2).get("1:5").node,
    compressed: m.compressed().node,
  };
}

t.test("round trip: load(save(x)) is x, in both forms", async (t) => {
  for (const [name, node] of Object.entries(graphs())) {
    const doc = saveGraph(node);
    const viaMsgpack = loadDocument(encodeDocument(doc)).root;
    const viaJson = loadDocument(documentToJson(doc)).root;
    t.equal(viaMsgpack, node, `${name}: msgpack gives the same node`);
    t.equal(viaJson, node, `${name}: JSON gives the same node`);
    t.same(encodeDocument(saveGraph(viaMsgpack)), encodeDocument(doc), `${name}: saving again gives the same bytes`);
  }
});

t.test("a loaded graph computes to the same result", async (t) => {
  for (const [name, node] of Object.entries(graphs())) {
    const loaded = loadDocument(encodeDocument(saveGraph(node))).root;
    const want = await new wf.Array(node).compute({ format: "json" });
    const got = await new wf.Array(loaded).compute({ format: "json" });
    t.same(got, want, name);
  }
});

t.test("big literals are keyed by content in the document", async (t) => {
  const data = new Float64Array(20_000).map((_, i) => i * 3);
  const x = wf.Array.from(data, [20_000]).sum().node;
  const y = wf.Array.from(data.slice(), [20_000]).sum().node;
  t.not(x.hash, y.hash, "two big literals of the same data are different nodes in memory");
  const dx = encodeDocument(saveGraph(x));
  t.same(dx, encodeDocument(saveGraph(y)), "but the same document");
  const doc = saveGraph(x);
  t.equal(doc.blobs.length, 1, "the data rides as a blob");
  t.ok(doc.nodes.every((n) => n.data === undefined || "blob" in n.data), "not inline");
});

t.test("masked literals, -0 and 64-bit values survive", async (t) => {
  const m = new wf.MaskedArray([[-0, 1.5], [3, -5]], { mask: [[true, false], [false, false]] });
  const back = loadDocument(encodeDocument(saveGraph(m.node))).root;
  t.equal(back, m.node);
  const c = wf.Array.from(new BigInt64Array([2n ** 62n + 1n, -3n]), [2]).add(new wf.Array(0.0).mul(-1)).node;
  t.equal(loadDocument(documentToJson(saveGraph(c))).root, c);
});

type Tap = Test;

function refuse(t: Tap, name: string, doc: unknown, pattern: RegExp, reason: "invalid" | "too_large" = "invalid"): void {
  const bytes = packr.pack(doc);
  try {
    loadDocument(bytes);
    t.fail(`${name}: loaded`);
  } catch (e) {
    t.ok(e instanceof GraphDocumentError, `${name}: a GraphDocumentError`);
    t.match((e as Error).message, pattern, name);
    t.equal((e as GraphDocumentError).reason, reason, `${name}: ${reason}`);
  }
}

function wire(node: Node): Record<string, unknown> & { nodes: Record<string, unknown>[] } {
  const doc = saveGraph(node);
  return new Packr({ useRecords: false }).unpack(encodeDocument(doc)) as Record<string, unknown> & { nodes: Record<string, unknown>[] };
}

t.test("every malformed document is refused with a message naming the fault", async (t) => {
  const x = new wf.Array([1, 2, 3]).add(1).node;
  const w = () => wire(x);
  const last = (d: ReturnType<typeof w>) => d.nodes[d.nodes.length - 1]!;

  let d = w();
  last(d)["op"] = "system";
  refuse(t, "unknown op", d, /unknown op "system"/);

  d = w();
  d["version"] = 99;
  refuse(t, "wrong version", d, /unsupported graph document version 99/);

  d = w();
  d["format"] = "other";
  refuse(t, "not a graph", d, /not a graph document/);

  d = w();
  last(d)["args"] = [...(last(d)["args"] as string[]), "nope"];
  refuse(t, "missing node", d, /refers to missing node nope|takes/);

  d = w();
  last(d)["args"] = ["nope", "nope"];
  refuse(t, "missing node, right arity", d, /refers to missing node nope/);

  d = w();
  (d.nodes[0]!)["args"] = [last(d)["key"]];
  d.nodes[0]!["op"] = "cast";
  d.nodes[0]!["attrs"] = JSON.stringify({ dtype: "int8" });
  delete d.nodes[0]!["data"];
  refuse(t, "cycle", d, /cycle in the graph through node/);

  d = w();
  last(d)["args"] = [(last(d)["args"] as string[])[0]];
  refuse(t, "wrong arity for the function", d, /function 'add' takes 2 arguments, got 1/);

  d = w();
  d.nodes[0]!["args"] = ["a"];
  refuse(t, "wrong arity for the op", d, /op 'literal' takes 0 arguments, got 1/);

  d = w();
  last(d)["attrs"] = JSON.stringify({ fn: "exec" });
  refuse(t, "unknown function", d, /unknown function "exec"/);

  d = w();
  d["result"] = { ...(d["result"] as object), dtype: "float32" };
  refuse(t, "result type disagrees", d, /result is declared as array float32/);

  d = w();
  d.nodes[0]!["attrs"] = JSON.stringify({ ...JSON.parse(d.nodes[0]!["attrs"] as string), shape: [4] });
  refuse(t, "literal size disagrees with its shape", d, /literal data has 24 bytes, but 4 int64 elements need 32/);

  d = w();
  (d.nodes[0]!["data"] as { inline: Uint8Array }).inline = new Uint8Array(24).fill(1);
  refuse(t, "literal token does not match", d, /token does not match/);

  d = w();
  d["nodes"] = [...d.nodes, { key: "stray", op: "const", args: [], attrs: JSON.stringify({ value: 1, dtype: "int8" }) }];
  refuse(t, "unreachable node", d, /node stray is not reachable/);

  d = w();
  d["nodes"] = [d.nodes[0]!, ...d.nodes];
  refuse(t, "duplicate node", d, /appears twice/);

  d = w();
  d.nodes[0]!["attrs"] = "{".repeat(10) + "}".repeat(10);
  refuse(t, "attrs not JSON", d, /attributes are not valid JSON/);

  d = w();
  d.nodes[0]!["attrs"] = "[".repeat(40) + "]".repeat(40);
  refuse(t, "deep attrs", d, /nested deeper than/);

  d = w();
  last(d)["op"] = "source";
  last(d)["args"] = [];
  last(d)["attrs"] = JSON.stringify({ reader: "shell", params: {}, shape: [3], dtype: "int64", masked: false, chunks: [3] });
  refuse(t, "unknown reader", d, /unknown source reader "shell"/);

  d = w();
  last(d)["op"] = "source";
  last(d)["args"] = [];
  last(d)["attrs"] = JSON.stringify({ reader: "npy", params: { path: "x", offset: [0] }, shape: [2 ** 30, 2 ** 30], dtype: "int64", masked: false, chunks: [1, 1] });
  refuse(t, "huge declared shape", d, /more than 2\^48 elements/, "too_large");

  const big = new Uint8Array(MAX_LITERAL_BYTES + 8);
  d = w();
  d["blobs"] = [big];
  d.nodes[0]!["data"] = { blob: 0 };
  refuse(t, "oversize literal", d, /larger than the limit/, "too_large");

  d = w();
  d.nodes[0]!["data"] = { blob: 3 };
  refuse(t, "missing blob", d, /refers to blob 3/);

  d = w();
  last(d)["attrs"] = JSON.stringify({ fn: "add", __proto__x: 1 });
  d.nodes[0]!["attrs"] = '{"__proto__": {"polluted": true}}';
  refuse(t, "__proto__ key", d, /__proto__/);
  t.equal(({} as Record<string, unknown>)["polluted"], undefined, "no prototype pollution");
});

t.test("bytes that are no document", async (t) => {
  const cases: [string, Uint8Array | string][] = [
    ["empty", new Uint8Array(0)],
    ["random", new Uint8Array([0xc1, 0x00, 0xff])],
    ["truncated", encodeDocument(saveGraph(new wf.Array([1]).node)).subarray(0, 20)],
    ["json garbage", "{nope"],
    ["a number", packr.pack(3)],
    ["deep nesting", new Uint8Array(100_000).fill(0x91)],
  ];
  for (const [name, bytes] of cases) {
    t.throws(() => loadDocument(bytes), GraphDocumentError, name);
  }
});

t.test("JSON documents are readable and strict about base64", async (t) => {
  const text = documentToJson(saveGraph(new wf.Array([1, 2]).add(1).node));
  t.match(text, /"op":"map"/);
  t.ok(decodeDocument(text));
  const broken = text.replace(/"inline":"[^"]*"/, '"inline":"!!!"');
  t.throws(() => decodeDocument(broken), /not valid base64/);
  t.throws(() => loadGraph(decodeDocument(text.replace('"version": 1', '"version": 2'))), /version 2/);
});
