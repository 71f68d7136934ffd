/**
 * Open GeoTIFFs in a worker: parsed directories, block offsets, a file descriptor and decoders kept
 * for the files read recently, so the many chunk tasks over one file parse its header once. Keyed
 * by path, size and mtime.
 */
import { closeSync, openSync, statSync } from "node:fs";
import { fromFile, getDecoder, type BaseDecoder, type GeoTIFF, type GeoTIFFImage } from "geotiff";
import { unsupportedCompression } from "./compression.js";
import { useZlibInflate } from "./inflate.js";

export interface OpenRaster {
  readonly path: string;
  readonly tiff: GeoTIFF;
  readonly image: GeoTIFFImage;
  readonly width: number;
  readonly height: number;
  readonly samples: number;
  readonly tiled: boolean;
  readonly blockWidth: number;
  readonly blockHeight: number;
  readonly planar: 1 | 2;
  readonly littleEndian: boolean;
  readonly bits: readonly number[];
  readonly formats: readonly number[];
  readonly decoder: BaseDecoder;
  /** TIFF Compression and Predictor codes. */
  readonly compression: number;
  readonly predictor: number;
  /** Blocks per row and per column of one sample plane. */
  readonly across: number;
  readonly down: number;
  /** File offset and stored size of every block (tile or strip), planes one after another. */
  readonly offsets: Float64Array;
  readonly counts: Float64Array;
  /** Read-only descriptor for the block reads. */
  readonly fd: number;
}

const MAX_OPEN = 64;
const open = new Map<string, Promise<OpenRaster>>();

function numbers(v: unknown, n: number, fallback: number): number[] {
  if (v === undefined || v === null) return new Array<number>(n).fill(fallback);
  const arr = typeof v === "number" ? [v] : Array.from(v as ArrayLike<number>, Number);
  return Array.from({ length: n }, (_, i) => arr[i] ?? arr[0] ?? fallback);
}

function float64s(v: unknown, what: string, n: number): Float64Array {
  const arr = Float64Array.from(typeof v === "number" ? [v] : Array.from((v ?? []) as ArrayLike<number | bigint>, Number));
  if (arr.length < n) throw new Error(`the file lists ${arr.length} ${what}, its layout needs ${n}`);
  return arr;
}

async function openRaster(path: string): Promise<OpenRaster> {
  useZlibInflate();
  const tiff = await fromFile(path);
  let descriptor: number | undefined;
  try {
    const image = await tiff.getImage(0);
    const fd = image.fileDirectory;
    const samples = image.getSamplesPerPixel();
    const tiled = fd.hasTag("TileWidth");
    const blockWidth = tiled ? Number(await fd.loadValue("TileWidth")) : image.getWidth();
    const blockHeight = tiled ? Number(await fd.loadValue("TileLength")) : Number((await fd.loadValue("RowsPerStrip")) ?? image.getHeight());
    const planar = Number((await fd.loadValue("PlanarConfiguration")) ?? 1) === 2 ? 2 : 1;
    const bits = numbers(await fd.loadValue("BitsPerSample"), samples, 1);
    const compression = Number((await fd.loadValue("Compression")) ?? 1);
    const refused = unsupportedCompression(compression);
    if (refused !== undefined) throw new Error(refused);
    const predictor = Number((await fd.loadValue("Predictor")) ?? 1);
    const decoder = await getDecoder(compression, {
      tileWidth: blockWidth,
      tileHeight: Math.min(blockHeight, image.getHeight()),
      planarConfiguration: planar,
      bitsPerSample: bits,
      predictor,
      samplesPerPixel: samples,
    });
    const width = image.getWidth(), height = image.getHeight();
    const across = Math.ceil(width / blockWidth), down = Math.ceil(height / blockHeight);
    const nBlocks = across * down * (planar === 2 ? samples : 1);
    const offsets = float64s(await fd.loadValue(tiled ? "TileOffsets" : "StripOffsets"), "block offsets", nBlocks);
    const counts = float64s(await fd.loadValue(tiled ? "TileByteCounts" : "StripByteCounts"), "block sizes", nBlocks);
    descriptor = openSync(path, "r");
    return {
      path, tiff, image, width, height, samples, tiled, blockWidth, blockHeight, planar,
      littleEndian: image.littleEndian, bits, formats: numbers(await fd.loadValue("SampleFormat"), samples, 1), decoder,
      compression, predictor, across, down, offsets, counts, fd: descriptor,
    };
  } catch (e) {
    if (descriptor !== undefined) closeSync(descriptor);
    await tiff.close();
    throw e;
  }
}

export function openCached(path: string): Promise<OpenRaster> {
  const st = statSync(path);
  const key = `${path}\0${st.size}\0${st.mtimeMs}`;
  const hit = open.get(key);
  if (hit !== undefined) {
    open.delete(key);
    open.set(key, hit);
    return hit;
  }
  const p = openRaster(path).catch((e: unknown) => {
    open.delete(key);
    throw new Error(`${path}: cannot read as GeoTIFF: ${(e as Error).message}`);
  });
  open.set(key, p);
  while (open.size > MAX_OPEN) {
    const [oldest, old] = open.entries().next().value as [string, Promise<OpenRaster>];
    open.delete(oldest);
    void old.then(async (r) => {
      closeSync(r.fd);
      await r.tiff.close();
    }, () => undefined);
  }
  return p;
}
