/** Shared by the imagery tests: the GDAL fixtures and their expected values (test/fixtures/imagery). */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseCrs } from "../../src/imagery/crs.js";
import type { GeoTransform } from "../../src/imagery/tiff/geokeys.js";
import type { BandSource, GridParams } from "../../workers/readers/geotiff/params.js";

export const FIXTURES = fileURLToPath(new URL("../fixtures/imagery/", import.meta.url));

export interface FixtureFile {
  file: string;
  dtype: string;
  shape: [number, number, number];
  nodata: number | "nan" | null;
  crs: string;
  transform: [number, number, number, number, number, number];
  descriptions: string[];
  data: (number | null)[];
}

export interface FixtureWarp {
  source: string;
  crs: string;
  transform: [number, number, number, number, number, number];
  shape: [number, number];
  nearest: (number | null)[][];
  bilinear: (number | null)[][];
  span: number[][];
  edge: number[];
}

export const expected = JSON.parse(readFileSync(`${FIXTURES}expected.json`, "utf8")) as { files: FixtureFile[]; warps: FixtureWarp[] };

export function fixture(name: string): FixtureFile {
  const f = expected.files.find((x) => x.file === name);
  if (f === undefined) throw new Error(`no fixture ${name}`);
  return f;
}

export const nodataOf = (f: FixtureFile): number | null => (f.nodata === "nan" ? NaN : f.nodata);

export function bandSource(f: FixtureFile, sample: number): BandSource {
  const crs = parseCrs(f.crs);
  return {
    path: FIXTURES + f.file, sample, width: f.shape[2], height: f.shape[1],
    transform: f.transform, crs: crs.id, proj4: crs.proj4, nodata: nodataOf(f),
  };
}

export function gridOf(crsName: string, transform: GeoTransform, width: number, height: number): GridParams {
  const crs = parseCrs(crsName);
  return { crs: crs.id, proj4: crs.proj4, transform, width, height };
}

/** Is this expected value one the file marks as nodata? */
export function isNodata(f: FixtureFile, v: number | null): boolean {
  if (v === null) return f.nodata === "nan";
  return f.nodata !== null && f.nodata !== "nan" && v === f.nodata;
}
