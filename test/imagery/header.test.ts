import t from "tap";
import { inspectGeoTiff } from "../../src/imagery/catalog/header.js";
import { expected, FIXTURES, nodataOf } from "./support.js";

t.test("headers of GDAL's files: size, dtype, nodata, CRS, geotransform, band names, date", async (t) => {
  for (const f of expected.files) {
    const h = await inspectGeoTiff(FIXTURES + f.file);
    t.same([h.samples, h.height, h.width], f.shape, f.file);
    t.same(h.dtypes, new Array(f.shape[0]).fill(f.dtype));
    t.same(h.nodata, nodataOf(f));
    t.equal(h.crs, f.crs);
    t.same(h.transform, f.transform);
    t.same(h.bandNames, f.descriptions);
    t.match(h.datetime, /^2023-06-\d\dT10:30:00\.000Z$/);
  }
});

t.test("files tesserae cannot use are refused, naming the file", async (t) => {
  await t.rejects(inspectGeoTiff(`${FIXTURES}no_georef.tif`), { name: "CatalogError", message: /no_georef\.tif: no usable georeferencing/ });
  await t.rejects(inspectGeoTiff(`${FIXTURES}not_a_tiff.tif`), { name: "CatalogError", message: /not_a_tiff\.tif: not a GeoTIFF/ });
  await t.rejects(inspectGeoTiff(`${FIXTURES}missing.tif`), { name: "CatalogError", message: /missing\.tif: cannot open/ });
  await t.rejects(inspectGeoTiff(`${FIXTURES}u8_jpeg.tif`), { name: "CatalogError", message: /u8_jpeg\.tif: JPEG compression is not supported/ });
});
