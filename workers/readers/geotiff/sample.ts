/**
 * Resampling one band of one image into an output block: nearest or bilinear (GDAL's rule for
 * nodata: invalid neighbours drop out and the weights of the rest are renormalized). Pixels outside
 * the image, and nodata pixels, are masked; masked outputs hold 0.
 */
import type { Operand } from "../../codegen/loops.js";
import type { Coords } from "./coords.js";
import type { PixelWindow, SampleArray } from "./window.js";

export interface Target {
  readonly out: Operand;
  /** Element index of the block's first pixel, and the strides of its rows and columns. */
  readonly base: number;
  readonly rowStride: number;
  readonly colStride: number;
  readonly rows: number;
  readonly cols: number;
}

type Store = (i: number, v: number) => void;

function storeOf(out: Operand, round: boolean): Store {
  const d = out.data;
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) return (i, v) => void (d[i] = BigInt(Math.round(v)));
  const a = d as Exclude<typeof d, BigInt64Array | BigUint64Array>;
  return round ? (i, v) => void (a[i] = Math.round(v)) : (i, v) => void (a[i] = v);
}

const isFloatOut = (out: Operand): boolean => out.data instanceof Float32Array || out.data instanceof Float64Array;

function validOf(nodata: number | null): (v: number) => boolean {
  if (nodata === null) return () => true;
  if (Number.isNaN(nodata)) return (v) => !Number.isNaN(v);
  return (v) => v !== nodata;
}

/** Mark the whole block masked (an image that does not cover it). */
export function maskBlock(t: Target): void {
  const store = storeOf(t.out, false);
  for (let r = 0; r < t.rows; r++) {
    for (let c = 0; c < t.cols; c++) {
      const o = t.base + r * t.rowStride + c * t.colStride;
      store(o, 0);
      if (t.out.mask !== undefined) t.out.mask[o] = 1;
    }
  }
}

export function sampleNearest(t: Target, xy: Coords, src: SampleArray, win: PixelWindow, width: number, height: number, nodata: number | null): void {
  const store = storeOf(t.out, false);
  const valid = validOf(nodata);
  const mask = t.out.mask;
  const ww = win.x1 - win.x0;
  for (let r = 0, i = 0; r < t.rows; r++) {
    let o = t.base + r * t.rowStride;
    for (let c = 0; c < t.cols; c++, i++, o += t.colStride) {
      const u = xy.u[i]!, v = xy.v[i]!;
      let bad = !(u >= 0 && u < width && v >= 0 && v < height);
      let val = 0;
      if (!bad) {
        val = src[(Math.floor(v) - win.y0) * ww + (Math.floor(u) - win.x0)]!;
        bad = !valid(val);
      }
      store(o, bad ? 0 : val);
      if (mask !== undefined) mask[o] = bad ? 1 : 0;
    }
  }
}

export function sampleBilinear(t: Target, xy: Coords, src: SampleArray, win: PixelWindow, width: number, height: number, nodata: number | null): void {
  const store = storeOf(t.out, !isFloatOut(t.out));
  const valid = validOf(nodata);
  const mask = t.out.mask;
  const ww = win.x1 - win.x0;
  const at = (col: number, row: number): number => (col < win.x0 || col >= win.x1 || row < win.y0 || row >= win.y1 ? NaN : src[(row - win.y0) * ww + (col - win.x0)]!);
  for (let r = 0, i = 0; r < t.rows; r++) {
    let o = t.base + r * t.rowStride;
    for (let c = 0; c < t.cols; c++, i++, o += t.colStride) {
      const u = xy.u[i]!, v = xy.v[i]!;
      let sum = 0, weight = 0;
      if (u >= 0 && u < width && v >= 0 && v < height) {
        const x = u - 0.5, y = v - 0.5;
        const x0 = Math.floor(x), y0 = Math.floor(y);
        const fx = x - x0, fy = y - y0;
        for (let k = 0; k < 4; k++) {
          const dx = k & 1, dy = k >> 1;
          const w = (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy);
          const col = x0 + dx, row = y0 + dy;
          if (w === 0 || col < 0 || col >= width || row < 0 || row >= height) continue;
          const s = at(col, row);
          if (Number.isNaN(s) || !valid(s)) continue;
          sum += w * s;
          weight += w;
        }
      }
      const bad = weight === 0;
      store(o, bad ? 0 : sum / weight);
      if (mask !== undefined) mask[o] = bad ? 1 : 0;
    }
  }
}
