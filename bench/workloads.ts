/**
 * The workloads of BENCH.md. Each one has an id, its input files (generated from fixed seeds),
 * the peers it is timed against and its target. Add B6 here (status "planned" → "ready")
 * together with its tesserae side in tesserae-side.ts and its peer side in peers.py.
 *
 * | id | name          | status  | peers                          | target                 |
 * |----|---------------|---------|--------------------------------|------------------------|
 * | B1 | ndvi-mean     | ready   | numpy, dask                    | ≤ 0.5 × numpy          |
 * | B2 | masked-median | ready   | numpy-ma, numpy-nan, dask      | ≤ 0.25 × dask          |
 * | B3 | std-all       | ready   | numpy, dask                    | ≤ 0.5 × numpy          |
 * | B4 | overhead-10k  | ready   | dask                           | ≤ 0.05 × dask          |
 * | B5 | out-of-core   | ready   | dask                           | ≤ 0.75 × dask, ≤ 512 MiB |
 * | B6 | composite     | ready   | rasterio-numpy                 | ≤ 0.25 × rasterio-numpy |
 */
import type { DTypeName } from "../src/core/dtype.js";
import { Rng } from "./prng.js";

export type PeerName = "numpy" | "numpy-ma" | "numpy-nan" | "dask" | "rasterio-numpy";

export interface Target {
  peer: PeerName;
  /** tesserae seconds / peer seconds must be at most this. */
  ratio: number;
  /** Peak RSS limit, when the workload has one. */
  maxRssMiB?: number;
}

/** A block of a non-64-bit-integer typed array, written as plain numbers. */
export interface NumberBlock {
  readonly length: number;
  [i: number]: number;
}

export interface InputSpec {
  /** The name the tesserae side and peers.py use for this input. */
  name: string;
  dtype: DTypeName;
  shape: number[];
  seed: number;
  /** Fill elements [start, start + block.length) from `rng` (called block after block, in order). */
  fill: (rng: Rng, block: NumberBlock, start: number) => void;
}

/**
 * An input written as a Zarr v2 array by zarr-python (bench/gen_zarr.py, uniform float32 in [0, 1)),
 * which both sides read from disk inside the timed region.
 */
export interface ZarrInputSpec {
  name: string;
  shape: number[];
  chunks: number[];
  seed: number;
}

/** A synthetic imagery product (bench/catalog-data.ts), read from its GeoTIFFs inside the timed region. */
export interface CatalogInputSpec {
  name: string;
  productId: string;
  dates: number;
  /** Pixels per side. */
  size: number;
  seed: number;
}

export interface Workload {
  id: string;
  name: string;
  status: "ready" | "planned";
  inputs: InputSpec[];
  zarrInputs?: ZarrInputSpec[];
  catalogInputs?: CatalogInputSpec[];
  /** The result is written as a GeoTIFF (paths.outTifPath), read back for the check. */
  writesGeoTiff?: boolean;
  /**
   * The result is written as a Zarr array (tesserae: paths.outZarrPath, the peer: refZarrPath)
   * instead of returned; the runner reads tesserae's with zarr-python for the check.
   */
  writesZarr?: boolean;
  /** At most this many timed repetitions (after the warm-up), whatever --reps says. */
  maxReps?: number;
  peers: PeerName[];
  target: Target;
  /** Result tolerance: |got - want| ≤ atol + rtol·|want|. */
  rtol: number;
  atol: number;
  /** Roughly how many seconds the timed tesserae repetitions may take in all. */
  budgetSec: number;
}

/** Bump when a generator changes, so stale files in bench/.data are not reused. */
export const DATA_VERSION = 1;

function uniform(lo: number, hi: number): InputSpec["fill"] {
  return (rng, block) => {
    for (let i = 0; i < block.length; i++) block[i] = lo + (hi - lo) * rng.next();
  };
}

/** `BENCH_B5_IMAGES` shrinks B5's input for quick runs (default 64 images = 4 GiB). */
function b5Images(): number {
  const raw = process.env["BENCH_B5_IMAGES"];
  const n = raw === undefined || raw === "" ? 64 : Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_B5_IMAGES must be a positive integer, got '${raw}'`);
  return n;
}

const B1_PLANE = 1024 * 1024;

/** Bands 0–2 look like visible reflectance, band 3 like vegetated near infrared, so NDVI stays well away from 0/0. */
function reflectance(rng: Rng, block: NumberBlock, start: number): void {
  for (let i = 0; i < block.length; i++) {
    const band = Math.floor((start + i) / B1_PLANE) % 4;
    const u = rng.next();
    block[i] = band === 3 ? 0.2 + 0.5 * u : 0.02 + 0.28 * u;
  }
}

function maskWithProbability(p: number): InputSpec["fill"] {
  return (rng, block) => {
    for (let i = 0; i < block.length; i++) block[i] = rng.next() < p ? 1 : 0;
  };
}

const F32_TOL = { rtol: 1e-5, atol: 1e-6 };
const F64_TOL = { rtol: 1e-9, atol: 0 };

export const WORKLOADS: readonly Workload[] = [
  {
    id: "B1", name: "ndvi-mean", status: "ready",
    inputs: [{ name: "x", dtype: "float32", shape: [16, 4, 1024, 1024], seed: 1, fill: reflectance }],
    peers: ["numpy", "dask"], target: { peer: "numpy", ratio: 0.5 }, ...F32_TOL, budgetSec: 45,
  },
  {
    id: "B2", name: "masked-median", status: "ready",
    inputs: [
      { name: "data", dtype: "float32", shape: [16, 4, 512, 512], seed: 2, fill: uniform(0, 1) },
      { name: "mask", dtype: "bool", shape: [16, 4, 512, 512], seed: 3, fill: maskWithProbability(0.3) },
    ],
    peers: ["numpy-ma", "numpy-nan", "dask"], target: { peer: "dask", ratio: 0.25 },
    rtol: 1e-6, atol: 0, budgetSec: 60,
  },
  {
    id: "B3", name: "std-all", status: "ready",
    inputs: [{ name: "x", dtype: "float64", shape: [2 ** 27], seed: 4, fill: uniform(50, 150) }],
    peers: ["numpy", "dask"], target: { peer: "numpy", ratio: 0.5 }, ...F64_TOL, budgetSec: 45,
  },
  {
    id: "B4", name: "overhead-10k", status: "ready",
    inputs: [{ name: "x", dtype: "float64", shape: [1e6], seed: 5, fill: uniform(0, 1) }],
    peers: ["dask"], target: { peer: "dask", ratio: 0.05 }, ...F64_TOL, budgetSec: 45,
  },
  {
    // The whole input is read from disk and decompressed in every repetition, on both sides;
    // one warm-up and two timed runs keep B5 to about a minute.
    id: "B5", name: "out-of-core", status: "ready", inputs: [],
    zarrInputs: [{ name: "x", shape: [b5Images(), 4, 2048, 2048], chunks: [1, 4, 512, 512], seed: 6 }],
    writesZarr: true, maxReps: 2,
    peers: ["dask"], target: { peer: "dask", ratio: 0.75, maxRssMiB: 512 }, ...F32_TOL, budgetSec: 120,
  },
  {
    // 12 dates of 4 uint16 bands, 2048², tiled 256, deflate, nodata 0 under clouds; NDVI from red and
    // nir, masked median over the dates, written as a float32 GeoTIFF (both sides write a file).
    id: "B6", name: "composite", status: "ready", inputs: [],
    catalogInputs: [{ name: "product", productId: "b6", dates: 12, size: 2048, seed: 6 }],
    writesGeoTiff: true,
    maxReps: 3,
    peers: ["rasterio-numpy"], target: { peer: "rasterio-numpy", ratio: 0.25 }, ...F32_TOL, budgetSec: 90,
  },
];

/** Timed repetitions for `w` when --reps asks for `reps`. */
export function repsFor(w: Workload, reps: number): number {
  return Math.min(reps, w.maxReps ?? reps);
}

export function workloadById(id: string): Workload | undefined {
  return WORKLOADS.find((w) => w.id === id.toUpperCase());
}
