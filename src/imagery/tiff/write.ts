/**
 * A GeoTIFF writer: tiled (or striped), deflate / LZW / uncompressed, one plane per band, nodata for
 * masked pixels, EPSG georeferencing, GDAL metadata (band descriptions, dataset items). The
 * directory comes first and the blocks after it; BigTIFF when the file passes 4 GiB.
 */
import { DTYPES, type DTypeName, type TypedArray } from "../../core/dtype.js";
import { blockGrid, cutBlock, type BlockGrid, type RasterPlanes } from "./blocks.js";
import { COMPRESSION_CODE, compressBlock, type Compression } from "./compress.js";
import { geoKeyDirectory, GEO, transformTags, type EpsgCrs, type GeoTransform } from "./geokeys.js";
import { headerBytes, ifdBytes, writeHeader, writeIfd, type Field } from "./ifd.js";
import { TAG } from "./tags.js";

/** Everything a GeoTIFF's directory says: a raster without its pixels. */
export interface GeoRasterHeader {
  readonly width: number;
  readonly height: number;
  readonly bands: number;
  readonly dtype: DTypeName;
  /** Written to masked pixels and declared as GDAL_NODATA; `null` declares none. */
  readonly nodata: number | null;
  readonly transform: GeoTransform;
  readonly crs: EpsgCrs;
  readonly bandNames?: readonly string[];
  /** Dataset metadata items (GDAL_METADATA). */
  readonly metadata?: Readonly<Record<string, string>>;
  /** TIFF DateTime, "YYYY:MM:DD HH:MM:SS". */
  readonly datetime?: string;
}

export interface GeoRaster extends GeoRasterHeader {
  /** (band, y, x) in C order; bool data is written as uint8. */
  readonly data: TypedArray;
  /** 1 = masked, same layout as `data`. */
  readonly mask?: Uint8Array;
}

export interface TiffOptions {
  tiled?: boolean;
  tileSize?: number;
  rowsPerStrip?: number;
  compression?: Compression;
  /** zlib level for deflate. */
  level?: number;
}

const SAMPLE_FORMAT: Readonly<Record<"u" | "i" | "f" | "b", number>> = { u: 1, b: 1, i: 2, f: 3 };
const FOUR_GIB = 2 ** 32;

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function gdalMetadataXml(bandNames: readonly string[] | undefined, items: Readonly<Record<string, string>> | undefined): string | undefined {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(items ?? {})) lines.push(`  <Item name="${escapeXml(k)}">${escapeXml(v)}</Item>`);
  (bandNames ?? []).forEach((n, i) => lines.push(`  <Item name="DESCRIPTION" sample="${i}" role="description">${escapeXml(n)}</Item>`));
  return lines.length === 0 ? undefined : `<GDALMetadata>\n${lines.join("\n")}\n</GDALMetadata>\n`;
}

/** GDAL's spelling of a nodata value. */
export function nodataText(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  return String(v);
}

/** What masked pixels and tile padding hold: the nodata value in the raster's own type, if any. */
export function fillOf(r: Pick<GeoRasterHeader, "dtype" | "nodata">): number | bigint | undefined {
  if (r.nodata === null) return undefined;
  return DTYPES[r.dtype].big ? BigInt(r.nodata) : r.nodata;
}

function fields(r: GeoRasterHeader, g: BlockGrid, o: Required<TiffOptions>, offsets: readonly number[], counts: readonly number[], big: boolean): Field[] {
  const info = DTYPES[r.dtype];
  const bits = info.bytes * 8;
  const per = (v: number): number[] => new Array<number>(r.bands).fill(v);
  const offsetType = big ? "LONG8" : "LONG";
  const f: Field[] = [
    { tag: TAG.ImageWidth, type: "LONG", values: [r.width] },
    { tag: TAG.ImageLength, type: "LONG", values: [r.height] },
    { tag: TAG.BitsPerSample, type: "SHORT", values: per(bits) },
    { tag: TAG.Compression, type: "SHORT", values: [COMPRESSION_CODE[o.compression]] },
    { tag: TAG.Photometric, type: "SHORT", values: [1] },
    { tag: TAG.SamplesPerPixel, type: "SHORT", values: [r.bands] },
    { tag: TAG.PlanarConfiguration, type: "SHORT", values: [2] },
    { tag: TAG.SampleFormat, type: "SHORT", values: per(SAMPLE_FORMAT[info.kind]) },
    { tag: GEO.GeoKeyDirectory, type: "SHORT", values: geoKeyDirectory(r.crs) },
    ...transformTags(r.transform).map((t): Field => ({ tag: t.tag, type: "DOUBLE", values: t.values })),
  ];
  if (r.bands > 1) f.push({ tag: TAG.ExtraSamples, type: "SHORT", values: new Array<number>(r.bands - 1).fill(0) });
  if (g.tiled) {
    f.push(
      { tag: TAG.TileWidth, type: "LONG", values: [g.blockWidth] },
      { tag: TAG.TileLength, type: "LONG", values: [g.blockHeight] },
      { tag: TAG.TileOffsets, type: offsetType, values: offsets },
      { tag: TAG.TileByteCounts, type: offsetType, values: counts },
    );
  } else {
    f.push(
      { tag: TAG.RowsPerStrip, type: "LONG", values: [g.blockHeight] },
      { tag: TAG.StripOffsets, type: offsetType, values: offsets },
      { tag: TAG.StripByteCounts, type: offsetType, values: counts },
    );
  }
  if (r.nodata !== null) f.push({ tag: TAG.GdalNodata, type: "ASCII", values: nodataText(r.nodata) });
  const xml = gdalMetadataXml(r.bandNames, r.metadata);
  if (xml !== undefined) f.push({ tag: TAG.GdalMetadata, type: "ASCII", values: xml });
  if (r.datetime !== undefined) f.push({ tag: TAG.DateTime, type: "ASCII", values: r.datetime });
  f.push({ tag: TAG.Software, type: "ASCII", values: "tesserae" });
  return f;
}

export function checkRasterSize(r: Pick<GeoRasterHeader, "width" | "height" | "bands">): void {
  if (!(r.width > 0 && r.height > 0 && r.bands > 0)) throw new RangeError(`a GeoTIFF needs at least one pixel and one band, got ${r.bands}×${r.height}×${r.width}`);
}

function checkRaster(r: GeoRaster): void {
  const n = r.width * r.height * r.bands;
  checkRasterSize(r);
  if (r.data.length !== n) throw new RangeError(`raster data holds ${r.data.length} values, expected ${n}`);
  if (r.mask !== undefined && r.mask.length !== n) throw new RangeError(`raster mask holds ${r.mask.length} values, expected ${n}`);
}

/** The block grid and the options in force; blocks are stored band by band, each band row by row. */
export interface TiffLayout {
  readonly g: BlockGrid;
  readonly o: Required<TiffOptions>;
}

export function tiffLayout(width: number, height: number, opts: TiffOptions): TiffLayout {
  const o: Required<TiffOptions> = { tiled: true, tileSize: 256, rowsPerStrip: 16, compression: "DEFLATE", level: 6, ...opts };
  return { g: blockGrid(width, height, o.tiled, o.tileSize, o.rowsPerStrip), o };
}

/** Compress one cut block (its bytes as stored) the way this writer does: deflate on libuv's pool. */
export function compressTiffBlock(block: TypedArray, l: TiffLayout, dtype: DTypeName): Promise<Uint8Array> {
  return compressBlock(new Uint8Array(block.buffer, block.byteOffset, block.byteLength), l.o.compression, l.o.level, DTYPES[dtype].kind === "f");
}

type Prepared = TiffLayout & { readonly raw: TypedArray[] };

function prepare(r: GeoRaster, opts: TiffOptions): Prepared {
  checkRaster(r);
  const { g, o } = tiffLayout(r.width, r.height, opts);
  const fill = fillOf(r);
  const planes: RasterPlanes = { width: r.width, height: r.height, data: r.data, ...(r.mask === undefined ? {} : { mask: r.mask }), ...(fill === undefined ? {} : { fill }) };
  const raw: TypedArray[] = [];
  for (let b = 0; b < r.bands; b++) {
    for (let row = 0; row < g.down; row++) {
      for (let col = 0; col < g.across; col++) raw.push(cutBlock(planes, g, b, row, col));
    }
  }
  return { g, o, raw };
}

/**
 * The file in pieces: header and directory (offsets and byte counts of `blocks`, compressed, in
 * storage order), then the blocks themselves, not copied.
 */
export function geoTiffPieces(r: GeoRasterHeader, p: TiffLayout, blocks: readonly Uint8Array[]): Uint8Array[] {
  const { g, o } = p;
  const dataBytes = blocks.reduce((s, b) => s + b.length, 0);
  const zeros = new Array<number>(blocks.length).fill(0);
  let big = false;
  let ifdSize = ifdBytes(fields(r, g, o, zeros, zeros, big), { big });
  if (headerBytes({ big }) + ifdSize + dataBytes >= FOUR_GIB) {
    big = true;
    ifdSize = ifdBytes(fields(r, g, o, zeros, zeros, big), { big });
  }
  const start = headerBytes({ big }) + ifdSize;
  const offsets: number[] = [];
  let at = start;
  for (const b of blocks) {
    offsets.push(at);
    at += b.length;
  }
  const head = new Uint8Array(start);
  const view = new DataView(head.buffer);
  writeHeader(view, headerBytes({ big }), { big });
  writeIfd(view, headerBytes({ big }), fields(r, g, o, offsets, blocks.map((b) => b.length), big), 0, { big });
  return [head, ...blocks];
}

/** Pieces joined into one array. */
export function joinPieces(pieces: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((s, b) => s + b.length, 0));
  let at = 0;
  for (const b of pieces) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** The whole file in one array. */
export function assembleGeoTiff(r: GeoRasterHeader, p: TiffLayout, blocks: readonly Uint8Array[]): Uint8Array {
  return joinPieces(geoTiffPieces(r, p, blocks));
}

/** Encode a raster as GeoTIFF bytes, compressing blocks on libuv's thread pool. */
export async function writeGeoTiff(r: GeoRaster, opts: TiffOptions = {}): Promise<Uint8Array> {
  const p = prepare(r, opts);
  return assembleGeoTiff(r, p, await Promise.all(p.raw.map((b) => compressTiffBlock(b, p, r.dtype))));
}
