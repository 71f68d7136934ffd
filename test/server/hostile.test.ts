import t, { type Test } from "tap";
import fc from "fast-check";
import { Packr } from "msgpackr";
import * as wf from "../../src/index.js";
import { encodeDocument } from "../../src/graph/document-codec.js";
import { saveGraph } from "../../src/graph/serialize.js";
import { closeEmbeddedStores } from "../../src/registry/embedded.js";
import { testServer, type TestServer } from "./support.js";

const packr = new Packr({ useRecords: false });
let s: TestServer;

t.before(async () => {
  s = await testServer({ maxBodyBytes: 1 << 20 });
});
t.teardown(async () => {
  await s.server.close();
  await closeEmbeddedStores();
  await wf.shutdown();
});

const MP = { "content-type": "application/msgpack" };
const x = new wf.Array([[1, 2], [3, 4]]).add(1).sum(0).node;
const goodDoc = encodeDocument(saveGraph(x));
type Wire = { nodes: Record<string, unknown>[]; [k: string]: unknown };
const wire = (): Wire => packr.unpack(goodDoc) as Wire;

async function expect4xx(t: Tap, name: string, body: Uint8Array | string, headers: Record<string, string> = MP, path = "/v1/jobs"): Promise<number> {
  const r = await s.raw("POST", path, body, headers);
  if (r.status < 400 || r.status >= 500) t.fail(`${name}: status ${r.status} ${r.body.slice(0, 200)}`);
  return r.status;
}
type Tap = Test;

async function stillServing(t: Tap): Promise<void> {
  const r = await s.raw("GET", "/v1/health");
  t.equal(r.status, 200, "the server keeps serving");
}

t.test("fuzz: random bytes as msgpack and JSON bodies", async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), fc.boolean(), async (bytes, json) => {
      const status = await expect4xx(t, "random bytes", bytes, json ? { "content-type": "application/json" } : MP);
      return status >= 400 && status < 500;
    }),
    { numRuns: 100 },
  );
  await stillServing(t);
});

t.test("fuzz: truncated and corrupted documents", async (t) => {
  const body = packr.pack({ graph: goodDoc });
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: body.length - 1 }), fc.nat({ max: body.length - 1 }), fc.nat({ max: 255 }), async (cut, at, byte) => {
      const truncated = body.subarray(0, cut);
      const s1 = await expect4xx(t, `truncated at ${cut}`, truncated);
      const flipped = body.slice();
      flipped[at] = byte;
      const r = await s.raw("POST", "/v1/jobs", flipped, MP);
      return s1 < 500 && r.status < 500;
    }),
    { numRuns: 100 },
  );
  await stillServing(t);
});

t.test("fuzz: documents with random ops, attrs and references", async (t) => {
  const attrValue = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: "small" }, fc.integer(), fc.double(), fc.string(), fc.boolean(), fc.constant(null), fc.array(tie("v"), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 5 }), tie("v"), { maxKeys: 3 })),
  })).v;
  await fc.assert(
    fc.asyncProperty(
      fc.nat({ max: 10 }),
      fc.oneof(fc.constantFrom("map", "reduce", "view", "source", "literal", "take", "concat", "exec", "__proto__", "constructor", ""), fc.string()),
      fc.array(fc.string({ maxLength: 40 }), { maxLength: 4 }),
      attrValue,
      async (i, op, args, attrs) => {
        const d = wire();
        const n = d.nodes[i % d.nodes.length]!;
        n["op"] = op;
        if (args.length > 0) n["args"] = args;
        n["attrs"] = JSON.stringify({ ...(JSON.parse(n["attrs"] as string) as object), fuzz: attrs, ...(typeof attrs === "object" && attrs !== null && !Array.isArray(attrs) ? attrs : {}) });
        const r = await s.raw("POST", "/v1/jobs", packr.pack({ graph: packr.pack(d) }), MP);
        if (r.status >= 500) t.fail(`status ${r.status}: ${r.body.slice(0, 300)}`);
        return r.status < 500;
      },
    ),
    { numRuns: 120 },
  );
  await stillServing(t);
});

t.test("hostile documents, each refused with the right status", async (t) => {
  const deep = new Uint8Array(200_000).fill(0x91);
  const cases: [string, Uint8Array | string, number, Record<string, string>?][] = [
    ["deep msgpack nesting", packr.pack({ graph: deep }), 400],
    ["deep JSON nesting", `{"graph": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`, 400, { "content-type": "application/json" }],
    ["huge declared array", new Uint8Array([0x81, 0xa5, ...Buffer.from("graph"), 0xdd, 0xff, 0xff, 0xff, 0xff]), 400],
    ["huge declared bin", new Uint8Array([0x81, 0xa5, ...Buffer.from("graph"), 0xc6, 0x7f, 0xff, 0xff, 0xff, 1, 2]), 400],
    ["huge declared string", new Uint8Array([0xdb, 0xff, 0xff, 0xff, 0xf0, 0x41]), 400],
    ["body over the limit", new Uint8Array((1 << 20) + 10), 413],
    ["unsupported content type", "x", 415, { "content-type": "text/plain" }],
  ];
  const d1 = wire();
  d1.nodes[0]!["op"] = "exec";
  cases.push(["unknown op", packr.pack({ graph: packr.pack(d1) }), 400]);
  const d2 = wire();
  Object.assign(d2.nodes[0]!, {
    op: "source",
    attrs: JSON.stringify({ reader: "npy", params: { path: "../../etc/passwd", offset: [0] }, shape: [4], dtype: "uint8", masked: false, chunks: [4] }),
  });
  delete d2.nodes[0]!["data"];
  d2["nodes"] = [d2.nodes[0]!];
  d2["root"] = d2.nodes[0]!["key"];
  d2["result"] = { kind: "array", shape: [4], dtype: "uint8", masked: false, proxy: "Array" };
  cases.push(["path traversal", packr.pack({ graph: packr.pack(d2) }), 403]);
  const d3 = structuredClone(d2);
  d3.nodes[0]!["attrs"] = JSON.stringify({ reader: "npy", params: { path: "/etc/passwd", offset: [0] }, shape: [4], dtype: "uint8", masked: false, chunks: [4] });
  cases.push(["absolute path outside the roots", packr.pack({ graph: packr.pack(d3) }), 403]);
  const d4 = structuredClone(d2);
  d4.nodes[0]!["attrs"] = JSON.stringify({ reader: "npy", params: { path: "x.npy", offset: [0] }, shape: [2 ** 40], dtype: "float64", masked: false, chunks: [1024] });
  d4["result"] = { kind: "array", shape: [2 ** 40], dtype: "float64", masked: false, proxy: "Array" };
  cases.push(["huge declared shape", packr.pack({ graph: packr.pack(d4) }), 413]);
  cases.push(["destination outside the roots", packr.pack({ graph: goodDoc, destination: { type: "file", path: "/tmp/../etc/x" } }), 403]);
  for (const [name, body, status, headers] of cases) {
    const r = await s.raw("POST", "/v1/jobs", body, headers ?? MP);
    t.equal(r.status, status, `${name}: ${r.body.slice(0, 160)}`);
    t.doesNotThrow(() => JSON.parse(r.body), `${name}: a JSON error`);
  }
  await stillServing(t);
  const ok = await s.raw("POST", "/v1/inspect", packr.pack({ graph: goodDoc, format: "json" }), MP);
  t.equal(ok.status, 200, "a good request still computes");
  t.same(JSON.parse(ok.body), { dtype: "int64", shape: [2], data: [6, 8] });
});

t.test("fuzz: deep nesting and huge declared sizes", async (t) => {
  const headers = [0xdc, 0xdd, 0xde, 0xdf, 0xc5, 0xc6, 0xda, 0xdb] as const;
  await fc.assert(
    fc.asyncProperty(
      fc.nat({ max: 150_000 }), fc.constantFrom(0x91, 0x81, 0x5b), fc.constantFrom(...headers), fc.nat(), fc.uint8Array({ maxLength: 16 }),
      async (depth, opener, header, declared, tail) => {
        // nested openers: msgpack arrays or maps of one, or JSON '['
        const nested = opener === 0x5b
          ? `{"graph": ${"[".repeat(depth)}${"]".repeat(depth)}}`
          : packr.pack({ graph: new Uint8Array(depth).fill(opener) });
        const s1 = await expect4xx(t, `nesting ${depth}`, nested, opener === 0x5b ? { "content-type": "application/json" } : MP);
        const width = header === 0xdc || header === 0xde || header === 0xc5 || header === 0xda ? 2 : 4;
        const size = new Uint8Array(4);
        new DataView(size.buffer).setUint32(0, declared >>> 0, false);
        const huge = new Uint8Array([0x81, 0xa5, ...Buffer.from("graph"), header, ...(width === 2 ? size.subarray(2) : size), ...tail]);
        const s2 = await expect4xx(t, `declared size ${declared} after 0x${header.toString(16)}`, huge);
        return s1 < 500 && s2 < 500;
      },
    ),
    { numRuns: 40 },
  );
  await stillServing(t);
});

t.test("fuzz: source and destination paths", async (t) => {
  const segment = fc.constantFrom("..", ".", "etc", "passwd", "", "~", "%2e%2e", "..\\..", "a b", "data", "x.npy");
  await fc.assert(
    fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 8 }), fc.boolean(), fc.boolean(), async (segs, absolute, asDestination) => {
      const path = `${absolute ? "/" : ""}${segs.join("/")}`;
      const escapes = absolute || segs.some((x) => x.split("\\").includes(".."));
      let body: Uint8Array;
      if (asDestination) body = packr.pack({ graph: goodDoc, destination: { type: "file", path } });
      else {
        const d = wire();
        Object.assign(d.nodes[0]!, { op: "source", attrs: JSON.stringify({ reader: "npy", params: { path, offset: [128] }, shape: [4], dtype: "uint8", masked: false, chunks: [4] }) });
        delete d.nodes[0]!["data"];
        d["nodes"] = [d.nodes[0]!];
        d["root"] = d.nodes[0]!["key"];
        d["result"] = { kind: "array", shape: [4], dtype: "uint8", masked: false, proxy: "Array" };
        body = packr.pack({ graph: packr.pack(d) });
      }
      const r = await s.raw("POST", "/v1/jobs", body, MP);
      if (r.status >= 500) t.fail(`${path}: status ${r.status} ${r.body.slice(0, 200)}`);
      if (escapes && r.status !== 403 && r.status !== 400) t.fail(`${path} (${asDestination ? "destination" : "source"}): ${r.status}, not 403`);
      return r.status < 500;
    }),
    { numRuns: 150 },
  );
  await stillServing(t);
});
