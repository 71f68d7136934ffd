/** Expressions and expected values shared by the test/jobs tests. */
import "./env.js";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as wf from "../../src/index.js";
import { make } from "../../src/graph/make.js";
import { wrapNode } from "../../src/proxy/wrap.js";
import type { DTypeName } from "../../src/core/dtype.js";
import { expectedValue } from "../support/format-fixtures.js";

export interface Expected {
  name: string;
  dtype: DTypeName;
  shape: number[];
  values: string[];
  mask?: number[];
}

const FIXTURE = fileURLToPath(new URL("../fixtures/jobs/expected.json", import.meta.url));
export const EXPECTED: Expected[] = (JSON.parse(readFileSync(FIXTURE, "utf8")) as { cases: Expected[] }).cases;

export function expectedValues(e: Expected): (number | bigint | boolean | null)[] {
  return e.values.map((s, i) => (e.mask?.[i] ? null : expectedValue(s, e.dtype)));
}

/** The expressions of gen_jobs_fixtures.py, built with the public API. */
export function expression(name: string): wf.Array {
  const a = wf.Array.from(Float64Array.from({ length: 24 }, (_, i) => i), [4, 6]);
  const i = wf.Array.from(BigInt64Array.from({ length: 12 }, (_, k) => BigInt(k)), [3, 4]);
  switch (name) {
    case "affine": return a.mul(1.5).sub(3);
    case "colsum": return a.sum(0) as wf.Array;
    case "bigints": return i.mul(3).add(2n ** 60n);
    case "masked": return new wf.MaskedArray(a, { mask: a.mod(5).eq(0) }).mul(2);
    case "mean": return a.mean() as wf.Array;
    case "greater": return a.gt(10);
    case "float32": return a.astype("float32").div(3);
    default: throw new Error(name);
  }
}

/** A float64 source whose every read task sleeps `ms` on a worker (chunks of 8192 elements = 64 KiB, so they leave the main thread). */
export function slowArray(chunks: number, ms: number): wf.Array {
  const n = 8192;
  return wrapNode(make("source", [], { reader: "testing.sleep", params: { ms }, shape: [chunks * n], dtype: "float64", masked: false, chunks: [n] }));
}

/** A float64 source of `n` elements (one task on a worker) whose first `times` reads kill their worker thread. */
export function crashingArray(marker: string, times: number, n = 8192): wf.Array {
  return wrapNode(make("source", [], { reader: "testing.crash", params: { marker, times }, shape: [n], dtype: "float64", masked: false, chunks: [n] }));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
