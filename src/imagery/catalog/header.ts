/**
 * What a GeoTIFF says about itself (size, bands, dtype, nodata, CRS, geotransform, band names,
 * date), read with geotiff.js from the header alone. Anything tesserae cannot use is refused with
 * a CatalogError naming the file.
 */
import { fromFile, type GeoTIFFImage } from "geotiff";
import type { DTypeName } from "../../core/dtype.js";
import { unsupportedCompression } from "../../../workers/readers/geotiff/compression.js";
import { crsOfKeys, transformOfTags, type GeoTags, type GeoTransform } from "../tiff/geokeys.js";
import { CatalogError } from "./types.js";

export interface FileHeader {
  readonly path: string;
  readonly width: number;
  readonly height: number;
  readonly samples: number;
  /** Per sample. */
  readonly dtypes: readonly DTypeName[];
  readonly nodata: number | null;
  readonly crs: string;
  readonly transform: GeoTransform;
  /** Per sample: GDAL band descriptions, when present. */
  readonly bandNames: readonly (string | undefined)[];
  /** TIFF DateTime as ISO 8601 (UTC), when present. */
  readonly datetime: string | undefined;
  /** Dataset metadata items (GDAL_METADATA). */
  readonly metadata: Readonly<Record<string, string>>;
}

const DTYPE_OF: Readonly<Record<string, DTypeName>> = {
  "1:8": "uint8", "1:16": "uint16", "1:32": "uint32", "1:64": "uint64",
  "2:8": "int8", "2:16": "int16", "2:32": "int32", "2:64": "int64",
  "3:32": "float32", "3:64": "float64",
};

const list = (v: unknown): number[] | undefined => (v === undefined || v === null ? undefined : typeof v === "number" ? [v] : Array.from(v as ArrayLike<number>, Number));

export function parseNodata(text: unknown): number | null {
  if (typeof text !== "string") return null;
  const s = text.replace(/\0+$/, "").trim().toLowerCase();
  if (s === "") return null;
  if (s === "nan" || s === "-nan") return NaN;
  if (s === "inf" || s === "+inf") return Infinity;
  if (s === "-inf") return -Infinity;
  const n = Number(s);
  return Number.isNaN(n) ? null : n;
}

const unescapeXml = (s: string): string => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");

/** "YYYY:MM:DD HH:MM:SS" → ISO 8601 UTC. */
function tiffDate(v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  const m = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(v.trim());
  if (m === null) return undefined;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

async function geoTags(image: GeoTIFFImage): Promise<GeoTags> {
  const fd = image.fileDirectory;
  const dir = list(await fd.loadValue("GeoKeyDirectory"));
  const keys = new Map<number, number>();
  if (dir !== undefined) {
    for (let k = 4; k + 3 < dir.length && k < 4 + 4 * dir[3]!; k += 4) {
      if (dir[k + 1] === 0) keys.set(dir[k]!, dir[k + 3]!);
    }
  }
  const pixelScale = list(await fd.loadValue("ModelPixelScale"));
  const tiepoint = list(await fd.loadValue("ModelTiepoint"));
  const transformation = list(await fd.loadValue("ModelTransformation"));
  return { geoKeys: keys, ...(pixelScale ? { pixelScale } : {}), ...(tiepoint ? { tiepoint } : {}), ...(transformation ? { transformation } : {}) };
}

async function readHeader(path: string, image: GeoTIFFImage): Promise<FileHeader> {
  const fd = image.fileDirectory;
  const samples = image.getSamplesPerPixel();
  const refused = unsupportedCompression(Number((await fd.loadValue("Compression")) ?? 1));
  if (refused !== undefined) throw new CatalogError(`${path}: ${refused}`);
  const bits = list(await fd.loadValue("BitsPerSample")) ?? [1];
  const formats = list(await fd.loadValue("SampleFormat")) ?? [1];
  const dtypes = Array.from({ length: samples }, (_, i) => {
    const key = `${formats[i] ?? formats[0]}:${bits[i] ?? bits[0]}`;
    const d = DTYPE_OF[key];
    if (d === undefined) throw new CatalogError(`${path}: unsupported sample type (format ${key.replace(":", ", ")} bits) in band ${i + 1}`);
    return d;
  });
  const tags = await geoTags(image);
  const crs = crsOfKeys(tags.geoKeys);
  if (typeof crs === "string") throw new CatalogError(`${path}: no usable georeferencing: ${crs}`);
  const transform = transformOfTags(tags);
  if (typeof transform === "string") throw new CatalogError(`${path}: no usable georeferencing: ${transform}`);
  const bandNames: (string | undefined)[] = [];
  for (let i = 0; i < samples; i++) {
    const d = (await image.getGDALMetadata(i))?.["DESCRIPTION"];
    bandNames.push(typeof d === "string" && d !== "" ? unescapeXml(d) : undefined);
  }
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries((await image.getGDALMetadata(null)) ?? {})) if (typeof v === "string") metadata[k] = unescapeXml(v);
  return {
    path, width: image.getWidth(), height: image.getHeight(), samples, dtypes,
    nodata: parseNodata(await fd.loadValue("GDAL_NODATA")), crs: `EPSG:${crs.epsg}`, transform,
    bandNames, datetime: tiffDate(await fd.loadValue("DateTime")), metadata,
  };
}

export async function inspectGeoTiff(path: string): Promise<FileHeader> {
  let tiff;
  try {
    tiff = await fromFile(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new CatalogError(err.code !== undefined ? `${path}: cannot open: ${err.message}` : `${path}: not a GeoTIFF (${err.message})`);
  }
  try {
    let image: GeoTIFFImage;
    try {
      image = await tiff.getImage(0);
    } catch (e) {
      throw new CatalogError(`${path}: not a GeoTIFF (${(e as Error).message})`);
    }
    return await readHeader(path, image);
  } finally {
    await tiff.close();
  }
}
