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
import { checkRasterSize, writeGeoTiff, type GeoRasterHeader, type TiffOptions } from "./tiff/write.js";

export interface GeoTiffFormat {
  readonly tiled?: boolean;
  readonly compression?: "LZW" | "DEFLATE" | "JPEG" | "NONE";
  readonly overviews?: boolean;
}

export interface PngFormat {
  readonly scales?: readonly Range[];
  readonly colormap?: string;
}

/** A raster to encode without its pixels: (band, y, x) sizes, names, metadata and grid. */
export interface RasterInfo {
  readonly dtype: DTypeName;
  readonly bands: number;
  readonly height: number;
  readonly width: number;
  readonly bandinfo: readonly BandDescription[] | undefined;
  readonly properties: Properties;
  readonly geocontext: GeoContextInfo;
}

/** One raster to encode: (band, y, x) values and mask, with its description. */
interface Raster extends RasterInfo {
  readonly data: TypedArray;
  readonly mask: Uint8Array | undefined;
}

function infoOf(shape: readonly number[], dtype: DTypeName, geo: GeoContextInfo | undefined, bandinfo: readonly BandDescription[] | undefined, properties: Properties): RasterInfo {
  if (geo === undefined) throw new ProxyTypeError("an array is written as an image only when computed with a GeoContext: compute({geoctx, format})");
  const bhw = shape.length === 2 ? [1, ...shape] : shape;
  if (bhw.length !== 3) throw new ProxyTypeError(`an image format takes a 2-d (y, x) or 3-d (band, y, x) array, got shape (${shape.join(", ")})`);
  const [bands, height, width] = bhw as [number, number, number];
  if (height !== geo.shape[0] || width !== geo.shape[1]) {
    throw new ProxyTypeError(`the array's (y, x) size (${height}, ${width}) differs from the GeoContext's (${geo.shape[0]}, ${geo.shape[1]})`);
  }
  return { dtype, bands, height, width, bandinfo, properties, geocontext: geo };
}

/** What a format writes of a result: its array (an image of a one-image collection: `lead` 1 axis dropped) and description. */
interface Subject {
  readonly array: NDArray | MaskedNDArray;
  readonly lead: number;
  readonly geo: GeoContextInfo | undefined;
  readonly bandinfo: readonly BandDescription[] | undefined;
  readonly properties: Properties;
}

function subjectOf(value: unknown, geo: GeoContextInfo | undefined, what: string): Subject {
  if (value instanceof ImageResult) return { array: value.ndarray, lead: 0, geo: value.geocontext ?? undefined, bandinfo: Object.values(value.bandinfo), properties: value.properties };
  if (value instanceof ImageCollectionResult) {
    const n = value.ndarray.shape[0];
    if (n !== 1) throw new ProxyTypeError(`format "${what}" writes one image; this collection has ${n}: reduce it over "images" or pick one`);
    return { array: value.ndarray, lead: 1, geo: value.geocontext ?? undefined, bandinfo: Object.values(value.bandinfo), properties: value.properties[0] ?? {} };
  }
  if (value instanceof NDArray || value instanceof MaskedNDArray) return { array: value, lead: 0, geo, bandinfo: undefined, properties: {} };
  throw new ProxyTypeError(`format "${what}" takes imagery results and arrays, not ${value === null ? "null" : typeof value}`);
}

function rasterOf(value: unknown, geo: GeoContextInfo | undefined, what: string): Raster {
  const s = subjectOf(value, geo, what);
  const a = s.array;
  const mask = a instanceof MaskedNDArray ? a.mask : undefined;
  return { ...infoOf(a.shape.slice(s.lead), a.dtype, s.geo, s.bandinfo, s.properties), data: a.data, mask };
}

/** The nodata value written for masked pixels: NaN for floats; for integers the bands' own when they agree, else the dtype's extreme. */
function nodataFor(r: RasterInfo, dtype: DTypeName): number {
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

function anyNonZero(m: Uint8Array): boolean {
  for (let i = 0; i < m.length; i++) if (m[i] !== 0) return true;
  return false;
}

/** The GeoTIFF of a raster, up to its pixels: the directory's content given whether any pixel is masked, and the writer's options. */
export interface GeoTiffPlan {
  readonly info: RasterInfo;
  readonly options: TiffOptions;
  /** Whether the nodata tag (and so the fill of masked pixels and tile padding) depends on a pixel being masked. */
  readonly nodataIfMasked: boolean;
  header(anyMasked: boolean): GeoRasterHeader;
}

function planOf(r: RasterInfo, spec: GeoTiffFormat): GeoTiffPlan {
  if (spec.overviews === true) throw new ProxyTypeError(`format "geotiff": overviews are not supported yet`);
  if (spec.compression === "JPEG") throw new ProxyTypeError(`format "geotiff": JPEG compression is not supported; use "DEFLATE", "LZW" or "NONE"`);
  const dtype: DTypeName = r.dtype === "bool" ? "uint8" : r.dtype;
  const ownNodata = r.bandinfo?.some((b) => b.nodata !== null) === true;
  const datetime = tiffDateOf(r.properties);
  const header = (anyMasked: boolean): GeoRasterHeader => ({
    width: r.width, height: r.height, bands: r.bands, dtype,
    nodata: anyMasked || ownNodata ? nodataFor(r, dtype) : null,
    transform: r.geocontext.transform, crs: epsgCrsOf(parseCrs(r.geocontext.crs)),
    bandNames: r.bandinfo?.map((b) => b.name) ?? Array.from({ length: r.bands }, (_, i) => `band_${i + 1}`),
    metadata: metadataOf(r.properties),
    ...(datetime === undefined ? {} : { datetime }),
  });
  return { info: r, options: { tiled: spec.tiled ?? true, compression: (spec.compression ?? "DEFLATE") as Compression }, nodataIfMasked: !ownNodata, header };
}

/** GeoTIFF bytes; the blocks are compressed on libuv's thread pool, on every core at once. */
export function encodeGeoTiff(value: unknown, spec: GeoTiffFormat, geo?: GeoContextInfo): Promise<Uint8Array> {
  const r = rasterOf(value, geo, "geotiff");
  const p = planOf(r, spec);
  const anyMasked = r.mask !== undefined && anyNonZero(r.mask);
  return writeGeoTiff({ ...p.header(anyMasked), data: r.data, ...(anyMasked ? { mask: r.mask } : {}) }, p.options);
}

/**
 * The plan of a result written while it is computed: `standIn` is the result with the same leading
 * axes and no pixels (y and x of size 0: a view only attaches descriptions), `shape` the real one.
 * Refuses what `encodeGeoTiff` would refuse, before anything runs.
 */
export function planStreamedGeoTiff(standIn: unknown, shape: readonly number[], spec: GeoTiffFormat, geo?: GeoContextInfo): GeoTiffPlan {
  const s = subjectOf(standIn, geo, "geotiff");
  const p = planOf(infoOf(shape.slice(s.lead), s.array.dtype, s.geo, s.bandinfo, s.properties), spec);
  checkRasterSize(p.info);
  return p;
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
