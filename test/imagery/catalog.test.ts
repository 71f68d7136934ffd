import t from "tap";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addImages } from "../../src/imagery/catalog/add.js";
import { synthProduct } from "../../src/imagery/catalog/synth.js";
import { listProducts, readProduct } from "../../src/imagery/catalog/store.js";
import { FIXTURES } from "./support.js";

const fresh = (t: { teardown(fn: () => void): void }): string => {
  const dir = mkdtempSync(join(tmpdir(), "tesserae-cat-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

/** Every file under the catalog with its bytes, to compare before and after a refused add. */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(p, readFileSync(p).toString("base64"));
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}

t.test("adding multi-band files: bands, dtype, nodata, CRS and geotransform from the headers", async (t) => {
  const root = fresh(t);
  const added = await addImages(root, "s2", [`${FIXTURES}u16_tiled_deflate_pixel.tif`, `${FIXTURES}u16_striped_lzw_band.tif`], { bands: ["red", "green", "nir"] });
  t.same(added.map((i) => i.id), ["u16_tiled_deflate_pixel", "u16_striped_lzw_band"]);
  const p = readProduct(root, "s2")!;
  t.same(p.bands.map((b) => [b.name, b.dtype, b.nodata]), [["red", "uint16", 0], ["green", "uint16", 0], ["nir", "uint16", 0]]);
  t.same(p.bands[0]!.dataRange, [0, 65535]);
  t.same(p.images.map((i) => i.date), ["2023-06-01T10:30:00.000Z", "2023-06-02T10:30:00.000Z"], "dates from TIFF DateTime, sorted");
  const f = p.images[0]!.files[0]!;
  t.same([f.crs, f.width, f.height, f.samples], ["EPSG:32633", 41, 29, 3]);
  t.same(f.transform, [500000, 10, 0, 5100000, 0, -10]);
  t.ok(existsSync(join(root, "s2", f.path)), "the file was copied into the product");
  t.same(listProducts(root), ["s2"]);
});

t.test("per-band files make one image; --date overrides the file's date", async (t) => {
  const root = fresh(t);
  const [img] = await addImages(root, "pb", [`${FIXTURES}u16_red.tif`, `${FIXTURES}u16_nir.tif`], { perBand: true, bands: ["red", "nir"], date: "2024-03-05" });
  t.equal(img!.date, "2024-03-05T00:00:00.000Z");
  t.same(img!.bands, [{ file: 0, sample: 0 }, { file: 1, sample: 0 }]);
  t.same(img!.files.map((f) => f.path), ["u16_red.red.tif", "u16_red.nir.tif"]);
});

t.test("bad files are refused by name and leave the catalog as it was", async (t) => {
  const root = fresh(t);
  await addImages(root, "p", [`${FIXTURES}u16_tiled_deflate_pixel.tif`]);
  const before = snapshot(root);
  const cases: [string[], Parameters<typeof addImages>[3], RegExp][] = [
    [[`${FIXTURES}u16_striped_lzw_band.tif`, `${FIXTURES}not_a_tiff.tif`], {}, /not_a_tiff\.tif: not a GeoTIFF/],
    [[`${FIXTURES}no_georef.tif`], {}, /no_georef\.tif: no usable georeferencing/],
    [[`${FIXTURES}i16_tiled_lzw_pred2.tif`], {}, /i16_tiled_lzw_pred2\.tif: 2 bands, but product p has 3/],
    [[`${FIXTURES}f32_striped_none_pixel.tif`], { bands: ["a", "b", "c"] }, /f32_striped_none_pixel\.tif: 2 bands, but --bands names 3/],
    [[`${FIXTURES}u16_tiled_deflate_pixel.tif`], {}, /image id u16_tiled_deflate_pixel already exists/],
    [[`${FIXTURES}u16_striped_lzw_band.tif`], { date: "yesterday" }, /--date: "yesterday" is not an ISO 8601 date/],
  ];
  for (const [files, o, message] of cases) {
    await t.rejects(addImages(root, "p", files, o), { name: "CatalogError", message }, files.join(" "));
    t.same(snapshot(root), before, "unchanged");
  }
  const dtypeRoot = fresh(t);
  await addImages(dtypeRoot, "q", [`${FIXTURES}u16_red.tif`]);
  await t.rejects(addImages(dtypeRoot, "q", [`${FIXTURES}i16_big_endian.tif`]), /i16_big_endian\.tif: band 1 is int16, but band b1 of product q is uint16/);
  await t.rejects(addImages(fresh(t), "new", [`${FIXTURES}not_a_tiff.tif`]), /not a GeoTIFF/);
});

t.test("a failure while copying removes what was copied", async (t) => {
  const root = fresh(t);
  const work = fresh(t);
  const a = join(work, "a_2023-01-01.tif"), b = join(work, "b_2023-01-02.tif");
  copyFileSync(`${FIXTURES}u16_red.tif`, a);
  copyFileSync(`${FIXTURES}u16_nir.tif`, b);
  await addImages(root, "p", [a]);
  // the second file's target name exists already: nothing of this add may stay
  copyFileSync(`${FIXTURES}u16_nir.tif`, join(root, "p", "b_2023-01-02.tif"));
  const withBlocker = snapshot(root);
  await t.rejects(addImages(root, "p", [a, b], { ids: ["a2", "b_2023-01-02"] }), /already exists in the catalog/);
  t.same(snapshot(root), withBlocker);
  t.equal(readProduct(root, "p")!.images.length, 1);
});

t.test("a synthetic product: dates a month apart, four uint16 bands, clouds as nodata", async (t) => {
  const root = fresh(t);
  const p = await synthProduct(root, "syn", { size: 64, dates: 5, seed: 7 });
  t.same(p.bands.map((b) => b.name), ["blue", "green", "red", "nir"]);
  t.ok(p.bands.every((b) => b.dtype === "uint16" && b.nodata === 0));
  t.equal(p.images.length, 5);
  t.same(p.images.map((i) => i.date.slice(0, 10)), ["2023-01-15", "2023-02-14", "2023-03-16", "2023-04-15", "2023-05-15"]);
  await t.rejects(synthProduct(root, "syn", { size: 8, dates: 1 }), /product syn already exists/);
  t.same(readdirSync(root).filter((n) => n.startsWith(".")), [], "no temporary folders left");
});
