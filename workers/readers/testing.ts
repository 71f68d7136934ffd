/**
 * Readers for the job system's tests only; `READERS` lists them only when the environment variable
 * `TESSERAE_TEST_READERS=1` is set (so no graph document can reach them in normal use).
 * Both fill their block with each element's flat index in the source.
 *
 * - `testing.sleep {ms}`: blocks its thread for `ms` first (a slow task that cancel and timeout stop).
 * - `testing.crash {marker, times}`: the first `times` calls (counted in the marker file) end their
 *   worker thread, or in the main thread throw a transient `EAGAIN` error; later calls read.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { isMainThread } from "node:worker_threads";
import type { Operand } from "../codegen/loops.js";
import type { ReaderParams, ReadRegion } from "./types.js";

export const TEST_READERS_ENV = "TESSERAE_TEST_READERS";

function fillIndices(region: ReadRegion, out: Operand): void {
  const nd = region.shape.length;
  const total = region.shape.reduce((a, b) => a * b, 1);
  const big = typeof out.data[0] === "bigint";
  const idx = new Array<number>(nd).fill(0);
  for (let e = 0; e < total; e++) {
    let flat = 0, off = out.offset;
    for (let a = 0; a < nd; a++) {
      const i = region.start[a]! + idx[a]!;
      flat = flat * region.fullShape[a]! + i;
      off += i * out.strides[a]!;
    }
    out.data[off] = (big ? BigInt(flat) : flat) as never;
    for (let a = nd - 1; a >= 0 && ++idx[a]! === region.shape[a]!; a--) idx[a] = 0;
  }
}

export function readSleep(params: ReaderParams, region: ReadRegion, out: Operand): void {
  const ms = params["ms"];
  if (typeof ms !== "number" || !(ms >= 0)) throw new TypeError("testing.sleep: 'ms' must be a non-negative number");
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  fillIndices(region, out);
}

export function readCrash(params: ReaderParams, region: ReadRegion, out: Operand): void {
  const { marker, times } = params;
  if (typeof marker !== "string" || typeof times !== "number") throw new TypeError("testing.crash: needs 'marker' (a path) and 'times'");
  let count = 0;
  try {
    count = Number(readFileSync(marker, "utf8"));
  } catch {
    /* no marker yet: the first call */
  }
  if (count < times) {
    writeFileSync(marker, String(count + 1));
    if (!isMainThread) process.exit(3);
    throw Object.assign(new Error("testing.crash: transient failure"), { code: "EAGAIN" });
  }
  fillIndices(region, out);
}
