import t from "tap";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { fromArrayBuffer } from "geotiff";
import * as wf from "../../src/index.js";
import { readProduct } from "../../src/imagery/catalog/store.js";
import { parseNodata } from "../../src/imagery/catalog/header.js";
import { colormapTable } from "../../src/imagery/png/colormap.js";
import { synthCatalog } from "../support/synth-catalog.js";

const { root, out } = await synthCatalog((fn) => t.teardown(fn), "synth", { size: 80, dates: 4 });
// the product covers x 500000–500800, y 5099200–5100000: the bottom 10 rows of this box lie outside it
const geoctx = new wf.GeoContext({ bounds: [500100, 5099100, 500700, 5099700], crs: "EPSG:32633", resolution: 10 });

function ndviComposite(): InstanceType<typeof wf.MaskedArray> {
  const x = wf.ImageCollection.fromId("synth").pickBands("red nir").ndarray.astype("float32");
  const red = x.get(wf.slice(), 0), nir = x.get(wf.slice(), 1);
  return nir.sub(red).div(nir.add(red)).median(0) as InstanceType<typeof wf.MaskedArray>;
}

async function readTiff(bytes: Uint8Array) {
  const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const image = await tiff.getImage(0);
  const values = Array.from((await image.readRasters({ interleave: false })) as unknown as ArrayLike<number>[], (a) => Array.from(a));
  return { image, values };
}

t.test("geotiff: a float32 composite reads back with its values, NaN nodata and georeferencing", async (t) => {
  const comp = ndviComposite();
  const native = (await comp.compute({ geoctx })) as wf.MaskedNDArray;
  const bytes = (await comp.compute({ geoctx, format: "geotiff" })) as Uint8Array;
  const { image, values } = await readTiff(bytes);
  t.same([image.getWidth(), image.getHeight()], [60, 60]);
  t.same(image.getOrigin(), [500100, 5099700, 0]);
  t.same(image.getResolution(), [10, -10, 0]);
  t.equal(image.getGeoKeys()?.ProjectedCSTypeGeoKey, 32633);
  t.equal(image.fileDirectory.getValue("SampleFormat")?.[0], 3);
  t.equal(image.fileDirectory.getValue("TileWidth"), 256);
  t.ok(Number.isNaN(parseNodata(await image.fileDirectory.loadValue("GDAL_NODATA"))), "nodata declared as nan");
  let bad = 0, nMasked = 0;
  native.data.forEach((v, i) => {
    if (native.mask[i]) {
      nMasked++;
      if (!Number.isNaN(values[0]![i]!)) bad++;
    } else if (values[0]![i] !== v) bad++;
  });
  t.equal(bad, 0);
  t.ok(nMasked >= 600, `${nMasked} masked pixels written as NaN`);
});

t.test("geotiff of an ImageCollection result: uint16 bands, their nodata, names and date", async (t) => {
  const ic = wf.ImageCollection.fromId("synth", { limit: 1 }).pickBands("nir red");
  const bytes = (await ic.compute({ geoctx, format: { type: "geotiff", compression: "LZW", tiled: false } })) as Uint8Array;
  const native = (await ic.compute({ geoctx })) as wf.ImageCollectionResult;
  const { image, values } = await readTiff(bytes);
  t.equal(image.getSamplesPerPixel(), 2);
  t.equal(image.fileDirectory.getValue("Compression"), 5);
  t.equal(parseNodata(await image.fileDirectory.loadValue("GDAL_NODATA")), 0);
  t.match(String(await image.fileDirectory.loadValue("GDAL_METADATA")), /role="description">nir</);
  t.equal(String(await image.fileDirectory.loadValue("DateTime")).replace(/\0+$/, ""), "2023:01:15 10:30:00");
  const plane = 60 * 60;
  let bad = 0;
  for (let b = 0; b < 2; b++) {
    for (let p = 0; p < plane; p++) {
      const i = b * plane + p;
      if (values[b]![p] !== (native.ndarray.mask[i] ? 0 : native.ndarray.data[i])) bad++;
    }
  }
  t.equal(bad, 0);
  await t.rejects(wf.ImageCollection.fromId("synth").compute({ geoctx, format: "geotiff" }), { name: "ProxyTypeError", message: /writes one image; this collection has 4/ });
});

t.test("png: a colormapped one-band quicklook and an RGB one, masked pixels transparent", async (t) => {
  const bytes = (await ndviComposite().compute({ geoctx, format: { type: "png", colormap: "rdylgn" } })) as Uint8Array;
  t.same(Array.from(bytes.subarray(0, 8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  t.same([view.getUint32(16), view.getUint32(20), bytes[24], bytes[25]], [60, 60, 8, 6], "60×60, 8-bit RGBA");
  const rgb = wf.ImageCollection.fromId("synth", { limit: 1 }).pickBands("red green blue").reduce("max", "images");
  const file = join(out, "rgb.png");
  const written = (await (rgb as { compute(o: object): Promise<unknown> }).compute({ geoctx, format: { type: "png", scales: [[0, 2000], [0, 2000], [0, 2000]] }, file })) as { bytes: number };
  const png = readFileSync(file);
  t.equal(png.length, written.bytes);
  // decode the single IDAT and check that every masked pixel has alpha 0
  const idat = png.indexOf("IDAT");
  const raw = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
  t.equal(raw.length, 60 * (60 * 4 + 1));
  await t.rejects(wf.ImageCollection.fromId("synth", { limit: 1 }).compute({ geoctx, format: "png" }), { name: "ProxyTypeError", message: /1 to 3 bands, got 4/ });
  await t.rejects(ndviComposite().compute({ geoctx, format: { type: "png", colormap: "jet" } }), { name: "ProxyTypeError" });
});

t.test("png without scales stretches each band from its 2nd to its 98th percentile: both ends of the colormap are used", async (t) => {
  const bytes = (await ndviComposite().compute({ geoctx, format: { type: "png", colormap: "rdylgn" } })) as Uint8Array;
  const png = Buffer.from(bytes);
  const idat = png.indexOf("IDAT");
  const raw = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
  const table = colormapTable("rdylgn");
  const colour = (k: number): string => `${table[k * 3]},${table[k * 3 + 1]},${table[k * 3 + 2]}`;
  const counts = new Map<string, number>();
  let valid = 0;
  const stride = 60 * 4 + 1;
  for (let y = 0; y < 60; y++) {
    const filter = raw[y * stride]!;
    t.ok(filter === 0 || filter === 1, "no filter or Sub");
    // undo Sub: each byte was stored as the difference to the byte one pixel to the left
    if (filter === 1) for (let i = y * stride + 5; i < (y + 1) * stride; i++) raw[i] = (raw[i]! + raw[i - 4]!) & 255;
    for (let x = 0; x < 60; x++) {
      const o = y * stride + 1 + x * 4;
      if (raw[o + 3] === 0) continue;
      valid++;
      const c = `${raw[o]},${raw[o + 1]},${raw[o + 2]}`;
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
  }
  t.ok(valid > 0);
  // the lowest and highest 2 % clamp to the colormap's ends (each at least one pixel in 100)
  t.ok((counts.get(colour(0)) ?? 0) >= valid / 100, "low end of the colormap");
  t.ok((counts.get(colour(255)) ?? 0) >= valid / 100, "high end of the colormap");
});

t.test("an array computed without a GeoContext cannot be written as an image", async (t) => {
  const a = new wf.Array([[1, 2], [3, 4]], { dtype: "float32" });
  await t.rejects(a.compute({ format: "geotiff" }), { name: "ProxyTypeError", message: /GeoContext/ });
  await t.rejects(a.compute({ geoctx, format: "geotiff" }), { name: "ProxyTypeError", message: /\(2, 2\) differs from the GeoContext's \(60, 60\)/ });
});

t.test("the catalog destination adds the result as a new image of a new product", async (t) => {
  const written = await ndviComposite().compute({ geoctx, destination: { type: "catalog", productId: "composites", imageId: "ndvi-2023" } });
  t.same(written, { type: "catalog", productId: "composites", imageId: "ndvi-2023" });
  const p = readProduct(root, "composites")!;
  t.same(p.bands.map((b) => [b.name, b.dtype]), [["band_1", "float32"]]);
  const back = (await wf.Image.fromId("composites:ndvi-2023").compute({ geoctx })) as wf.ImageResult;
  const native = (await ndviComposite().compute({ geoctx })) as wf.MaskedNDArray;
  t.same(Array.from(back.ndarray.mask), Array.from(native.mask), "masked pixels come back masked");
  const valid = (a: wf.MaskedNDArray): number[] => Array.from(a.data as Float32Array).filter((_, i) => !native.mask[i]);
  t.same(valid(back.ndarray), valid(native));
  await t.rejects(ndviComposite().compute({ geoctx, destination: { type: "catalog", productId: "composites", imageId: "ndvi-2023" } }), /already exists/);
  await t.rejects(ndviComposite().compute({ geoctx, destination: { type: "catalog", productId: "composites" } }), { name: "ProxyTypeError" });
  await t.rejects(ndviComposite().compute({ geoctx, format: "npy", destination: { type: "catalog", productId: "c", imageId: "i" } }), { name: "ProxyTypeError", message: /catalog destination stores a GeoTIFF/ });
});

t.test("toImagery: the Workflows contract", async (t) => {
  const a3 = new wf.Array([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], { dtype: "uint8" });
  const ic = a3.toImagery({ source: "x" }, { red: { nodata: 0 }, nir: {} });
  t.type(ic, wf.ImageCollection);
  t.same(ic.ndarray.known.shape, [1, 2, 2, 2]);
  t.same(ic.properties, [{ source: "x" }]);
  t.same(Object.keys(ic.bandinfo), ["red", "nir"]);
  t.same(Object.keys(new wf.Array([[[1]], [[2]], [[3]]]).toImagery().bandinfo), ["band_1", "band_2", "band_3"]);
  const a4 = new wf.Array([[[[1]], [[2]]], [[[3]], [[4]]], [[[5]], [[6]]]]);
  t.same(a4.toImagery([{ k: 1 }, { k: 2 }, { k: 3 }], [{ name: "a" }, { name: "b" }]).properties, [{ k: 1 }, { k: 2 }, { k: 3 }]);
  t.same(a4.toImagery({ k: 0 }).properties, [{ k: 0 }, { k: 0 }, { k: 0 }], "an object is broadcast");
  const bad: [() => unknown, RegExp][] = [
    [() => new wf.Array([1, 2]).toImagery(), /3-d \(band, y, x\) or 4-d/],
    [() => a4.toImagery([{}, {}]), /list of 2, but the array holds 3 images/],
    [() => a4.toImagery([{}, 1, {}]), /properties\[1\] must be an object/],
    [() => a4.toImagery("p"), /properties must be an object or a list/],
    [() => a4.toImagery({}, { a: {} }), /names 1 band, but the band axis has 2/],
    [() => a4.toImagery({}, [{ name: "a" }, { name: "a" }]), /unique/],
    [() => a4.toImagery({}, [{ name: "a" }, {}]), /needs a non-empty band name/],
    [() => a4.toImagery({}, { a: { nodata: "x" }, b: {} }), /nodata must be a number/],
  ];
  for (const [f, message] of bad) t.throws(f, { name: "ProxyTypeError", message });
  const r = (await a3.toImagery().compute()) as wf.ImageCollectionResult;
  t.same(r.ndarray.shape, [1, 2, 2, 2]);
  t.equal(r.geocontext, null);
});
