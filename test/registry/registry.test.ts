import t from "tap";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as wf from "../../src/index.js";
import { publish, use } from "../../src/registry/publish.js";
import { Workflow } from "../../src/registry/workflow.js";
import { VersionConflict, WorkflowNotFound } from "../../src/registry/errors.js";
import { checkVersion, checkWorkflowId, compareVersions } from "../../src/registry/ids.js";
import { closeEmbeddedStores } from "../../src/registry/embedded.js";
import { configure } from "../../src/config.js";

const home = mkdtempSync(join(tmpdir(), "tesserae-registry-"));
configure({ home });
t.teardown(async () => {
  await closeEmbeddedStores();
  await wf.shutdown();
  rmSync(home, { recursive: true, force: true });
});

const ID = "me@example.com:ndvi";

t.test("ids and versions are validated", async (t) => {
  t.equal(checkWorkflowId(ID), ID);
  for (const bad of ["ndvi", "me@example.com:", ":ndvi", "me@example.com:nd vi", "me:ndvi", "me@example.com:../x"]) {
    t.throws(() => checkWorkflowId(bad), wf.ProxyTypeError, bad);
  }
  for (const good of ["1.0.0", "0.1.2-alpha.1", "10.20.30+build.7", "1.0.0-rc.1+x"]) t.equal(checkVersion(good), good);
  for (const bad of ["1.0", "v1.0.0", "01.0.0", "1.0.0-", "1.0.0-01", ""]) t.throws(() => checkVersion(bad), wf.ProxyTypeError, bad);
  const sorted = ["1.0.0", "1.0.0-alpha", "1.0.0-alpha.1", "0.9.9", "1.0.0-beta.11", "1.0.0-beta.2", "1.0.0-rc.1", "2.0.0"].sort(compareVersions);
  t.same(sorted, ["0.9.9", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "2.0.0"]);
});

t.test("publish, get, use: the same result as the original", async (t) => {
  const a = new wf.Array([[1, 2, 3], [4, 5, 6]], { dtype: "float32" });
  const x = a.mul(2).add(1).mean(0);
  const w = await publish(x, ID, "1.0.0", { title: "NDVI", description: "a test", tags: ["veg"], labels: { team: "eo" }, docstring: "doubles", versionLabels: { stage: "dev" } });
  t.equal(w.id, ID);
  t.equal(w.title, "NDVI");
  t.same(w.tags, ["veg"]);
  t.same(w.versions.map((v) => v.version), ["1.0.0"]);
  const g = w.getVersion("1.0.0");
  t.equal(g.docstring, "doubles");
  t.same(g.labels, { stage: "dev" });
  t.same(g.params, []);
  const used = (await use(ID, "1.0.0")) as wf.Array;
  t.ok(used instanceof wf.Array);
  t.equal(used.node, x.node, "the very same node");
  t.same(await used.compute({ format: "json" }), await x.compute({ format: "json" }));
  t.throws(() => w.getVersion("9.9.9"), WorkflowNotFound);
  await t.rejects(use(ID, "2.0.0"), WorkflowNotFound);
  await t.rejects(Workflow.get("nobody@example.com:none"), WorkflowNotFound);
});

t.test("a saved version is immutable", async (t) => {
  const x = new wf.Array([1, 2, 3]).add(1);
  await publish(x, "me@example.com:imm", "1.0.0");
  await t.resolves(publish(new wf.Array([1, 2, 3]).add(1), "me@example.com:imm", "1.0.0"), "same content: a no-op");
  await t.rejects(publish(x.add(1), "me@example.com:imm", "1.0.0"), VersionConflict, "different content");
  await t.rejects(publish(x, "me@example.com:imm", "1.0.0", { docstring: "changed" }), VersionConflict, "different docstring");
  await publish(x.add(1), "me@example.com:imm", "1.1.0", { title: "kept" });
  await publish(x.add(2), "me@example.com:imm", "1.0.1");
  const w = await Workflow.get("me@example.com:imm");
  t.same(w.versions.map((v) => v.version), ["1.0.0", "1.0.1", "1.1.0"], "versions in semver order");
  t.equal(w.title, "kept", "a later publish without a title keeps it");
});

t.test("list, search, delete", async (t) => {
  const x = new wf.Array([1]).neg();
  await publish(x, "a@example.com:alpha", "0.1.0", { title: "Alpha 50%_done", tags: ["water"] });
  await publish(x, "b@example.com:beta", "0.1.0", { description: "cloud mask" });
  const ids = (await Workflow.list()).map((m) => m.id);
  t.ok(ids.includes("a@example.com:alpha") && ids.includes("b@example.com:beta"));
  t.same((await Workflow.search("CLOUD")).map((m) => m.id), ["b@example.com:beta"], "case-insensitive");
  t.same((await Workflow.search("water")).map((m) => m.id), ["a@example.com:alpha"], "by tag");
  t.same((await Workflow.search("50%_")).map((m) => m.id), ["a@example.com:alpha"], "LIKE wildcards are literal");
  t.same(await Workflow.search("%zz%"), [], "% matches only itself");
  t.equal(await Workflow.delete("b@example.com:beta"), true);
  t.equal(await Workflow.delete("b@example.com:beta"), false);
  await t.rejects(Workflow.get("b@example.com:beta"), WorkflowNotFound);
});

t.test("big literals publish by content", async (t) => {
  const data = new Float64Array(50_000).map((_, i) => Math.sin(i));
  await publish(wf.Array.from(data, [50_000]).sum(), "me@example.com:big", "1.0.0");
  await t.resolves(publish(wf.Array.from(data.slice(), [50_000]).sum(), "me@example.com:big", "1.0.0"), "the same data built again is the same content");
  const used = (await use("me@example.com:big", "1.0.0")) as wf.Array;
  t.equal(await used.compute(), await wf.Array.from(data, [50_000]).sum().compute());
});
