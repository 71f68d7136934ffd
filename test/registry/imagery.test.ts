/**
 * Publishing imagery: a GeoContext, an Image and an ImageCollection come back from `wf.use` as the
 * same class with the same properties, bands and computed result, embedded and through a server;
 * tampered documents are refused naming the field.
 */
import t from "tap";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Packr, Unpackr } from "msgpackr";
import * as wf from "../../src/index.js";
import { configure } from "../../src/config.js";
import { Client } from "../../src/client/client.js";
import { synthProduct } from "../../src/imagery/catalog/synth.js";
import { closeEmbeddedStores } from "../../src/registry/embedded.js";
import { documentOf } from "../../src/registry/publish.js";
import { loadAny, proxyOf } from "../../src/registry/proxy-of.js";
import { testServer, type TestServer } from "../server/support.js";

const home = mkdtempSync(join(tmpdir(), "tesserae-pubimg-"));
let s: TestServer;
let client: Client;
t.before(async () => {
  s = await testServer();
  client = new Client({ url: s.server.url });
  // the catalog under the server's root, so the server may read it too
  configure({ home, catalog: join(s.root, "catalog") });
  await synthProduct(join(s.root, "catalog"), "syn", { dates: 3, size: 32 });
});
t.teardown(async () => {
  configure({ catalog: null });
  await s.server.close();
  await closeEmbeddedStores();
  await wf.shutdown();
  rmSync(home, { recursive: true, force: true });
});

const geoctx = new wf.GeoContext({ bounds: [500000, 5100000 - 320, 500000 + 320, 5100000], crs: "EPSG:32633", resolution: 10 });

t.test("GeoContext", async (t) => {
  const ctxs = [
    geoctx,
    new wf.GeoContext({ bounds: [500000, 5099000, 500330, 5100000], crs: "EPSG:32633", shape: [7, 3] }),
    new wf.GeoContext({ bounds: [14.99, 45.99, 15.01, 46.01], boundsCrs: "EPSG:4326", crs: "EPSG:32633", resolution: 30 }),
  ];
  for (const [i, g] of ctxs.entries()) {
    await g.publish(`me@example.com:ctx${i}`, "1.0.0");
    const used = await wf.use(`me@example.com:ctx${i}`, "1.0.0");
    t.ok(used instanceof wf.GeoContext, `ctx${i}: a GeoContext`);
    t.same((used as wf.GeoContext).grid, g.grid, `ctx${i}: the same grid`);
    t.same(await (used as wf.GeoContext).compute(), await g.compute(), `ctx${i}: the same result`);
  }
});

t.test("Image and ImageCollection, embedded and through a server", async (t) => {
  const ic = wf.ImageCollection.fromId("syn").pickBands("red nir");
  const objs: [string, wf.Image | wf.ImageCollection][] = [
    ["ImageCollection", ic],
    ["Image", wf.Image.fromId(`syn:${(ic.properties[1]!["id"] as string).split(":")[1]}`).pickBands(["nir"])],
    ["median over images", ic.median("images") as wf.Image],
  ];
  for (const [i, [name, obj]] of objs.entries()) {
    for (const where of ["embedded", "server"] as const) {
      const opts = where === "server" ? { client } : {};
      const id = `me@example.com:img${i}`;
      await obj.publish(id, "1.0.0", { ...opts, docstring: name });
      const used = (await wf.use(id, "1.0.0", opts)) as wf.Image | wf.ImageCollection;
      t.equal(used.constructor, obj.constructor, `${name} (${where}): the same class`);
      t.same(used.properties, obj.properties, `${name} (${where}): properties`);
      t.same(used.bandinfo, obj.bandinfo, `${name} (${where}): bandinfo`);
      t.same(await used.compute({ geoctx }), await obj.compute({ geoctx }), `${name} (${where}): the same result`);
    }
  }
});

const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });
type Wire = Record<string, unknown>;

t.test("tampered imagery documents are refused", async (t) => {
  const ic = wf.ImageCollection.fromId("syn").pickBands("red nir");
  const good = unpackr.unpack(documentOf(ic)) as Wire;
  const meta = JSON.parse(good["meta"] as string) as { $dict: [string, unknown][] };
  const load = (w: Wire) => proxyOf(loadAny(packr.pack(w)));
  t.ok(load(good) instanceof wf.ImageCollection, "the untampered document loads");
  const withMeta = (m: unknown): Wire => ({ ...good, meta: JSON.stringify(m) });
  const oneBand = { $dict: meta.$dict.map(([k, v]) => [k, k === "bands" ? (v as unknown[]).slice(0, 1) : v]) };
  const noProps = { $dict: meta.$dict.map(([k, v]) => [k, k === "properties" ? [] : v]) };
  const badBand = { $dict: meta.$dict.map(([k, v]) => [k, k === "bands" ? [{ $dict: [["name", 1]] }, { $dict: [] }] : v]) };
  const ctx = unpackr.unpack(documentOf(geoctx)) as Wire;
  const bad: [string, Wire, RegExp][] = [
    ["no meta", { ...good, meta: undefined }, /needs its properties and bands/],
    ["too few bands", withMeta(oneBand), /meta\.bands lists 1 bands for 2/],
    ["properties per image", withMeta(noProps), /one object per image \(3\)/],
    ["a band that is no band", withMeta(badBand), /meta: band 0 needs a string name/],
    ["unknown proxy", { ...good, result: { ...(good["result"] as object), proxy: "Foo" } }, /unknown proxy "Foo"/],
    ["an Image of a 4-d array", { ...good, result: { ...(good["result"] as object), proxy: "Image" } }, /an Image is a masked \(band, y, x\) array/],
    ["a GeoContext with no CRS", { ...ctx, value: JSON.stringify({ k: "lit", v: { $dict: [["bounds", [0, 0, 1, 1]], ["resolution", 1]] } }) }, /GeoContext: .*coordinate system/],
    ["a GeoContext that is an expression", { ...ctx, value: JSON.stringify({ k: "neg", a: { k: "lit", v: 1 } }) }, /one literal of its options/],
  ];
  for (const [name, w, message] of bad) t.throws(() => load(w), { name: "GraphDocumentError", message }, name);
  const put = await s.raw("PUT", "/v1/workflows/me%40example.com%3Abad/versions/1.0.0", packr.pack({ document: packr.pack(bad[1]![1]) }), { "content-type": "application/msgpack" });
  t.equal(put.status, 400, "a server refuses to publish one");
  t.match(put.body, /meta\.bands lists 1 bands/);
});
