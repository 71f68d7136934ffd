/** The NumPy fixtures written by test/fixtures/gen_format_fixtures.py. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DTYPES, isDTypeName, type DTypeName } from "../../src/core/dtype.js";

export const FIXTURES = fileURLToPath(new URL("../fixtures/formats/", import.meta.url));

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(FIXTURES + name));
}

export interface ManifestEntry {
  file: string;
  dtype: DTypeName;
  shape: number[];
  values: string[];
  mask?: number[];
}

export interface HeaderEntry {
  dtype: DTypeName;
  shape: number[];
  npy: string;
  values?: string[];
}

function readJson<T>(name: string): T {
  return JSON.parse(readFileSync(FIXTURES + name, "utf8")) as T;
}

export const manifest = (): ManifestEntry[] => readJson<ManifestEntry[]>("manifest.json");
export const headers = (): HeaderEntry[] => readJson<HeaderEntry[]>("headers.json");

/** A manifest value string as the JS value our arrays hold. */
export function expectedValue(s: string, dtype: DTypeName): number | bigint | boolean {
  if (!isDTypeName(dtype)) throw new Error(dtype);
  if (dtype === "bool") return s === "true";
  if (DTYPES[dtype].big) return BigInt(s);
  if (s === "NaN") return NaN;
  if (s === "Infinity") return Infinity;
  if (s === "-Infinity") return -Infinity;
  return Number(s);
}
