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
