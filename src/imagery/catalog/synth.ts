/**
 * A synthetic product that behaves like optical imagery: fields whose greenness follows a growing
 * season (each field its own peak day and vigour), four uint16 reflectance bands (blue, green, red,
 * nir; scaled by 10000), sensor noise, and clouds written as nodata (0). Dates a month apart.
 * Deterministic for a seed. Files are tiled, deflate-compressed GeoTIFFs in EPSG:32633 at 10 m.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { writeGeoTiff } from "../tiff/write.js";
import { addImages } from "./add.js";
import { readProduct } from "./store.js";
import { CatalogError, type Product } from "./types.js";

export interface SynthOptions {
  dates?: number;
  /** Pixels per side. */
  size?: number;
  seed?: number;
  /** First acquisition (ISO date); the others follow every `everyDays`. */
  start?: string;
  everyDays?: number;
  /** Called after each image is written. */
  onImage?: (done: number, total: number) => void;
}

export const SYNTH_BANDS = ["blue", "green", "red", "nir"] as const;
const SCALE = 10000;
const EPSG = 32633;
const RESOLUTION = 10;
const ORIGIN: readonly [number, number] = [500000, 5100000];
const FIELD = 48;

/** xorshift32: the same data on every machine. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

interface Fields {
  readonly peak: Float32Array;
  readonly vigour: Float32Array;
  readonly across: number;
}

function fields(size: number, rand: () => number): Fields {
  const across = Math.ceil(size / FIELD);
  const n = across * across;
  const peak = new Float32Array(n), vigour = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    peak[i] = 120 + 120 * rand();
    vigour[i] = rand() < 0.15 ? 0.1 * rand() : 0.5 + 0.5 * rand();
  }
  return { peak, vigour, across };
}

interface Cloud {
  readonly cy: number;
  readonly cx: number;
  readonly ry: number;
  readonly rx: number;
}

function clouds(size: number, rand: () => number): Cloud[] {
  const n = Math.floor(4 * rand() * rand() * 2);
  return Array.from({ length: n }, () => ({ cy: size * rand(), cx: size * rand(), ry: size * (0.04 + 0.14 * rand()), rx: size * (0.04 + 0.14 * rand()) }));
}

/** Day of year of a date. */
function dayOfYear(d: Date): number {
  return (d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000;
}

function image(size: number, f: Fields, date: Date, rand: () => number): Uint16Array {
  const plane = size * size;
  const out = new Uint16Array(4 * plane);
  const doy = dayOfYear(date);
  const cs = clouds(size, rand);
  for (let y = 0; y < size; y++) {
    const row = Math.floor(y / FIELD) * f.across;
    for (let x = 0; x < size; x++) {
      const p = y * size + x;
      let cloudy = false;
      for (const c of cs) if (((y - c.cy) / c.ry) ** 2 + ((x - c.cx) / c.rx) ** 2 < 1) cloudy = true;
      if (cloudy) continue;
      const k = row + Math.floor(x / FIELD);
      const season = Math.exp(-(((doy - f.peak[k]!) / 45) ** 2));
      const v = f.vigour[k]! * season;
      const noise = (rand() - 0.5) * 0.01;
      const refl = [0.06 - 0.03 * v, 0.08 + 0.01 * v, 0.12 - 0.09 * v, 0.18 + 0.32 * v];
      for (let b = 0; b < 4; b++) out[b * plane + p] = Math.max(1, Math.min(SCALE, Math.round((refl[b]! + noise) * SCALE)));
    }
  }
  return out;
}

const tiffDate = (d: Date): string => d.toISOString().slice(0, 19).replace(/-/g, ":").replace("T", " ");

/** Writes the product into the catalog at `root`; refuses a product that exists. */
export async function synthProduct(root: string, productId: string, o: SynthOptions = {}): Promise<Product> {
  const { dates = 12, size = 1024, seed = 42, start = "2023-01-15", everyDays = 30 } = o;
  if (readProduct(root, productId) !== undefined) throw new CatalogError(`product ${productId} already exists`);
  const rand = rng(seed);
  const f = fields(size, rand);
  const t0 = Date.parse(`${start}T10:30:00Z`);
  if (Number.isNaN(t0)) throw new CatalogError(`synth: start date ${JSON.stringify(start)} is not an ISO date`);
  mkdirSync(root, { recursive: true });
  const tmp = mkdtempSync(join(root, ".synth-"));
  try {
    const files: string[] = [];
    for (let d = 0; d < dates; d++) {
      const date = new Date(t0 + d * everyDays * 86_400_000);
      const data = image(size, f, date, rand);
      const bytes = await writeGeoTiff({
        width: size, height: size, bands: 4, dtype: "uint16", data, nodata: 0,
        transform: [ORIGIN[0], RESOLUTION, 0, ORIGIN[1], 0, -RESOLUTION], crs: { epsg: EPSG, geographic: false },
        bandNames: [...SYNTH_BANDS], datetime: tiffDate(date),
      });
      const file = join(tmp, `${date.toISOString().slice(0, 10)}.tif`);
      await writeFile(file, bytes);
      files.push(file);
      o.onImage?.(d + 1, dates);
    }
    await addImages(root, productId, files, {
      bands: [...SYNTH_BANDS],
      move: true,
      dataRanges: SYNTH_BANDS.map(() => [0, SCALE] as const),
      descriptions: ["blue reflectance × 10000", "green reflectance × 10000", "red reflectance × 10000", "near-infrared reflectance × 10000"],
      properties: { synthetic: true, seed },
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return readProduct(root, productId)!;
}
