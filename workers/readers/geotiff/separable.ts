/**
 * The common case, read without per-pixel coordinates: same CRS, north-up grids, nearest. The source
 * column of an output pixel then depends on its column only, the source row on its row only.
 */
import type { Operand } from "../../codegen/loops.js";
import type { Block, Georef } from "./coords.js";
import type { Target } from "./sample.js";
import type { PixelWindow, SampleArray } from "./window.js";

export interface AxisMaps {
  /** Source column per output column, -1 outside the image. */
  readonly cols: Int32Array;
  /** Source row per output row, -1 outside the image. */
  readonly rows: Int32Array;
}

const northUp = (t: Georef["transform"]): boolean => t[2] === 0 && t[4] === 0;

export function separable(src: Georef, grid: Georef): boolean {
  return (src.crs === grid.crs || src.proj4 === grid.proj4) && northUp(src.transform) && northUp(grid.transform);
}

function axis(n: number, first: number, gridOrigin: number, gridStep: number, srcOrigin: number, srcStep: number, size: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const x = gridOrigin + (first + i + 0.5) * gridStep;
    const u = (x - srcOrigin) / srcStep;
    out[i] = u >= 0 && u < size ? Math.floor(u) : -1;
  }
  return out;
}

export function axisMaps(src: Georef, grid: Georef, b: Block, width: number, height: number): AxisMaps {
  const s = src.transform, g = grid.transform;
  return { cols: axis(b.cols, b.c0, g[0], g[1], s[0], s[1], width), rows: axis(b.rows, b.r0, g[3], g[5], s[3], s[5], height) };
}

function range(a: Int32Array): [number, number] | null {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (v < 0) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo === Infinity ? null : [lo, hi + 1];
}

export function mapsWindow(m: AxisMaps): PixelWindow | null {
  const c = range(m.cols), r = range(m.rows);
  return c === null || r === null ? null : { x0: c[0], x1: c[1], y0: r[0], y1: r[1] };
}

type Plain = Exclude<Operand["data"], BigInt64Array | BigUint64Array>;

/** The first source column when the output columns map to consecutive source columns, else -1. */
function consecutive(cols: Int32Array): number {
  const first = cols[0]!;
  if (first < 0) return -1;
  for (let c = 1; c < cols.length; c++) if (cols[c] !== first + c) return -1;
  return first;
}

/** Whole rows copied at once (same pixel size, grid aligned): the usual analysis-ready read. */
function copyRows(t: Target, m: AxisMaps, src: SampleArray, win: PixelWindow, nodata: number | null, first: number): void {
  const data = t.out.data as Plain;
  const mask = t.out.mask;
  const ww = win.x1 - win.x0;
  const nanNodata = nodata !== null && Number.isNaN(nodata);
  for (let r = 0; r < t.rows; r++) {
    const sr = m.rows[r]!;
    const o = t.base + r * t.rowStride;
    if (sr < 0) {
      data.fill(0, o, o + t.cols);
      mask?.fill(1, o, o + t.cols);
      continue;
    }
    const s = (sr - win.y0) * ww + (first - win.x0);
    data.set(src.subarray(s, s + t.cols), o);
    if (mask === undefined) continue;
    if (nodata === null) {
      mask.fill(0, o, o + t.cols);
      continue;
    }
    for (let c = 0; c < t.cols; c++) {
      const v = src[s + c]!;
      const bad = nanNodata ? v !== v : v === nodata;
      mask[o + c] = bad ? 1 : 0;
      if (bad) data[o + c] = 0;
    }
  }
}

export function sampleSeparable(t: Target, m: AxisMaps, src: SampleArray, win: PixelWindow, nodata: number | null): void {
  const data = t.out.data;
  const first = t.colStride === 1 && !(data instanceof BigInt64Array || data instanceof BigUint64Array) ? consecutive(m.cols) : -1;
  if (first >= 0) return copyRows(t, m, src, win, nodata, first);
  const big = data instanceof BigInt64Array || data instanceof BigUint64Array;
  const plain = data as Plain;
  const mask = t.out.mask;
  const ww = win.x1 - win.x0;
  const nanNodata = nodata !== null && Number.isNaN(nodata);
  for (let r = 0; r < t.rows; r++) {
    const sr = m.rows[r]!;
    let o = t.base + r * t.rowStride;
    const base = (sr - win.y0) * ww - win.x0;
    for (let c = 0; c < t.cols; c++, o += t.colStride) {
      const sc = m.cols[c]!;
      let v = 0;
      let bad = sr < 0 || sc < 0;
      if (!bad) {
        v = src[base + sc]!;
        bad = nanNodata ? v !== v : v === nodata;
      }
      if (big) (data as BigInt64Array)[o] = BigInt(bad ? 0 : v);
      else plain[o] = bad ? 0 : v;
      if (mask !== undefined) mask[o] = bad ? 1 : 0;
    }
  }
}
