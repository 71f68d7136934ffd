/**
 * The workloads of BENCH.md. Each one has an id, its input files (generated from fixed seeds),
 * the peers it is timed against and its target. Add B5/B6 here (status "planned" → "ready")
 * together with their tesserae side in tesserae-side.ts and their peer side in peers.py.
 *
 * | id | name          | status  | peers                          | target                 |
 * |----|---------------|---------|--------------------------------|------------------------|
 * | B1 | ndvi-mean     | ready   | numpy, dask                    | ≤ 0.5 × numpy          |
 * | B2 | masked-median | ready   | numpy-ma, numpy-nan, dask      | ≤ 0.25 × dask          |
 * | B3 | std-all       | ready   | numpy, dask                    | ≤ 0.5 × numpy          |
 * | B4 | overhead-10k  | ready   | dask                           | ≤ 0.05 × dask          |
 * | B5 | out-of-core   | planned | dask                           | ≤ 0.75 × dask, ≤ 512 MiB |
 * | B6 | composite     | planned | rasterio-numpy                 | ≤ 0.25 × rasterio-numpy |
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

export interface Workload {
  id: string;
  name: string;
  status: "ready" | "planned";
  inputs: InputSpec[];
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
    id: "B5", name: "out-of-core", status: "planned", inputs: [],
    peers: ["dask"], target: { peer: "dask", ratio: 0.75, maxRssMiB: 512 }, ...F32_TOL, budgetSec: 90,
  },
  {
    id: "B6", name: "composite", status: "planned", inputs: [],
    peers: ["rasterio-numpy"], target: { peer: "rasterio-numpy", ratio: 0.25 }, ...F32_TOL, budgetSec: 90,
  },
];

export function workloadById(id: string): Workload | undefined {
  return WORKLOADS.find((w) => w.id === id.toUpperCase());
}
