/**
 * Read a pixel window of some samples of an open GeoTIFF: only the tiles or strips the window
 * touches, each decoded once (`decodeBlock`) and copied row by row as typed arrays. Layouts that
 * copy cannot handle (big-endian, odd bit depths) go through geotiff.js `readRasters`.
 */
import { decodeBlock } from "./block.js";
import type { OpenRaster } from "./files.js";

export type SampleArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;
type SampleCtor = { new (n: number): SampleArray; new (b: ArrayBufferLike, offset: number, length: number): SampleArray; readonly BYTES_PER_ELEMENT: number };

export interface PixelWindow {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

const CTORS: Readonly<Record<string, SampleCtor>> = {
  "1:8": Uint8Array, "1:16": Uint16Array, "1:32": Uint32Array,
  "2:8": Int8Array, "2:16": Int16Array, "2:32": Int32Array,
  "3:32": Float32Array, "3:64": Float64Array,
};

export function sampleCtor(r: OpenRaster, sample: number): SampleCtor | undefined {
  return CTORS[`${r.formats[sample]}:${r.bits[sample]}`];
}

/** A decoded block's bytes as samples of `sample`'s type (which `copyable` has checked). */
export function samplesOf(r: OpenRaster, sample: number, block: Uint8Array): SampleArray {
  const Ctor = sampleCtor(r, sample)!;
  return new Ctor(block.buffer, block.byteOffset, block.byteLength / Ctor.BYTES_PER_ELEMENT);
}

export function copyable(r: OpenRaster, samples: readonly number[]): boolean {
  if (!samples.every((s) => sampleCtor(r, s) !== undefined)) return false;
  if (!r.littleEndian && samples.some((s) => r.bits[s]! > 8)) return false;
  // pixel-interleaved blocks are walked with one element stride: every sample must share one type
  if (r.planar === 1) return r.bits.every((b, i) => b === r.bits[0] && r.formats[i] === r.formats[0]);
  return true;
}

async function copyBlocks(r: OpenRaster, samples: readonly number[], w: PixelWindow, out: SampleArray[]): Promise<void> {
  const ww = w.x1 - w.x0;
  const bw = r.blockWidth, bh = r.blockHeight;
  const jobs: Promise<void>[] = [];
  for (let ty = Math.floor(w.y0 / bh); ty * bh < w.y1; ty++) {
    for (let tx = Math.floor(w.x0 / bw); tx * bw < w.x1; tx++) {
      const planes = r.planar === 2 ? samples.map((s, k) => [s, k] as const) : [[0, -1] as const];
      for (const [sample, k] of planes) {
        jobs.push(
          decodeBlock(r, tx, ty, sample).then((block) => {
            const ya = Math.max(w.y0, ty * bh), yb = Math.min(w.y1, ty * bh + bh, r.height);
            const xa = Math.max(w.x0, tx * bw), xb = Math.min(w.x1, tx * bw + bw, r.width);
            if (k >= 0) {
              const src = samplesOf(r, sample, block);
              const dst = out[k]!;
              for (let y = ya; y < yb; y++) {
                const s0 = (y - ty * bh) * bw + (xa - tx * bw);
                dst.set(src.subarray(s0, s0 + (xb - xa)) as never, (y - w.y0) * ww + (xa - w.x0));
              }
              return;
            }
            const src = samplesOf(r, 0, block);
            const n = r.samples;
            samples.forEach((s, j) => {
              const dst = out[j]!;
              for (let y = ya; y < yb; y++) {
                let si = ((y - ty * bh) * bw + (xa - tx * bw)) * n + s;
                let di = (y - w.y0) * ww + (xa - w.x0);
                for (let x = xa; x < xb; x++, si += n) dst[di++] = src[si]!;
              }
            });
          }),
        );
      }
    }
  }
  await Promise.all(jobs);
}

/** One array per requested sample, `(y1 - y0) × (x1 - x0)` in row order. */
export async function readWindow(r: OpenRaster, samples: readonly number[], w: PixelWindow): Promise<SampleArray[]> {
  const n = (w.x1 - w.x0) * (w.y1 - w.y0);
  if (copyable(r, samples)) {
    const out = samples.map((s) => new (sampleCtor(r, s)!)(n));
    await copyBlocks(r, samples, w, out);
    return out;
  }
  const got = await r.image.readRasters({ window: [w.x0, w.y0, w.x1, w.y1], samples: [...samples], interleave: false });
  return Array.from(got as ArrayLike<unknown>, (a) => a as SampleArray);
}
