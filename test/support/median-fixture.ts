/** The median-program fixture (test/fixtures/median-program.json, written by the committed NumPy script): its cases, typed. */
import { readFileSync } from "node:fs";
import type { DTypeName } from "../../src/core/dtype.js";

export interface MedianInput {
  dtype: DTypeName;
  shape: number[];
  data: (number | null)[];
  mask?: number[];
}

export interface MedianCase {
  name: string;
  inputs: Record<string, MedianInput>;
  expr: "ndvi" | "x*2+y" | "a-b" | "i+j";
  axis: number | number[] | null;
  dtype: DTypeName;
  shape: number[];
  data: (number | null)[];
  mask: number[];
}

export function medianCases(): MedianCase[] {
  return (JSON.parse(readFileSync(new URL("../fixtures/median-program.json", import.meta.url), "utf8")) as { cases: MedianCase[] }).cases;
}
