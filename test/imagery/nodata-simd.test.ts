/**
 * The SIMD nodata mask (workers/readers/geotiff/nodata-simd.ts) over samples and masks in leased
 * arena memory, as a source box decoded in place: equal to the elementwise rule at every offset
 * and length around its 16-sample steps, bytes outside the run untouched, and refused (nothing
 * written) where it does not apply.
 */
import t from "tap";
import { leaseBoxes } from "../../src/core/arena.js";
import { setSimdEnabled } from "../../workers/codegen/wasm/runtime.js";
import { maskNodataArena, nodataSimdSteps } from "../../workers/readers/geotiff/nodata-simd.js";
import { rng } from "../support/rng.js";

const SAMPLES = 4096;

t.test("16-bit samples in the arena: the mask equals the elementwise rule", async (t) => {
  const lease = leaseBoxes();
  if (lease === null) throw new Error("no arena lease in this thread");
  t.teardown(() => lease.end());
  const s = lease.take(2 * SAMPLES)!, m = lease.take(SAMPLES + 64)!;
  const u16 = new Uint16Array(s.buffer, s.at, SAMPLES), i16 = new Int16Array(s.buffer, s.at, SAMPLES);
  const mask = new Uint8Array(m.buffer, m.at, SAMPLES + 64);
  const r = rng(17);
  const next = (): number => Math.floor(r() * 2 ** 32);
  const stepsBefore = nodataSimdSteps();
  let checked = 0, masked = 0, outside = 0, refused = 0;
  for (const [src, nodata] of [[u16, 0], [u16, 0xffff], [u16, 10000], [i16, -9999], [i16, -0x8000], [i16, 0]] as const) {
    // a third of the samples equal nodata; others are its neighbours and its lane bits flipped
    for (let i = 0; i < SAMPLES; i++) {
      const pick = next() % 6;
      const v = pick < 2 ? nodata : pick === 2 ? nodata + 1 : pick === 3 ? nodata ^ 0x8000 : pick === 4 ? nodata - 1 : next() >>> 16;
      src[i] = src instanceof Int16Array ? (v << 16) >> 16 : v & 0xffff;
    }
    for (const start of [0, 1, 3, 8, 17]) {
      for (const n of [0, 1, 15, 16, 17, 31, 33, 256, 1000]) {
        for (const o of [0, 1, 7]) {
          mask.fill(9);
          if (!maskNodataArena(src, start, n, mask, o, nodata)) refused++;
          const bad = Array.from({ length: n }, (_, i) => (mask[o + i] === (src[start + i] === nodata ? 1 : 0) ? 0 : 1)).reduce((a, b) => a + b, 0 as number);
          if (bad > 0) {
            t.fail(`${src.constructor.name} nodata ${nodata}, ${n} samples from ${start}, mask at ${o}: ${bad} wrong`);
            return;
          }
          if (!mask.subarray(0, o).every((v) => v === 9) || !mask.subarray(o + n).every((v) => v === 9)) outside++;
          for (let i = 0; i < n; i++) masked += mask[o + i]!;
          checked += n;
        }
      }
    }
  }
  t.equal(refused, 0, "every run applies");
  t.equal(outside, 0, "no mask byte outside a run is written");
  t.ok(masked > checked / 4 && masked < checked / 2, `masked and unmasked samples both checked (${masked} of ${checked})`);
  t.ok(nodataSimdSteps() > stepsBefore, "16-sample steps ran in SIMD");
});

t.test("where it does not apply, it refuses and writes nothing", async (t) => {
  const lease = leaseBoxes()!;
  t.teardown(() => lease.end());
  const s = lease.take(64)!, m = lease.take(64)!;
  const src = new Uint16Array(s.buffer, s.at, 32), mask = new Uint8Array(m.buffer, m.at, 32).fill(9);
  t.notOk(maskNodataArena(src, 0, 32, mask, 0, -1), "a negative nodata for uint16 samples");
  t.notOk(maskNodataArena(src, 0, 32, mask, 0, 0.5), "a fractional nodata");
  t.notOk(maskNodataArena(new Int16Array(s.buffer, s.at, 32), 0, 32, mask, 0, 40000), "a nodata past int16");
  setSimdEnabled(false);
  try {
    t.notOk(maskNodataArena(src, 0, 32, mask, 0, 0), "SIMD off");
  } finally {
    setSimdEnabled(true);
  }
  t.ok(mask.every((v) => v === 9), "nothing written");
});
