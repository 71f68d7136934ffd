import t from "tap";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeGeoTiff } from "../../src/imagery/tiff/write.js";

// CI has no GDAL: this check runs where gdal-bin is installed (it is how the writer was validated).
const GDALINFO = "/usr/bin/gdalinfo";

t.test("GDAL reads tesserae's GeoTIFFs with the same CRS, transform, nodata and band names", { skip: existsSync(GDALINFO) ? false : "gdalinfo is not installed" }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tesserae-gdal-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const cases = [
    { epsg: 32633, geographic: false, transform: [500000, 10, 0, 5100000, 0, -10] as const, nodata: 0, compression: "DEFLATE" as const },
    { epsg: 4326, geographic: true, transform: [15, 0.0001, 0, 46.05, 0, -0.0001] as const, nodata: 65535, compression: "LZW" as const },
  ];
  for (const c of cases) {
    const path = join(dir, `${c.epsg}.tif`);
    const data = new Uint16Array(2 * 40 * 30).map((_, i) => i % 500);
    writeFileSync(path, await writeGeoTiff({ width: 40, height: 30, bands: 2, dtype: "uint16", data, nodata: c.nodata, transform: c.transform, crs: c, bandNames: ["red", "nir"] }, { compression: c.compression, tileSize: 16 }));
    const info = JSON.parse(execFileSync(GDALINFO, ["-json", path], { encoding: "utf8" })) as {
      geoTransform: number[]; coordinateSystem: { wkt: string }; bands: { noDataValue: number; description: string; block: number[] }[];
    };
    t.same(info.geoTransform, c.transform, `EPSG:${c.epsg} transform`);
    t.match(info.coordinateSystem.wkt, new RegExp(`ID\\["EPSG",${c.epsg}\\]\\]$`));
    t.same(info.bands.map((b) => [b.noDataValue, b.description, b.block]), [[c.nodata, "red", [16, 16]], [c.nodata, "nir", [16, 16]]]);
  }
});

t.test("GDAL decodes tesserae's float32 deflate blocks (run-length strategy) to the values written, masked pixels NaN", { skip: existsSync(GDALINFO) ? false : "gdalinfo is not installed" }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tesserae-gdal-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "f32.tif");
  const width = 37, height = 21;
  const data = new Float32Array(width * height).map((_, i) => (i % 7 === 0 ? 0.25 : Math.sin(i) * 0.9));
  const mask = new Uint8Array(width * height).map((_, i) => (i % 11 === 3 ? 1 : 0));
  writeFileSync(path, await writeGeoTiff({ width, height, bands: 1, dtype: "float32", data, mask, nodata: NaN, transform: [500000, 10, 0, 5100000, 0, -10], crs: { epsg: 32633, geographic: false } }, { tileSize: 16 }));
  const xyz = execFileSync("/usr/bin/gdal_translate", ["-q", "-of", "XYZ", path, "/vsistdout/"], { encoding: "utf8" }).trim().split("\n");
  t.equal(xyz.length, width * height);
  let bad = 0;
  xyz.forEach((line, i) => {
    const v = Number(line.split(/\s+/)[2]);
    if (mask[i] === 1 ? !Number.isNaN(v) : Math.abs(v - data[i]!) > 1e-6) bad++;
  });
  t.equal(bad, 0, "every pixel as written");
});
