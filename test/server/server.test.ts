// first: the test-only readers (a slow reader fills the job quota) are listed only when this is set
import "../jobs/env.js";
import t from "tap";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Packr } from "msgpackr";
import * as wf from "../../src/index.js";
import { Client } from "../../src/client/client.js";
import { ServerError } from "../../src/client/errors.js";
import { RemoteJob } from "../../src/client/remote-job.js";
import { encodeDocument } from "../../src/graph/document-codec.js";
import { saveGraph } from "../../src/graph/serialize.js";
import { make } from "../../src/graph/make.js";
import type { Node } from "../../src/graph/node.js";
import { closeEmbeddedStores } from "../../src/registry/embedded.js";
import { publish, use } from "../../src/registry/publish.js";
import { Workflow } from "../../src/registry/workflow.js";
import { VersionConflict } from "../../src/registry/errors.js";
import { testServer, type TestServer } from "./support.js";

const packr = new Packr({ useRecords: false });
const TOKEN = "s3cret";
let s: TestServer;
let client: Client;

t.before(async () => {
  s = await testServer({ token: TOKEN, maxJobsPerClient: 2, maxBodyBytes: 4 << 20 });
  client = new Client({ url: s.server.url, token: TOKEN });
});
t.teardown(async () => {
  await s.server.close();
  await closeEmbeddedStores();
  await wf.shutdown();
});

const auth = { authorization: `Bearer ${TOKEN}`, "content-type": "application/msgpack" };

function graphs(): Record<string, wf.Array> {
  const a = new wf.Array([[1, 2, 3], [4, 5, 6]], { dtype: "int32" });
  const m = new wf.MaskedArray([1.5, -2, 3, 8], { mask: [false, true, false, false] });
  return {
    elementwise: a.add(1).mul(2.5) as wf.Array,
    reduction: a.sum(0) as wf.Array,
    scalar: a.mean() as wf.Array,
    zeroD: a.get(1, 2),
    masked: m.mul(2) as wf.Array,
    maskedScalar: m.sum() as wf.Array,
    indexing: a.get(a.gt(2)),
    big: wf.Array.from(new Float64Array(30_000).map((_, i) => i % 7), [30_000]).mul(3).sum() as wf.Array,
  };
}

t.test("the client's results equal the embedded ones", async (t) => {
  for (const [name, x] of Object.entries(graphs())) {
    t.same(await client.run(x.node, {}, "compute"), await x.compute(), `${name}: native compute`);
    t.same(await client.run(x.node, {}, "inspect"), await x.inspect(), `${name}: native inspect`);
    for (const format of ["json", "npy", "msgpack"]) {
      t.same(await client.run(x.node, { format }, "compute"), await x.compute({ format }), `${name}: ${format}`);
    }
  }
});

t.test("block: false gives a live Job with progress and SSE updates", async (t) => {
  const x = wf.Array.from(new Float64Array(200_000).fill(1), [200_000], { chunks: [10_000] }).mul(2).sum();
  const job = (await client.run(x.node, { block: false }, "compute")) as RemoteJob;
  t.ok(job instanceof wf.Job, "a wf.Job");
  const stages: string[] = [];
  for await (const u of job.watch()) stages.push(u.stage);
  t.equal(stages.at(-1), "SUCCEEDED");
  t.equal(await job.result(), 400_000);
  const again = await client.getJob(job.id);
  await again.wait();
  t.equal(again.stage, "SUCCEEDED", "Job.get through the client");
});

t.test("file sources under the root run; paths outside are 403", async (t) => {
  const file = join(s.root, "x.npy");
  writeFileSync(file, new wf.NDArray(new Float64Array([1, 2, 3, 4]), [4], "float64").toNpy());
  const x = wf.Array.fromNpy(file).mul(10);
  t.same(await client.run(x.node, {}, "compute"), await x.compute());
  const outside = join(s.home, "outside.npy");
  writeFileSync(outside, new wf.NDArray(new Float64Array([1]), [1], "float64").toNpy());
  const err = await client.run(wf.Array.fromNpy(outside).node, {}, "compute").catch((e: unknown) => e);
  t.ok(err instanceof ServerError && err.status === 403, "outside the roots: 403");
  const traversal = make("source", [], { ...wf.Array.fromNpy(file).node.attrs, params: { path: `${s.root}/../outside.npy`, offset: [128] } });
  const err2 = await client.run(traversal, {}, "compute").catch((e: unknown) => e);
  t.ok(err2 instanceof ServerError && err2.status === 403 && /'\.\.'/.test(err2.message), "'..': 403");
});

t.test("auth, size and job limits", async (t) => {
  const doc = encodeDocument(saveGraph(new wf.Array([1]).node));
  const body = packr.pack({ graph: doc });
  t.equal((await s.raw("POST", "/v1/jobs", body, { "content-type": "application/msgpack" })).status, 401, "no token");
  t.equal((await s.raw("POST", "/v1/jobs", body, { ...auth, authorization: "Bearer nope" })).status, 401, "wrong token");
  await t.rejects(new Client({ url: s.server.url }).run(new wf.Array([1]).node, {}, "compute"), ServerError);
  const huge = new Uint8Array(5 << 20);
  t.equal((await s.raw("POST", "/v1/jobs", huge, auth)).status, 413, "too large");
  // two slow jobs fill this client's quota; the third is refused
  const slow = make("source", [], { reader: "testing.sleep", params: { ms: 1500 }, shape: [16384], dtype: "float64", masked: false, chunks: [16384] });
  const slowOk = Object.prototype.hasOwnProperty.call((await import("../../workers/readers/index.js")).READERS, "testing.sleep");
  const busy = slowOk ? slow : wf.Array.from(new Float64Array(4_000_000).fill(1), [4_000_000], { chunks: [100_000] }).mul(2).sum().node;
  const jobs = [await client.run(busy, { block: false }, "compute"), await client.run(busy, { block: false }, "compute")] as RemoteJob[];
  await t.rejects(client.run(busy, { block: false }, "compute"), wf.ResourceExhausted, "429 → ResourceExhausted");
  jobs[0]!.cancel();
  await jobs[0]!.wait();
  t.equal(jobs[0]!.stage, "CANCELLED");
  await jobs[1]!.wait();
});

t.test("workflows through the client survive a restart", async (t) => {
  const x = new wf.Array([1, 2, 3]).mul(3);
  const w = await publish(x, "me@example.com:triple", "1.0.0", { client, title: "triple", docstring: "x3" });
  t.equal(w.title, "triple");
  await t.rejects(publish(x.add(1), "me@example.com:triple", "1.0.0", { client }), VersionConflict);
  await t.resolves(publish(x, "me@example.com:triple", "1.0.0", { client, title: "triple", docstring: "x3" }));
  const used = (await use("me@example.com:triple", "1.0.0", { client })) as wf.Array;
  t.same(await client.run(used.node, {}, "compute"), await x.compute());
  t.same((await Workflow.search("trip", { client })).map((m) => m.id), ["me@example.com:triple"]);
  await s.server.close();
  await closeEmbeddedStores();
  s = await testServer({ token: TOKEN, home: s.home, root: s.root, maxJobsPerClient: 2, maxBodyBytes: 4 << 20 });
  client = new Client({ url: s.server.url, token: TOKEN });
  const again = await Workflow.get("me@example.com:triple", { client });
  t.same(again.versions.map((v) => v.version), ["1.0.0"]);
  t.equal(again.getVersion("1.0.0").docstring, "x3");
  t.ok(await Workflow.delete("me@example.com:triple", { client }));
});

t.test("malformed requests get a 4xx JSON error", async (t) => {
  const x: Node = new wf.Array([1, 2]).add(1).node;
  const good = packr.unpack(encodeDocument(saveGraph(x))) as { nodes: { op: string; attrs: string }[] };
  const unknownOp = structuredClone(good);
  unknownOp.nodes[unknownOp.nodes.length - 1]!.op = "exec";
  const cases: [string, string, string, Uint8Array | string, number][] = [
    ["not json", "POST", "/v1/jobs", "{nope", 400],
    ["not an object", "POST", "/v1/jobs", "[1]", 400],
    ["no graph", "POST", "/v1/jobs", "{}", 400],
    ["unknown field", "POST", "/v1/jobs", '{"graph": null, "x": 1}', 400],
    ["unknown op", "POST", "/v1/jobs", packr.pack({ graph: packr.pack(unknownOp) }), 400],
    ["bad format", "POST", "/v1/jobs", packr.pack({ graph: encodeDocument(saveGraph(x)), format: "exe" }), 400],
    ["unknown endpoint", "GET", "/v1/nope", "", 404],
    ["no such job", "GET", "/v1/jobs/123", "", 404],
    ["wrong method", "PATCH", "/v1/jobs", "", 405],
    ["bad workflow id", "GET", "/v1/workflows/nobody", "", 400],
    ["bad version", "GET", "/v1/workflows/a%40b.com%3Ax/versions/1.0", "", 400],
    ["bad percent-encoding", "GET", "/v1/workflows/%E0%A4%A", "", 400],
  ];
  for (const [name, method, path, body, status] of cases) {
    const type = typeof body === "string" ? "application/json" : "application/msgpack";
    const r = await s.raw(method, path, method === "GET" ? undefined : body, { ...auth, "content-type": type });
    t.equal(r.status, status, name);
    t.ok((JSON.parse(r.body) as { error?: { message?: string } }).error?.message, `${name}: a JSON error`);
  }
});
