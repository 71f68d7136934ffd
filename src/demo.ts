/**
 * `tesserae demo`: the main job on built-in data, written only against the public API (API.md).
 * A seeded synthetic imagery stack (dates, bands, y, x) with a cloud mask; the NDVI time mean and
 * median per pixel, and a few summary scalars.
 */
import * as wf from "./index.js";

export interface TextSink {
  write(text: string): unknown;
}

export interface DemoOptions {
  out: TextSink;
  /** Images in the stack (default 8). */
  dates?: number;
  /** Pixels per side (default 512). */
  size?: number;
  seed?: number;
}

export interface DemoSummary {
  readonly shape: readonly number[];
  /** Seconds spent in compute. */
  readonly elapsed: number;
  readonly meanNdvi: number | null;
  readonly clearObservations: number | null;
  readonly observations: number;
}

const BANDS = ["blue", "green", "red", "nir"] as const;

/** xorshift32: the data must be the same on every run and machine. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

interface Stack {
  readonly data: Float32Array;
  /** 1 = cloud, repeated over the bands so it has the data's shape. */
  readonly cloud: Uint8Array;
  readonly shape: number[];
}

/** Reflectances of fields whose greenness follows the season, under a few round clouds per date. */
function synthesize(dates: number, size: number, seed: number): Stack {
  const rand = random(seed);
  const plane = size * size;
  const waves = Array.from({ length: 4 }, () => ({ fx: 1 + 5 * rand(), fy: 1 + 5 * rand(), phase: 2 * Math.PI * rand() }));
  const vegetation = new Float32Array(plane);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let v = 0;
      for (const w of waves) v += 0.5 + 0.5 * Math.sin(2 * Math.PI * ((w.fx * x + w.fy * y) / size) + w.phase);
      vegetation[y * size + x] = v / waves.length;
    }
  }
  const data = new Float32Array(dates * BANDS.length * plane);
  const cloud = new Uint8Array(data.length);
  for (let d = 0; d < dates; d++) {
    const season = 0.6 + 0.4 * Math.sin((2 * Math.PI * d) / dates);
    const clouds = Array.from({ length: 1 + Math.floor(3 * rand()) }, () => ({
      cy: size * rand(), cx: size * rand(), r: size * (0.05 + 0.15 * rand()),
    }));
    for (let p = 0; p < plane; p++) {
      const y = Math.floor(p / size), x = p % size;
      const cloudy = clouds.some((c) => (y - c.cy) ** 2 + (x - c.cx) ** 2 < c.r ** 2);
      const g = vegetation[p]! * season;
      const noise = 0.02 * (rand() - 0.5);
      const values = cloudy ? [0.7, 0.72, 0.74, 0.76] : [0.05 + 0.05 * (1 - g), 0.08 + 0.04 * g, 0.04 + 0.16 * (1 - g), 0.2 + 0.4 * g];
      for (let b = 0; b < BANDS.length; b++) {
        const i = (d * BANDS.length + b) * plane + p;
        data[i] = values[b]! + noise;
        cloud[i] = cloudy ? 1 : 0;
      }
    }
  }
  return { data, cloud, shape: [dates, BANDS.length, size, size] };
}

/** A scalar result as a number (int64 counts come back as bigint); `null` when masked. */
function toNumber(v: unknown): number | null {
  if (typeof v === "number") return v;
  if (typeof v === "bigint" || typeof v === "boolean") return Number(v);
  if (v instanceof wf.MaskedNDArray && v.size === 1) return v.mask[0] ? null : Number(v.data[0]);
  if (v instanceof wf.NDArray && v.size === 1) return Number(v.data[0]);
  return null;
}

function pixel(result: unknown, y: number, x: number): string {
  if (!(result instanceof wf.NDArray || result instanceof wf.MaskedNDArray)) return "?";
  const v = toNumber(result.get(y, x));
  return v === null ? "masked" : v.toFixed(4);
}

const fmt = (v: number | null, digits = 4): string => (v === null ? "masked" : v.toFixed(digits));
const tuple = (xs: readonly number[]): string => `(${xs.join(", ")})`;

interface Computed {
  readonly value: unknown;
  readonly tasks: number | undefined;
}

/** Runs as a non-blocking job so that the task count can be shown when the engine reports one. */
async function run(x: { compute(opts: { block: false }): Promise<unknown> }): Promise<Computed> {
  const job = await x.compute({ block: false });
  if (!(job instanceof wf.Job)) return { value: job, tasks: undefined };
  const value: unknown = await job.result();
  return { value, tasks: job.progress.total };
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
  const { out, dates = 8, size = 512, seed = 42 } = opts;
  const say = (line: string): void => void out.write(`${line}\n`);
  const stack = synthesize(dates, size, seed);
  const tile = Math.min(size, 256);
  const chunks = [-1, 1, tile, tile];
  const images = new wf.MaskedArray(wf.Array.from(stack.data, stack.shape, { chunks }), {
    mask: wf.Array.from(stack.cloud, stack.shape, { dtype: "bool", chunks }),
  });
  let masked = 0;
  for (const c of stack.cloud) masked += c;
  const observations = dates * size * size;
  const mib = (stack.data.byteLength / 2 ** 20).toFixed(1);
  say(`input    synthetic imagery ${tuple(stack.shape)} (date, band, y, x) float32, ${mib} MiB, chunks ${tuple(chunks)}`);
  say(`         bands ${BANDS.join(", ")}; ${((100 * masked) / stack.cloud.length).toFixed(1)}% cloud-masked`);

  const red = images.get(wf.slice(), 2);
  const nir = images.get(wf.slice(), 3);
  const ndvi = nir.sub(red).div(nir.add(red));
  const meanMap = ndvi.mean(0);
  const medianMap = ndvi.median(0);
  say(`compute  ndvi = (nir - red) / (nir + red); mean and median over dates, shape ${tuple(meanMap.known.shape)}`);

  const t0 = performance.now();
  const [mean, median, overall, lo, hi, clear] = await Promise.all([
    run(meanMap), run(medianMap), run(ndvi.mean()), run(meanMap.min()), run(meanMap.max()), run(ndvi.count()),
  ]);
  const elapsed = (performance.now() - t0) / 1000;

  if (mean.tasks !== undefined && median.tasks !== undefined) say(`tasks    mean ${mean.tasks}, median ${median.tasks}`);
  const c = Math.floor(size / 2);
  say(`values   pixel (${c}, ${c}): mean ${pixel(mean.value, c, c)}, median ${pixel(median.value, c, c)}`);
  say(`         pixel (0, 0): mean ${pixel(mean.value, 0, 0)}, median ${pixel(median.value, 0, 0)}`);
  const meanNdvi = toNumber(overall.value);
  const clearObservations = toNumber(clear.value);
  const clearShare = clearObservations === null ? "" : ` (${((100 * clearObservations) / observations).toFixed(1)}%)`;
  say(`summary  mean ndvi ${fmt(meanNdvi)}; time-mean range ${fmt(toNumber(lo.value))} .. ${fmt(toNumber(hi.value))}`);
  say(`         clear observations ${clearObservations ?? "?"} of ${observations}${clearShare}`);
  say(`elapsed  ${elapsed.toFixed(3)} s`);
  return { shape: stack.shape, elapsed, meanNdvi, clearObservations, observations };
}
