/**
 * `tesserae demo`: the main job. A synthetic imagery product in the local catalog (written on first
 * use: uint16 blue/green/red/nir, clouds as nodata, a growing season), then an NDVI median
 * composite over all its dates, written as a GeoTIFF and a PNG quicklook. Built on the public API;
 * only the synthesis reaches inside.
 */
import { mkdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import * as wf from "./index.js";
import { synthProduct } from "./imagery/catalog/synth.js";
import { readProduct } from "./imagery/catalog/store.js";

export interface TextSink {
  write(text: string): unknown;
}

export interface DemoOptions {
  out: TextSink;
  /** Images in the product (default 12, a month apart). */
  dates?: number;
  /** Pixels per side (default 1024). */
  size?: number;
  seed?: number;
  /** Where composite.tif and composite.png go (default demo-out). */
  outDir?: string;
  /** Where progress bars are drawn (default: stderr when it is a terminal). */
  progress?: NodeJS.WritableStream;
}

export interface DemoSummary {
  readonly shape: readonly number[];
  /** Seconds spent computing the composite. */
  readonly elapsed: number;
  readonly meanNdvi: number | null;
  readonly clearObservations: number | null;
  readonly observations: number;
}

const RESOLUTION = 10;
const ORIGIN = [500000, 5100000] as const;

const tuple = (xs: readonly number[]): string => `(${xs.join(", ")})`;
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const seconds = (t0: number): number => (performance.now() - t0) / 1000;

/** The demo product for these options, written into the catalog unless it is there. */
async function ensureProduct(id: string, dates: number, size: number, seed: number, say: (l: string) => void): Promise<void> {
  const root = wf.getConfig().catalog;
  if (readProduct(root, id) !== undefined) {
    say(`catalog  ${root}: product ${id} found`);
    return;
  }
  const t0 = performance.now();
  await synthProduct(root, id, { dates, size, seed });
  say(`catalog  ${root}: wrote product ${id} (${dates} GeoTIFFs, ${size} × ${size}, tiled, deflate) in ${seconds(t0).toFixed(1)} s`);
}

/** Runs the demo, then stops the worker pool whether it succeeded or not. */
export async function runDemo(opts: DemoOptions): Promise<DemoSummary> {
  let failed = false;
  try {
    return await demo(opts);
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    try {
      await wf.shutdown();
    } catch (e) {
      // A failure to shut down must not hide the failure that came first.
      if (!failed) throw e;
    }
  }
}

async function demo(opts: DemoOptions): Promise<DemoSummary> {
  const { out, dates = 12, size = 1024, seed = 42, outDir = "demo-out" } = opts;
  const say = (line: string): void => void out.write(`${line}\n`);
  const productId = `demo-${size}px-${dates}d-s${seed}`;
  await ensureProduct(productId, dates, size, seed, say);

  const ic = wf.ImageCollection.fromId(productId);
  const first = String(ic.properties[0]?.["date"] ?? "").slice(0, 10), last = String(ic.properties.at(-1)?.["date"] ?? "").slice(0, 10);
  const shape = [ic.length, Object.keys(ic.bandinfo).length, size, size];
  say(`input    synthetic imagery ${tuple(shape)} (image, band, y, x) uint16, ${first} .. ${last}; nodata 0 where cloudy`);

  const stack = ic.pickBands("red nir").ndarray.astype("float32");
  const red = stack.get(wf.slice(), 0), nir = stack.get(wf.slice(), 1);
  const ndvi = nir.sub(red).div(nir.add(red));
  const composite = ndvi.median(0);
  const geoctx = new wf.GeoContext({ bounds: [ORIGIN[0], ORIGIN[1] - size * RESOLUTION, ORIGIN[0] + size * RESOLUTION, ORIGIN[1]], crs: "EPSG:32633", resolution: RESOLUTION });
  say(`compute  ndvi = (nir - red) / (nir + red) per image, masked median over ${ic.length} images, on ${geoctx.crs} at ${RESOLUTION} m (${size} × ${size})`);

  const progressBar = opts.progress ?? (process.stderr.isTTY ? process.stderr : false);
  const t0 = performance.now();
  // cache: false, so that every run does the work it reports
  const job = (await composite.compute({ geoctx, block: false, cache: false, progressBar: progressBar as never })) as wf.Job;
  const value = (await job.result()) as wf.MaskedNDArray;
  const elapsed = seconds(t0);

  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const tif = join(dir, "composite.tif"), png = join(dir, "composite.png");
  const t1 = performance.now();
  // the composite is in memory now: writing it only encodes it
  const inMemory = wf.MaskedArray.from(value);
  await inMemory.compute({ geoctx, format: "geotiff", file: tif, progressBar: false });
  // no fixed scale: the quicklook stretches the composite's own 2nd to 98th percentile over the colormap
  await inMemory.compute({ geoctx, format: { type: "png", colormap: "rdylgn" }, file: png, progressBar: false });
  const written = seconds(t1);

  const clear = value.count();
  let sum = 0;
  for (let i = 0; i < value.data.length; i++) if (!value.mask[i]) sum += value.data[i] as number;
  const meanNdvi = clear > 0 ? sum / clear : null;
  const observations = ic.length * size * size;
  const pixels = size * size;
  say(`result   composite ${tuple(value.shape)} float32: ${clear} of ${pixels} pixels clear on at least one date (${((100 * clear) / pixels).toFixed(1)}%), ${job.progress.total} tasks`);
  say(`summary  mean ndvi ${meanNdvi === null ? "masked" : meanNdvi.toFixed(4)}; ${observations} observations read (${mib(observations * 2 * 2)} of red and nir)`);
  say(`wrote    ${tif} (${mib(statSync(tif).size)}, tiled deflate GeoTIFF) and ${png} (quicklook) in ${written.toFixed(2)} s`);
  say(`elapsed  ${elapsed.toFixed(3)} s`);
  return { shape: value.shape, elapsed, meanNdvi, clearObservations: clear, observations };
}
