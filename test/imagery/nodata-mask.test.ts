import t from "tap";
import { maskNodata } from "../../workers/readers/geotiff/nodata-mask.js";
import type { SampleArray } from "../../workers/readers/geotiff/window.js";

/** A deterministic stream of samples where about one in three equals `nodata`'s 16-bit pattern or its neighbours. */
function samples(n: number, nodata: number, seed: number): number[] {
  const out: number[] = [];
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const pick = x % 6;
    // neighbours and the other lane's bits flipped catch a lane test that leaks into the next lane
    out.push(pick < 2 ? nodata : pick === 2 ? nodata + 1 : pick === 3 ? nodata ^ 0x8000 : pick === 4 ? nodata - 1 : x >>> 16);
  }
  return out;
}

/** Every element's mask by the rule itself, one comparison at a time. */
function expectedMask(src: SampleArray, s: number, step: number, n: number, nodata: number): number[] {
  return Array.from({ length: n }, (_, i) => (src[s + i * step] === nodata ? 1 : 0));
}

t.test("the nodata mask of 16-bit runs equals the elementwise rule at every alignment, length and stride", async (t) => {
  const cases: { name: string; make: (b: ArrayBuffer, off: number, n: number) => SampleArray; nodata: number[] }[] = [
    { name: "uint16", make: (b, off, n) => new Uint16Array(b, off, n), nodata: [0, 1, 0x7fff, 0x8000, 0xffff, 10000] },
    { name: "int16", make: (b, off, n) => new Int16Array(b, off, n), nodata: [0, -1, -9999, -0x8000, 0x7fff] },
  ];
  let checked = 0, masked = 0, outside = 0;
  for (const c of cases) {
    for (const nodata of c.nodata) {
      for (const byteOff of [0, 2]) {
        for (const n of [0, 1, 7, 8, 9, 13, 64, 67]) {
          for (const step of [1, 4]) {
            const count = (n + 8) * step + 8;
            const src = c.make(new ArrayBuffer(byteOff + count * 2), byteOff, count);
            src.set(samples(count, nodata, n * 31 + step + byteOff).map((v) => (c.name === "int16" ? ((v << 16) >> 16) : v & 0xffff)));
            for (const s of [0, 1, 2, 3]) {
              for (const o of [0, 1, 2, 3, 5]) {
                const mask = new Uint8Array(o + n + 4).fill(9);
                maskNodata(src, s, step, n, mask, o, nodata);
                const want = expectedMask(src, s, step, n, nodata);
                const got = Array.from(mask.subarray(o, o + n));
                if (got.join() !== want.join()) {
                  t.same(got, want, `${c.name} nodata ${nodata}, samples at byte ${byteOff} + ${s}, ${n} of step ${step}, mask at ${o}`);
                  return;
                }
                // bytes around the run are left alone
                if (!mask.subarray(0, o).every((v) => v === 9) || !mask.subarray(o + n).every((v) => v === 9)) outside++;
                checked++;
                masked += want.reduce((a, b) => a + b, 0);
              }
            }
          }
        }
      }
    }
  }
  t.equal(outside, 0, "no mask byte outside a run is written");
  t.ok(masked > 1000 && masked < checked * 40, `both masked and unmasked samples were checked (${masked} masked)`);
});

t.test("nodata no sample can equal masks nothing (out of range, fractional, other dtypes)", async (t) => {
  const u16 = new Uint16Array(64).map((_, i) => (i * 4099) & 0xffff);
  u16[5] = 0xffff;
  for (const nodata of [-1, 65536, 65535.5, 0x1ffff]) {
    const mask = new Uint8Array(64).fill(9);
    maskNodata(u16, 0, 1, 64, mask, 0, nodata);
    t.same(Array.from(mask), new Array<number>(64).fill(0), `uint16 against nodata ${nodata}`);
  }
  const i16 = new Int16Array(64).fill(-1);
  const mask = new Uint8Array(64).fill(9);
  maskNodata(i16, 0, 1, 64, mask, 0, 0xffff);
  t.same(Array.from(mask), new Array<number>(64).fill(0), "int16 -1 is not nodata 65535");
  const f32 = new Float32Array(64).map((_, i) => (i % 3 === 0 ? -9999 : i));
  const fm = new Uint8Array(64);
  maskNodata(f32, 0, 1, 64, fm, 0, -9999);
  t.same(Array.from(fm), Array.from(f32, (v) => (v === -9999 ? 1 : 0)), "float32 samples by the plain rule");
});
