/**
 * A killed server loses no saved workflow: `tesserae serve` runs as its own process, publishes go
 * to it through `wf.Client`, it is SIGKILLed (idle, and while publishes are in flight) and started
 * again on the same home. Every version whose publish succeeded is there with the same bytes, and
 * no version is half saved.
 */
import t, { type Test } from "tap";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import * as wf from "../../src/index.js";
import { Client } from "../../src/client/client.js";
import { closeEmbeddedStores } from "../../src/registry/embedded.js";
import { documentOf } from "../../src/registry/publish.js";
import { startServeProcess, type ServeProcess } from "./serve-process.js";

const home = mkdtempSync(join(tmpdir(), "tesserae-crash-"));
let server: ServeProcess | undefined;
t.teardown(async () => {
  await server?.kill();
  await closeEmbeddedStores();
  await wf.shutdown();
  rmSync(home, { recursive: true, force: true });
});

const ID = "me@example.com:crash";
const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

/** Version `v`'s graph: different for every version, big enough that a save is not instant. */
function graphOf(i: number): wf.Array {
  const data = new Float64Array(2000).map((_, j) => Math.sin(i * 7919 + j));
  return wf.Array.from(data, [2000]).mul(i + 1).sum() as wf.Array;
}

/** What a successful publish promised: the version and the sha256 of its document. */
const saved = new Map<string, { digest: string; i: number }>();

async function publishVersion(client: Client, i: number): Promise<void> {
  const version = `1.${Math.floor(i / 1000)}.${i % 1000}`;
  const x = graphOf(i);
  await x.publish(ID, version, { client, docstring: `version ${i}` });
  saved.set(version, { digest: sha256(documentOf(x)), i });
}

/** Everything the restarted server holds: each saved version byte-identical, nothing partial. */
async function checkAll(t: Tap, client: Client, round: string): Promise<void> {
  const w = await wf.Workflow.get(ID, { client });
  const have = new Map(w.versions.map((v) => [v.version, v]));
  for (const [version, { digest }] of saved) {
    const v = have.get(version);
    if (v === undefined) {
      t.fail(`${round}: version ${version} was saved but is gone`);
      continue;
    }
    if (v.digest !== digest || sha256(v.document) !== digest) t.fail(`${round}: version ${version} changed: ${v.digest} != ${digest}`);
  }
  for (const v of w.versions) {
    // a version the kill interrupted may be there or not; if it is, it is whole
    const i = Number(/^version (\d+)$/.exec(v.docstring)?.[1]);
    if (!Number.isInteger(i)) t.fail(`${round}: ${v.version} lost its docstring: ${JSON.stringify(v.docstring)}`);
    else if (sha256(v.document) !== v.digest || v.digest !== sha256(documentOf(graphOf(i)))) t.fail(`${round}: ${v.version} does not hold the graph that was published`);
  }
  const first = [...saved.entries()].find(([, s]) => s.i === 0);
  if (first !== undefined) {
    const used = (await wf.use(ID, first[0], { client })) as wf.Array;
    const want = await graphOf(0).compute();
    t.equal(await used.compute(), want, `${round}: a saved version computes the original's result`);
    t.equal(await used.compute({ client }), want, `${round}: on the restarted server too`);
  }
  t.pass(`${round}: ${saved.size} saved versions all there, ${w.versions.length} versions in all`);
}
type Tap = Test;

/** The database file itself: intact, and no version row without its workflow. */
function checkDatabase(t: Tap, round: string): void {
  const db = new Database(join(home, "workflows.db"), { readonly: true, fileMustExist: true });
  try {
    t.equal(db.pragma("integrity_check", { simple: true }), "ok", `${round}: SQLite integrity_check`);
    const orphans = db.prepare("SELECT COUNT(*) AS n FROM versions v LEFT JOIN workflows w ON w.id = v.workflow_id WHERE w.id IS NULL").get() as { n: number };
    t.equal(orphans.n, 0, `${round}: no version without its workflow`);
  } finally {
    db.close();
  }
}

t.test("SIGKILL when idle, then restart: every saved version is there", async (t) => {
  server = await startServeProcess(home);
  let client = new Client({ url: server.url });
  for (let i = 0; i < 5; i++) await publishVersion(client, i);
  await server.kill();
  checkDatabase(t, "idle kill");
  server = await startServeProcess(home);
  client = new Client({ url: server.url });
  await checkAll(t, client, "idle kill");
  t.equal((await wf.Workflow.get(ID, { client })).versions.length, 5);
});

t.test("SIGKILL while publishes are in flight, three times", async (t) => {
  let next = 100;
  for (const round of ["in-flight kill 1", "in-flight kill 2", "in-flight kill 3"]) {
    const client = new Client({ url: server!.url });
    const before = saved.size;
    let stop = false;
    let failures = 0;
    // four publishers hammering the server until it dies under them
    const hammer = async (): Promise<void> => {
      while (!stop) {
        try {
          await publishVersion(client, next++);
        } catch (e) {
          // only the kill may cut a publish off
          if (!server!.child.killed) throw e;
          failures++;
          return;
        }
      }
    };
    const running = [hammer(), hammer(), hammer(), hammer()];
    // kill once some publishes have landed, so the kill falls among writes
    while (saved.size < before + 8) await new Promise((r) => setTimeout(r, 5));
    await server!.kill();
    stop = true;
    await Promise.all(running);
    t.ok(failures > 0, `${round}: some publishes were cut off by the kill (${failures})`);
    checkDatabase(t, round);
    server = await startServeProcess(home);
    await checkAll(t, new Client({ url: server.url }), round);
  }
});
