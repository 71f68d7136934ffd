import t from "tap";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromFile } from "geotiff";
import * as wf from "../../src/index.js";
import { synthProduct } from "../../src/imagery/catalog/synth.js";
import { addImages } from "../../src/imagery/catalog/add.js";
import { FIXTURES, fixture, isNodata } from "./support.js";

const root = mkdtempSync(join(tmpdir(), "tesserae-catalog-"));
t.teardown(async () => {
  rmSync(root, { recursive: true, force: true });
  await wf.shutdown();
});
wf.configure({ catalog: root });
const SIZE = 96;
await synthProduct(root, "synth", { size: SIZE, dates: 5 });
// the product's own grid: 10 m pixels from (500000, 5100000)
const own = new wf.GeoContext({ bounds: [500000, 5100000 - 10 * SIZE, 500000 + 10 * SIZE, 5100000], crs: "EPSG:32633", resolution: 10 });

async function fileBand(path: string, sample: number): Promise<number[]> {
  const tiff = await fromFile(path);
  const r = (await (await tiff.getImage(0)).readRasters({ samples: [sample] })) as unknown as ArrayLike<number>[];
  await tiff.close();
  return Array.from(r[0]!);
}

t.test("ImageCollection.fromId: dates in [start, end), sorted, limited; lazy sizes", async (t) => {
  const ic = wf.ImageCollection.fromId("synth", { startDatetime: "2023-02-01", endDatetime: "2023-05-15" });
  t.same(ic.properties.map((p) => p["date"]), ["2023-02-14T10:30:00.000Z", "2023-03-16T10:30:00.000Z", "2023-04-15T10:30:00.000Z"]);
  t.equal(ic.properties[0]!["id"], "synth:2023-02-14");
  t.same(ic.ndarray.known, { shape: [3, 4, -1, -1], dtype: "uint16", ndim: 4 });
  t.same(Object.keys(ic.bandinfo), ["blue", "green", "red", "nir"]);
  t.equal(ic.bandinfo["nir"]!.nodata, 0);
  t.equal(wf.ImageCollection.fromId("synth", { limit: 2 }).length, 2);
  t.throws(() => wf.ImageCollection.fromId("nope"), { name: "ProxyTypeError", message: /no product "nope"/ });
  t.throws(() => wf.ImageCollection.fromId("synth", { startDatetime: "soon" }), { name: "ProxyTypeError" });
  t.throws(() => wf.ImageCollection.fromId("synth").pickBands("red swir"), { name: "ProxyTypeError", message: /no band "swir"/ });
});

t.test("on the product's own grid, the collection is the files' pixels with nodata masked", async (t) => {
  const ic = wf.ImageCollection.fromId("synth", { limit: 2 }).pickBands("nir red");
  const r = (await ic.compute({ geoctx: own })) as wf.ImageCollectionResult;
  t.type(r, wf.ImageCollectionResult);
  t.same(r.ndarray.shape, [2, 2, SIZE, SIZE]);
  t.same(Object.keys(r.bandinfo), ["nir", "red"]);
  t.same(r.geocontext!.transform, [500000, 10, 0, 5100000, 0, -10]);
  t.equal(r.properties.length, 2);
  const plane = SIZE * SIZE;
  let bad = 0;
  for (const [img, date] of [[0, "2023-01-15"], [1, "2023-02-14"]] as const) {
    for (const [band, sample] of [[0, 3], [1, 2]] as const) {
      const want = await fileBand(join(root, "synth", `${date}.tif`), sample);
      for (let p = 0; p < plane; p++) {
        const i = (img * 2 + band) * plane + p;
        if (want[p] === 0 ? r.ndarray.mask[i] !== 1 : r.ndarray.mask[i] !== 0 || r.ndarray.data[i] !== want[p]) bad++;
      }
    }
  }
  t.equal(bad, 0);
});

t.test("NDVI median composite equals a masked median computed here", async (t) => {
  const ic = wf.ImageCollection.fromId("synth").pickBands("red nir");
  const x = ic.ndarray.astype("float32");
  const red = x.get(wf.slice(), 0), nir = x.get(wf.slice(), 1);
  const ndvi = nir.sub(red).div(nir.add(red));
  const med = (await ndvi.median(0).compute({ geoctx: own })) as wf.MaskedNDArray;
  const all = (await ic.compute({ geoctx: own })) as wf.ImageCollectionResult;
  t.same(med.shape, [SIZE, SIZE]);
  const plane = SIZE * SIZE, n = ic.length;
  let bad = 0, masked = 0;
  for (let p = 0; p < plane; p++) {
    const vals: number[] = [];
    for (let i = 0; i < n; i++) {
      const r = (i * 2) * plane + p, q = (i * 2 + 1) * plane + p;
      if (all.ndarray.mask[r] || all.ndarray.mask[q]) continue;
      const a = Math.fround(all.ndarray.data[r] as number), b = Math.fround(all.ndarray.data[q] as number);
      vals.push(Math.fround(Math.fround(b - a) / Math.fround(b + a)));
    }
    vals.sort((u, v) => u - v);
    if (vals.length === 0) {
      masked++;
      if (!med.mask[p]) bad++;
      continue;
    }
    const k = vals.length >> 1;
    const want = vals.length % 2 ? vals[k]! : (vals[k - 1]! + vals[k]!) / 2;
    if (med.mask[p] || Math.abs((med.data[p] as number) - want) > 1e-6) bad++;
  }
  t.equal(bad, 0, `${plane - masked} pixels with a value, ${masked} masked`);
});

t.test("reductions over images, bands and pixels", async (t) => {
  const ic = wf.ImageCollection.fromId("synth", { limit: 3 }).pickBands(["red", "nir"]);
  const overImages = ic.max("images") as InstanceType<typeof wf.Image>;
  t.type(overImages, wf.Image);
  t.same(overImages.ndarray.known.shape, [2, -1, -1]);
  const img = (await overImages.compute({ geoctx: own })) as wf.ImageResult;
  t.type(img, wf.ImageResult);
  t.same(img.ndarray.shape, [2, SIZE, SIZE]);

  const overBands = ic.mean("bands") as InstanceType<typeof wf.ImageCollection>;
  t.same(Object.keys(overBands.bandinfo), ["mean"]);
  t.same(overBands.ndarray.known.shape, [3, 1, -1, -1]);

  const both = ic.min(["images", "bands"]) as InstanceType<typeof wf.Image>;
  t.same(both.ndarray.known.shape, [1, -1, -1]);

  const perImage = (await (ic.count("pixels") as { compute(o: object): Promise<unknown> }).compute({ geoctx: own })) as Record<string, number>[];
  t.equal(perImage.length, 3);
  t.same(Object.keys(perImage[0]!), ["red", "nir"]);
  const all = (await ic.compute({ geoctx: own })) as wf.ImageCollectionResult;
  const plane = SIZE * SIZE;
  const count = (i: number, b: number) => {
    let c = 0;
    for (let p = 0; p < plane; p++) c += all.ndarray.mask[(i * 2 + b) * plane + p] ? 0 : 1;
    return c;
  };
  t.same(perImage.map((d) => [d["red"], d["nir"]]), [0, 1, 2].map((i) => [count(i, 0), count(i, 1)]));
  const perBand = (await (ic.count(["images", "pixels"]) as { compute(o: object): Promise<unknown> }).compute({ geoctx: own })) as Record<string, number>;
  t.equal(perBand["red"], count(0, 0) + count(1, 0) + count(2, 0));
  const total = await (ic.count() as { compute(o: object): Promise<unknown> }).compute({ geoctx: own });
  t.equal(Number(total), [0, 1, 2].reduce((s, i) => s + count(i, 0) + count(i, 1), 0));
  t.throws(() => ic.mean("time" as never), { name: "ProxyTypeError", message: /invalid axis "time"/ });
});

t.test("imagery needs a GeoContext to compute", async (t) => {
  const ic = wf.ImageCollection.fromId("synth", { limit: 1 });
  await t.rejects(ic.compute(), { name: "ProxyTypeError", message: /pass a GeoContext/ });
  await t.rejects(ic.ndarray.sum().compute(), { name: "ProxyTypeError", message: /pass a GeoContext/ });
  await t.rejects(ic.compute({ geoctx: 5 as never }), { name: "ProxyTypeError" });
});

t.test("Image.fromId, pickBands, and a reprojected read with bilinear resampling", async (t) => {
  const root2 = mkdtempSync(join(tmpdir(), "tesserae-catalog-"));
  t.teardown(() => rmSync(root2, { recursive: true, force: true }));
  await addImages(root, "fx", [`${FIXTURES}i16_tiled_lzw_pred2.tif`]);
  const image = wf.Image.fromId("fx:i16_tiled_lzw_pred2");
  t.same(image.ndarray.known.shape, [2, -1, -1]);
  t.equal(image.properties["date"], "2023-06-03T10:30:00.000Z");
  t.throws(() => wf.Image.fromId("fx:missing"), { name: "ProxyTypeError", message: /no image "fx:missing"/ });
  const f = fixture("i16_tiled_lzw_pred2.tif");
  const geo = new wf.GeoContext({ bounds: [f.transform[0], f.transform[3] + 29 * f.transform[5], f.transform[0] + 41 * f.transform[1], f.transform[3]], crs: "EPSG:4326", shape: [29, 41] });
  const r = (await image.pickBands("b2").compute({ geoctx: geo })) as wf.ImageResult;
  const plane = 29 * 41;
  let bad = 0;
  for (let p = 0; p < plane; p++) {
    const want = f.data[plane + p]!;
    if (isNodata(f, want) ? r.ndarray.mask[p] !== 1 : r.ndarray.data[p] !== want) bad++;
  }
  t.equal(bad, 0, "the file's own grid in EPSG:4326 reads its pixels back");
  // the same area given in UTM: reprojected on the fly
  const utm = new wf.GeoContext({ bounds: [500000, 5099300, 500300, 5099600], crs: "EPSG:32633", resolution: 15 });
  const b = (await wf.Image.fromId("fx:i16_tiled_lzw_pred2", { resampler: "bilinear" }).compute({ geoctx: utm })) as wf.ImageResult;
  t.same(b.ndarray.shape, [2, 20, 20]);
  t.ok(b.ndarray.count() > 600, "most of the UTM box lies inside the image");
  t.throws(() => wf.Image.fromId("fx:i16_tiled_lzw_pred2", { resampler: "cubic" as never }), { name: "ProxyTypeError" });
});

t.test("reshape(-1) and broadcasts over imagery resolve their sizes once the GeoContext gives y and x", async (t) => {
  const ic = wf.ImageCollection.fromId("synth", { limit: 2 }).pickBands("red nir");
  const whole = (await ic.ndarray.compute({ geoctx: own })) as wf.MaskedNDArray;
  const flat = ic.ndarray.get(1, 0).reshape(-1);
  t.same(flat.known.shape, [-1], "unknown before a GeoContext");
  const f = (await flat.compute({ geoctx: own })) as wf.MaskedNDArray;
  t.same(f.shape, [SIZE * SIZE]);
  const plane = SIZE * SIZE;
  const values = (a: wf.MaskedNDArray, from: number, to: number): number[] => Array.from(a.data.subarray(from, to) as Uint16Array);
  t.same(values(f, 0, plane), values(whole, 2 * plane, 3 * plane), "image 1, band red, row after row");
  t.same(Array.from(f.mask), Array.from(whole.mask.subarray(2 * plane, 3 * plane)));
  // an image broadcast against the collection: the broadcast's target is (2, 2, -1, -1) when built
  const [, first] = wf.numpy.broadcast_arrays(ic.ndarray, ic.ndarray.get(0));
  t.same(first!.known.shape, [2, 2, -1, -1]);
  const b = (await first!.compute({ geoctx: own })) as wf.MaskedNDArray;
  t.same(b.shape, [2, 2, SIZE, SIZE]);
  t.same(values(b, 2 * plane, 4 * plane), values(whole, 0, 2 * plane), "image 1 repeats image 0");
  // flatten, then a reduction over the flattened pixels
  const total = (await ic.ndarray.get(0, 1).reshape(-1).max().compute({ geoctx: own })) as number;
  let want = -Infinity;
  for (let p = plane; p < 2 * plane; p++) if (whole.mask[p] === 0) want = Math.max(want, whole.data[p] as number);
  t.equal(total, want, "max of image 0's nir");
});
