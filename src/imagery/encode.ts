/**
 * The imagery formats: `geotiff` and `png` for Image and ImageCollection results, and for 2-d
 * (y, x) or 3-d (band, y, x) arrays computed with a GeoContext.
 */
import { DTYPES, type DTypeName, type TypedArray } from "../core/dtype.js";
import { ProxyTypeError } from "../core/errors.js";
import { MaskedNDArray, NDArray } from "../core/ndarray.js";
import { epsgCrsOf, parseCrs } from "./crs.js";
import { isColormapName, type ColormapName } from "./png/colormap.js";
import { quicklookPng, type Range } from "./png/quicklook.js";
import { ImageCollectionResult, ImageResult, type BandDescription, type GeoContextInfo, type Properties } from "./results.js";
import type { Compression } from "./tiff/compress.js";
import { writeGeoTiff } from "./tiff/write.js";

export interface GeoTiffFormat {
  readonly tiled?: boolean;
  readonly compression?: "LZW" | "DEFLATE" | "JPEG" | "NONE";
  readonly overviews?: boolean;
}

export interface PngFormat {
  readonly scales?: readonly Range[];
  readonly colormap?: string;
}

/** One raster to encode: (band, y, x) values, mask, names, metadata and grid. */
interface Raster {
  readonly data: TypedArray;
  readonly mask: Uint8Array | undefined;
  readonly dtype: DTypeName;
  readonly bands: number;
  readonly height: number;
  readonly width: number;
  readonly bandinfo: readonly BandDescription[] | undefined;
  readonly properties: Properties;
  readonly geocontext: GeoContextInfo;
}

function fromArray(a: NDArray | MaskedNDArray, geo: GeoContextInfo | undefined, bandinfo: readonly BandDescription[] | undefined, properties: Properties): Raster {
  if (geo === undefined) throw new ProxyTypeError("an array is written as an image only when computed with a GeoContext: compute({geoctx, format})");
  const shape = a.shape.length === 2 ? [1, ...a.shape] : a.shape;
  if (shape.length !== 3) throw new ProxyTypeError(`an image format takes a 2-d (y, x) or 3-d (band, y, x) array, got shape (${a.shape.join(", ")})`);
  const [bands, height, width] = shape as [number, number, number];
  if (height !== geo.shape[0] || width !== geo.shape[1]) {
    throw new ProxyTypeError(`the array's (y, x) size (${height}, ${width}) differs from the GeoContext's (${geo.shape[0]}, ${geo.shape[1]})`);
  }
  const mask = a instanceof MaskedNDArray ? a.mask : undefined;
  return { data: a.data, mask, dtype: a.dtype, bands, height, width, bandinfo, properties, geocontext: geo };
}

function rasterOf(value: unknown, geo: GeoContextInfo | undefined, what: string): Raster {
  if (value instanceof ImageResult) return fromArray(value.ndarray, value.geocontext ?? undefined, Object.values(value.bandinfo), value.properties);
  if (value instanceof ImageCollectionResult) {
    const [n, ...rest] = value.ndarray.shape;
    if (n !== 1) throw new ProxyTypeError(`format "${what}" writes one image; this collection has ${n}: reduce it over "images" or pick one`);
    const a = new MaskedNDArray(value.ndarray.data, value.ndarray.mask, rest, value.ndarray.dtype);
    return fromArray(a, value.geocontext ?? undefined, Object.values(value.bandinfo), value.properties[0] ?? {});
  }
  if (value instanceof NDArray || value instanceof MaskedNDArray) return fromArray(value, geo, undefined, {});
  throw new ProxyTypeError(`format "${what}" takes imagery results and arrays, not ${value === null ? "null" : typeof value}`);
}

/** The nodata value written for masked pixels: NaN for floats; for integers the bands' own when they agree, else the dtype's extreme. */
function nodataFor(r: Raster, dtype: DTypeName): number {
  const info = DTYPES[dtype];
  if (info.kind === "f") return NaN;
  const own = r.bandinfo?.map((b) => b.nodata) ?? [];
  const first = own[0];
  if (first !== undefined && first !== null && own.every((v) => Object.is(v, first)) && Number.isInteger(first) && first >= Number(info.min) && first <= Number(info.max)) return first;
  return info.kind === "i" ? Number(info.min) : Number(info.max);
}

function metadataOf(p: Properties): Record<string, string> {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

function tiffDateOf(p: Properties): string | undefined {
  const d = p["date"];
  if (typeof d !== "string" || Number.isNaN(Date.parse(d))) return undefined;
  return new Date(d).toISOString().slice(0, 19).replace(/-/g, ":").replace("T", " ");
}

/** GeoTIFF bytes; the blocks are compressed on libuv's thread pool, on every core at once. */
function anyNonZero(m: Uint8Array): boolean {
  for (let i = 0; i < m.length; i++) if (m[i] !== 0) return true;
  return false;
}

export function encodeGeoTiff(value: unknown, spec: GeoTiffFormat, geo?: GeoContextInfo): Promise<Uint8Array> {
  const r = rasterOf(value, geo, "geotiff");
  if (spec.overviews === true) throw new ProxyTypeError(`format "geotiff": overviews are not supported yet`);
  if (spec.compression === "JPEG") throw new ProxyTypeError(`format "geotiff": JPEG compression is not supported; use "DEFLATE", "LZW" or "NONE"`);
  const dtype: DTypeName = r.dtype === "bool" ? "uint8" : r.dtype;
  const anyMasked = r.mask !== undefined && anyNonZero(r.mask);
  const datetime = tiffDateOf(r.properties);
  return writeGeoTiff(
    {
      width: r.width, height: r.height, bands: r.bands, dtype, data: r.data,
      ...(anyMasked ? { mask: r.mask } : {}),
      nodata: anyMasked || r.bandinfo?.some((b) => b.nodata !== null) ? nodataFor(r, dtype) : null,
      transform: r.geocontext.transform, crs: epsgCrsOf(parseCrs(r.geocontext.crs)),
      bandNames: r.bandinfo?.map((b) => b.name) ?? Array.from({ length: r.bands }, (_, i) => `band_${i + 1}`),
      metadata: metadataOf(r.properties),
      ...(datetime === undefined ? {} : { datetime }),
    },
    { tiled: spec.tiled ?? true, compression: (spec.compression ?? "DEFLATE") as Compression },
  );
}

export function encodePng(value: unknown, spec: PngFormat, geo?: GeoContextInfo): Uint8Array {
  const r = rasterOf(value, geo, "png");
  if (r.bands > 3) throw new ProxyTypeError(`format "png" shows 1 to 3 bands, got ${r.bands}: pick bands first`);
  if (spec.colormap !== undefined && !isColormapName(spec.colormap)) throw new ProxyTypeError(`format "png": unknown colormap ${JSON.stringify(spec.colormap)}`);
  if (spec.colormap !== undefined && r.bands !== 1) throw new ProxyTypeError(`format "png": a colormap applies to one band, got ${r.bands}`);
  // without scales each band stretches from its 2nd to its 98th percentile
  return quicklookPng(
    { width: r.width, height: r.height, bands: r.bands, data: r.data, ...(r.mask === undefined ? {} : { mask: r.mask }) },
    { ...(spec.scales === undefined ? {} : { scales: spec.scales }), ...(spec.colormap === undefined ? {} : { colormap: spec.colormap as ColormapName }) },
  );
}
