import t from "tap";
import * as wf from "../../src/index.js";
import { closeEmbeddedStores } from "../../src/registry/embedded.js";
import { testServer, type TestServer } from "./support.js";

let s: TestServer;
let client: wf.Client;

t.before(async () => {
  s = await testServer({ token: "tk" });
  client = new wf.Client({ url: s.server.url, token: "tk" });
});
t.teardown(async () => {
  await s.server.close();
  await closeEmbeddedStores();
  await wf.shutdown();
});

t.test("compute, inspect, Job.get, publish and use through wf.Client", async (t) => {
  const x = new wf.Array([[1, 2], [3, 4]], { dtype: "float32" }).mul(2).sum(0);
  t.same(await x.compute({ client }), await x.compute(), "compute");
  t.same(await x.inspect({ client, format: "json" }), await x.inspect({ format: "json" }), "inspect");
  const job = (await x.compute({ client, block: false })) as wf.Job;
  await job.wait();
  t.equal((await wf.Job.get(job.id, { client })).id, job.id, "Job.get");
  const w = await x.publish("me@example.com:sum", "1.0.0", { client, title: "sum" });
  t.equal(w.title, "sum");
  const used = (await wf.use("me@example.com:sum", "1.0.0", { client })) as wf.Array;
  t.same(await used.compute({ client }), await x.compute());
  t.same((await wf.Workflow.get("me@example.com:sum", { client })).versions.map((v) => v.version), ["1.0.0"]);
});

t.test("a workflow with parameters comes back as a Function, on a server too", async (t) => {
  const k = wf.parameter("k", wf.Int);
  const a = new wf.Array([1, 2, 3]).mul(k);
  await a.publish("me@example.com:scale", "1.0.0", { client });
  const fn = (await wf.use("me@example.com:scale", "1.0.0", { client })) as wf.Function;
  t.ok(fn instanceof wf.Function);
  t.same(fn.params, ["k"]);
  const want = await a.compute({ arguments: { k: 3 }, format: "json" });
  t.same(await fn.compute({ arguments: { k: 3 }, format: "json" }), want, "embedded");
  t.same(await a.compute({ client, arguments: { k: 3 }, format: "json" }), want, "on the server");
});

t.test("array and proxy arguments travel to the server", async (t) => {
  const x = wf.parameter("x", wf.Array, { dtype: "float64" });
  const y = x.mul(2).add(x.max());
  const nd = new wf.NDArray(new Float64Array([1.5, 2, -3]), [3], "float64");
  t.same(await y.compute({ client, arguments: { x: nd } }), await y.compute({ arguments: { x: nd } }), "an NDArray");
  t.same(await y.compute({ client, arguments: { x: [1, 2, 3, 4] } }), await y.compute({ arguments: { x: [1, 2, 3, 4] } }), "nested lists");
  const lazy = new wf.Array([4, 5, 6], { dtype: "float32" }).add(1);
  t.same(await y.compute({ client, arguments: { x: lazy } }), await y.compute({ arguments: { x: lazy } }), "a lazy proxy");
  await t.rejects(y.compute({ client, arguments: {} }), wf.ProxyTypeError, "a missing argument is refused by the server too");
});
