import t from "tap";
import { fromArrayBuffer } from "geotiff";
import type { DTypeName, TypedArray } from "../../src/core/dtype.js";
import { inspectGeoTiff } from "../../src/imagery/catalog/header.js";
import { writeGeoTiff, type GeoRaster, type TiffOptions } from "../../src/imagery/tiff/write.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function raster(dtype: DTypeName, data: TypedArray, bands: number, width: number, height: number, extra: Partial<GeoRaster> = {}): GeoRaster {
  return {
    width, height, bands, dtype, data, nodata: null,
    transform: [399960, 20, 0, 5200020, 0, -20], crs: { epsg: 32633, geographic: false }, ...extra,
  };
}

async function readBack(bytes: Uint8Array): Promise<{ values: number[][]; image: Awaited<ReturnType<Awaited<ReturnType<typeof fromArrayBuffer>>["getImage"]>> }> {
  const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const image = await tiff.getImage(0);
  const r = await image.readRasters({ interleave: false });
  return { values: Array.from(r as ArrayLike<ArrayLike<number>>, (a) => Array.from(a)), image };
}

t.test("round trip through geotiff.js: values, masked pixels as nodata, georeferencing", async (t) => {
  const width = 70, height = 45, bands = 3;
  const data = new Uint16Array(width * height * bands).map((_, i) => (i * 7919) % 60000);
  const mask = new Uint8Array(data.length).map((_, i) => (i % 13 === 0 ? 1 : 0));
  const layouts: TiffOptions[] = [
    { compression: "DEFLATE" }, { compression: "LZW" }, { compression: "NONE" },
    { tiled: false, compression: "DEFLATE", rowsPerStrip: 8 }, { tiled: false, compression: "LZW", rowsPerStrip: 1 }, { tileSize: 16 },
  ];
  for (const o of layouts) {
    const bytes = await writeGeoTiff(raster("uint16", data, bands, width, height, { mask, nodata: 65535, bandNames: ["blue", "red", "nir"] }), o);
    const { values, image } = await readBack(bytes);
    let bad = 0;
    for (let b = 0; b < bands; b++) {
      for (let p = 0; p < width * height; p++) {
        const i = b * width * height + p;
        if (values[b]![p] !== (mask[i] ? 65535 : data[i])) bad++;
      }
    }
    t.equal(bad, 0, `values of ${JSON.stringify(o)}`);
    t.same(image.getOrigin(), [399960, 5200020, 0]);
    t.same(image.getResolution(), [20, -20, 0]);
    t.equal(image.getTileWidth(), o.tiled === false ? width : (o.tileSize ?? 256));
  }
});

t.test("the header reader sees what the writer wrote", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tesserae-tiff-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const cases: [DTypeName, TypedArray, number | null][] = [
    ["float32", new Float32Array(20 * 10).map((_, i) => i / 3), NaN],
    ["int16", new Int16Array(20 * 10).map((_, i) => i - 100), -32768],
    ["uint8", new Uint8Array(20 * 10).map((_, i) => i), null],
    ["float64", new Float64Array(20 * 10).map((_, i) => -i), -9999],
  ];
  for (const [dtype, data, nodata] of cases) {
    const path = join(dir, `${dtype}.tif`);
    writeFileSync(path, await writeGeoTiff(raster(dtype, data, 1, 20, 10, {
      nodata, crs: { epsg: 4326, geographic: true }, transform: [10, 0.5, 0, 50, 0, -0.25], datetime: "2024:02:29 12:00:00", metadata: { product: "x & y" },
    })));
    const h = await inspectGeoTiff(path);
    t.same(h.dtypes, [dtype], dtype);
    t.same(h.nodata, nodata, `${dtype} nodata`);
    t.equal(h.crs, "EPSG:4326");
    t.same(h.transform, [10, 0.5, 0, 50, 0, -0.25]);
    t.equal(h.datetime, "2024-02-29T12:00:00.000Z");
    t.same(h.metadata, { product: "x & y" });
    const { values } = await readBack(await writeGeoTiff(raster(dtype, data, 1, 20, 10)));
    t.same(values[0], Array.from(data as ArrayLike<number>), `${dtype} values`);
  }
});

t.test("LZW over incompressible data resets its code table and still decodes", async (t) => {
  let s = 12345;
  const data = new Uint16Array(300 * 200).map(() => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16));
  const { values } = await readBack(await writeGeoTiff(raster("uint16", data, 1, 300, 200), { compression: "LZW", tiled: false, rowsPerStrip: 200 }));
  t.same(values[0], Array.from(data));
});

t.test("bad rasters are refused", async (t) => {
  await t.rejects(writeGeoTiff(raster("uint8", new Uint8Array(5), 1, 2, 2)), /holds 5 values, expected 4/);
  await t.rejects(writeGeoTiff(raster("uint8", new Uint8Array(0), 1, 0, 0)), /at least one pixel/);
});
