/**
 * The server's file roots: file sources, file and Zarr destinations and the imagery catalog are
 * reachable only under its roots; '..', absolute paths elsewhere and symlinks out of a root get 403.
 */
import t from "tap";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as wf from "../../src/index.js";
import { configure } from "../../src/config.js";
import { Client } from "../../src/client/client.js";
import { ServerError } from "../../src/client/errors.js";
import { synthProduct } from "../../src/imagery/catalog/synth.js";
import { readProduct } from "../../src/imagery/catalog/store.js";
import { closeEmbeddedStores } from "../../src/registry/embedded.js";
import { testServer, type TestServer } from "./support.js";

let s: TestServer;
let client: Client;
let outside: string;

t.before(async () => {
  s = await testServer();
  client = new Client({ url: s.server.url });
  outside = join(s.home, "outside");
  mkdirSync(outside, { recursive: true });
});
t.teardown(async () => {
  configure({ catalog: null });
  await s.server.close();
  await closeEmbeddedStores();
  await wf.shutdown();
});

const npy = (values: number[]): Uint8Array => new wf.NDArray(new Float64Array(values), [values.length], "float64").toNpy();

async function refused(run: Promise<unknown>): Promise<ServerError | undefined> {
  const e = await run.catch((err: unknown) => err);
  return e instanceof ServerError ? e : undefined;
}

t.test("file sources: under a root they run, a symlink out of the root is 403", async (t) => {
  writeFileSync(join(s.root, "in.npy"), npy([1, 2, 3]));
  writeFileSync(join(outside, "secret.npy"), npy([7, 7, 7]));
  const inside = wf.Array.fromNpy(join(s.root, "in.npy")).add(1);
  t.same(await client.run(inside.node, {}, "compute"), await inside.compute());
  symlinkSync(join(outside, "secret.npy"), join(s.root, "link.npy"));
  symlinkSync(outside, join(s.root, "linkdir"));
  for (const p of [join(s.root, "link.npy"), join(s.root, "linkdir", "secret.npy")]) {
    const e = await refused(client.run(wf.Array.fromNpy(p).node, {}, "compute"));
    t.equal(e?.status, 403, `${p}: 403`);
    t.match(e?.message, /outside the server's data roots/);
  }
});

t.test("file and zarr destinations: only under a root", async (t) => {
  const x = new wf.Array([1, 2, 3]).mul(2);
  const ok = (await client.run(x.node, { destination: { type: "file", path: join(s.root, "out.npy") } }, "compute")) as { bytes: number };
  t.ok(ok.bytes > 0);
  t.same(wf.NDArray.fromNpy(readFileSync(join(s.root, "out.npy"))).toArray(), [2, 4, 6], "written under the root");
  const cases: [string, { type: string; path: string }][] = [
    ["'..'", { type: "file", path: `${s.root}/../outside/x.npy` }],
    ["relative '..'", { type: "file", path: "../outside/x.npy" }],
    ["absolute elsewhere", { type: "file", path: join(outside, "x.npy") }],
    ["through a symlinked folder", { type: "file", path: join(s.root, "linkdir", "x.npy") }],
    ["zarr elsewhere", { type: "zarr", path: join(outside, "x.zarr") }],
    ["zarr through a symlink", { type: "zarr", path: join(s.root, "linkdir", "x.zarr") }],
  ];
  for (const [name, destination] of cases) {
    const e = await refused(client.run(x.node, { destination }, "compute"));
    t.equal(e?.status, 403, `${name}: 403`);
  }
  t.notOk(existsSync(join(outside, "x.npy")) || existsSync(join(outside, "x.zarr")), "nothing written outside");
});

t.test("the imagery catalog: served under a root, refused outside", async (t) => {
  const catalog = join(s.root, "catalog");
  await synthProduct(catalog, "syn", { dates: 2, size: 32 });
  configure({ catalog });
  const geoctx = new wf.GeoContext({ bounds: [500000, 5100000 - 320, 500000 + 320, 5100000], crs: "EPSG:32633", resolution: 10 });
  const ic = wf.ImageCollection.fromId("syn").pickBands("red nir");
  const embedded = (await ic.ndarray.compute({ geoctx })) as wf.MaskedNDArray;
  const remote = (await client.run(ic.node, { geoctx }, "compute")) as wf.MaskedNDArray;
  t.same(remote, embedded, "a catalog under a root: the client computes what the embedded client does");

  const median = ic.ndarray.median(0);
  const dest = { productId: "medians", imageId: "m1" };
  t.same(await client.run(median.node, { geoctx, destination: { type: "catalog", ...dest } }, "compute"), { type: "catalog", ...dest });
  t.same(readProduct(catalog, "medians")?.images.map((i) => i.id), ["m1"], "a catalog destination writes into the served catalog");
  const badId = await client.run(median.node, { geoctx, destination: { type: "catalog", ...dest, productId: "../x" } }, "compute").catch((e: unknown) => e);
  t.ok(badId instanceof wf.ProxyTypeError, "a product id that is a path: 400, a ProxyTypeError on the client");
  t.match((badId as Error).message, /invalid product id "\.\.\/x"/);

  // a product folder inside the catalog that is a symlink out of the root
  await synthProduct(join(outside, "cat"), "far", { dates: 1, size: 32 });
  symlinkSync(join(outside, "cat", "far"), join(catalog, "far"));
  const far = wf.ImageCollection.fromId("far");
  t.equal((await refused(client.run(far.node, { geoctx }, "compute")))?.status, 403, "reading a symlinked product: 403");
  const farDest = await refused(client.run(median.node, { geoctx, destination: { type: "catalog", ...dest, productId: "far" } }, "compute"));
  t.equal(farDest?.status, 403, "writing into a symlinked product: 403");

  // a catalog outside every root is not served
  configure({ catalog: join(outside, "cat") });
  const elsewhere = wf.ImageCollection.fromId("far");
  const read = await refused(client.run(elsewhere.node, { geoctx }, "compute"));
  t.equal(read?.status, 403, "reading a catalog outside the roots: 403");
  const write = await refused(client.run(median.node, { geoctx, destination: { type: "catalog", ...dest } }, "compute"));
  t.equal(write?.status, 403, "a catalog destination outside the roots: 403");
  t.match(write?.message, /catalog .* is outside its data roots/);
  t.notOk(existsSync(join(outside, "cat", "medians")), "nothing written there");
});

t.test("serve --help says how a catalog is served", async (t) => {
  const { runCli } = await import("../../src/cli/commands.js");
  let out = "";
  t.equal(await runCli(["serve", "--help"], { stdout: { write: (x: string) => (out += x) }, stderr: { write: () => true } }), 0);
  t.match(out, /--catalog <dir>/);
  t.match(out, /tesserae serve --root \/srv\/data --catalog \/srv\/data\/catalog/);
});
