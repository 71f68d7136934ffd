/**
 * The aligned read (same CRS and pixel size, grid on the file's pixel lattice, nearest): each output
 * row is a run of consecutive pixels of one source row, so the blocks the output touches are
 * decoded once and their row segments copied straight into the output, nodata masked on the way,
 * without an intermediate window.
 */
import type { Operand } from "../../codegen/loops.js";
import { blockRows, decodeBlock, decodeBlockInto } from "./block.js";
import type { OpenRaster } from "./files.js";
import { maskNodata } from "./nodata-mask.js";
import { maskNodataArena } from "./nodata-simd.js";
import type { Target } from "./sample.js";
import type { AxisMaps } from "./separable.js";
import { copyable, sampleCtor, samplesOf, type SampleArray } from "./window.js";

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
  maskRun(src, s, step, n, out, o, mask, nodata);
}

/**
 * The mask of `n` values copied from `src[s]` (every `step`-th) to `out[o]`, and 0 in `out` where masked; `src` may be `out` itself.
 * `inArena`: src and mask are arena memory, which SIMD kernels address.
 */
function maskRun(src: SampleArray, s: number, step: number, n: number, out: Plain, o: number, mask: Uint8Array | undefined, nodata: number | null, inArena = false): void {
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
  const simd = inArena && step === 1 && (src instanceof Uint16Array || src instanceof Int16Array) && maskNodataArena(src, s, n, mask, o, nodata);
  if (!simd) maskNodata(src, s, step, n, mask, o, nodata);
  // a nodata of 0 is already the 0 masked values hold
  if (nodata !== 0) for (let i = 0; i < n; i++) if (mask[o + i] !== 0) out[o + i] = 0;
}

function maskRow(t: Target, r: number): void {
  const o = t.base + r * t.rowStride;
  (t.out.data as Plain).fill(0, o, o + t.cols);
  t.out.mask?.fill(1, o, o + t.cols);
}

/**
 * Whole blocks that land on contiguous memory of the target are decoded straight into it (no
 * decoded copy to copy from): one sample per block, its full width inside the target's columns,
 * the target's rows as wide as a block and mapped one to one onto the block's rows, same sample type.
 */
interface InPlace {
  /** The source row of the target's first row, when every target row i reads source row row0 + i; else -1. */
  readonly row0: number;
}

function inPlaceOf(r: OpenRaster, m: AxisMaps): InPlace {
  const row0 = m.rows[0]!;
  const spp = r.planar === 2 ? 1 : r.samples;
  if (spp !== 1 || row0 < 0) return { row0: -1 };
  for (let i = 1; i < m.rows.length; i++) if (m.rows[i] !== row0 + i) return { row0: -1 };
  return { row0 };
}

/** Decodes block (tx, ty) of band `b` into its target when `p` allows it; false when it must be copied. */
function decodeInPlace(r: OpenRaster, p: InPlace, b: DirectBand, tx: number, ty: number, first: number, rows: number): boolean {
  const bw = r.blockWidth, t = b.target;
  const y0 = ty * r.blockHeight, y1 = y0 + blockRows(r, ty);
  const x0 = tx * bw;
  if (p.row0 < 0 || t.rowStride !== bw || x0 < first || x0 + bw > first + t.cols || y0 < p.row0 || y1 > p.row0 + rows) return false;
  const out = t.out.data as Plain;
  const Ctor = sampleCtor(r, b.sample);
  if (Ctor === undefined || !(out instanceof Ctor)) return false;
  const o = t.base + (y0 - p.row0) * t.rowStride + (x0 - first);
  const n = (y1 - y0) * bw;
  const dest = new Uint8Array(out.buffer, out.byteOffset + o * out.BYTES_PER_ELEMENT, n * out.BYTES_PER_ELEMENT);
  if (!decodeBlockInto(r, tx, ty, b.sample, dest)) return false;
  maskRun(out, o, 1, n, out, o, t.out.mask, b.nodata, t.out.arena === true && t.out.maskArena === true);
  return true;
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
  const inPlace = inPlaceOf(r, m);
  for (let ty = Math.floor(ylo / bh); ty * bh <= yhi; ty++) {
    const y0 = ty * bh, y1 = y0 + blockRows(r, ty);
    for (let tx = Math.floor(first / bw); tx * bw < first + cols; tx++) {
      const xa = Math.max(first, tx * bw), xb = Math.min(first + cols, tx * bw + bw, r.width);
      for (const plane of planes) {
        if (plane.length === 1 && decodeInPlace(r, inPlace, plane[0]!, tx, ty, first, m.rows.length)) continue;
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
