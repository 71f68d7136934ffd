/**
 * The aligned read (same CRS and pixel size, grid on the file's pixel lattice, nearest): each output
 * row is a run of consecutive pixels of one source row, so the blocks the output touches are
 * decoded once and their row segments copied straight into the output, nodata masked on the way,
 * without an intermediate window.
 */
import type { Operand } from "../../codegen/loops.js";
import { blockRows, decodeBlock } from "./block.js";
import type { OpenRaster } from "./files.js";
import { maskNodata } from "./nodata-mask.js";
import type { Target } from "./sample.js";
import type { AxisMaps } from "./separable.js";
import { copyable, samplesOf, type SampleArray } from "./window.js";

type Plain = Exclude<Operand["data"], BigInt64Array | BigUint64Array>;

export interface DirectBand {
  readonly sample: number;
  readonly nodata: number | null;
  readonly target: Target;
}

/** Whether `readDirect` applies: consecutive source columns, contiguous output rows, numbers. */
export function directColumn(r: OpenRaster, samples: readonly number[], m: AxisMaps, targets: readonly Target[]): number {
  if (!copyable(r, samples)) return -1;
  if (targets.some((t) => t.colStride !== 1 || t.out.data instanceof BigInt64Array || t.out.data instanceof BigUint64Array)) return -1;
  const first = m.cols[0]!;
  if (first < 0) return -1;
  for (let c = 1; c < m.cols.length; c++) if (m.cols[c] !== first + c) return -1;
  return first;
}

/** `n` values from `src[s]` (every `step`-th) into `out[o]`, masked where they equal nodata (masked values hold 0). */
function copyRun(src: SampleArray, s: number, step: number, n: number, out: Plain, o: number, mask: Uint8Array | undefined, nodata: number | null): void {
  if (step === 1) out.set(src.subarray(s, s + n), o);
  else for (let i = 0; i < n; i++) out[o + i] = src[s + i * step]!;
  if (mask === undefined) return;
  if (nodata === null) {
    mask.fill(0, o, o + n);
    return;
  }
  if (nodata !== nodata) {
    for (let i = 0, k = s; i < n; i++, k += step) {
      const v = src[k]!;
      const bad = v !== v;
      mask[o + i] = bad ? 1 : 0;
      if (bad) out[o + i] = 0;
    }
    return;
  }
  maskNodata(src, s, step, n, mask, o, nodata);
  // a nodata of 0 is already the 0 masked values hold
  if (nodata !== 0) for (let i = 0; i < n; i++) if (mask[o + i] !== 0) out[o + i] = 0;
}

function maskRow(t: Target, r: number): void {
  const o = t.base + r * t.rowStride;
  (t.out.data as Plain).fill(0, o, o + t.cols);
  t.out.mask?.fill(1, o, o + t.cols);
}

/** Fill every target from the file: rows outside it masked, the others copied block by block. */
export async function readDirect(r: OpenRaster, bands: readonly DirectBand[], m: AxisMaps, first: number): Promise<void> {
  const cols = m.cols.length;
  let ylo = Infinity, yhi = -Infinity;
  for (let i = 0; i < m.rows.length; i++) {
    const sr = m.rows[i]!;
    if (sr < 0) for (const b of bands) maskRow(b.target, i);
    else {
      if (sr < ylo) ylo = sr;
      if (sr > yhi) yhi = sr;
    }
  }
  if (ylo === Infinity) return;
  const bw = r.blockWidth, bh = r.blockHeight;
  const planes = r.planar === 2 ? bands.map((b) => [b]) : [bands];
  for (let ty = Math.floor(ylo / bh); ty * bh <= yhi; ty++) {
    const y0 = ty * bh, y1 = y0 + blockRows(r, ty);
    for (let tx = Math.floor(first / bw); tx * bw < first + cols; tx++) {
      const xa = Math.max(first, tx * bw), xb = Math.min(first + cols, tx * bw + bw, r.width);
      for (const plane of planes) {
        const bytes = await decodeBlock(r, tx, ty, plane[0]!.sample);
        const spp = r.planar === 2 ? 1 : r.samples;
        for (const b of plane) {
          const src = samplesOf(r, b.sample, bytes);
          const t = b.target;
          const lane = r.planar === 2 ? 0 : b.sample;
          for (let i = 0; i < m.rows.length; i++) {
            const sr = m.rows[i]!;
            if (sr < y0 || sr >= y1) continue;
            const s = ((sr - y0) * bw + (xa - tx * bw)) * spp + lane;
            copyRun(src, s, spp, xb - xa, t.out.data as Plain, t.base + i * t.rowStride + (xa - first), t.out.mask, b.nodata);
          }
        }
      }
    }
  }
}
