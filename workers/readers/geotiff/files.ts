/**
 * Open GeoTIFFs in a worker: parsed directories and decoders kept for the files read recently, so
 * the many chunk tasks over one file parse its header once. Keyed by path, size and mtime.
 */
import { statSync } from "node:fs";
import { fromFile, getDecoder, type BaseDecoder, type GeoTIFF, type GeoTIFFImage } from "geotiff";
import { useZlibInflate } from "./inflate.js";

export interface OpenRaster {
  readonly path: string;
  readonly tiff: GeoTIFF;
  readonly image: GeoTIFFImage;
  readonly width: number;
  readonly height: number;
  readonly samples: number;
  readonly blockWidth: number;
  readonly blockHeight: number;
  readonly planar: 1 | 2;
  readonly littleEndian: boolean;
  readonly bits: readonly number[];
  readonly formats: readonly number[];
  readonly decoder: BaseDecoder;
}

const MAX_OPEN = 64;
const open = new Map<string, Promise<OpenRaster>>();

function numbers(v: unknown, n: number, fallback: number): number[] {
  if (v === undefined || v === null) return new Array<number>(n).fill(fallback);
  const arr = typeof v === "number" ? [v] : Array.from(v as ArrayLike<number>, Number);
  return Array.from({ length: n }, (_, i) => arr[i] ?? arr[0] ?? fallback);
}

async function openRaster(path: string): Promise<OpenRaster> {
  useZlibInflate();
  const tiff = await fromFile(path);
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
    const decoder = await getDecoder(compression, {
      tileWidth: blockWidth,
      tileHeight: Math.min(blockHeight, image.getHeight()),
      planarConfiguration: planar,
      bitsPerSample: bits,
      predictor: Number((await fd.loadValue("Predictor")) ?? 1),
      samplesPerPixel: samples,
    });
    return {
      path, tiff, image, width: image.getWidth(), height: image.getHeight(), samples, blockWidth, blockHeight, planar,
      littleEndian: image.littleEndian, bits, formats: numbers(await fd.loadValue("SampleFormat"), samples, 1), decoder,
    };
  } catch (e) {
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
      await r.tiff.close();
    }, () => undefined);
  }
  return p;
}
