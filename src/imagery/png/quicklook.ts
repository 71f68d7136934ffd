/**
 * A quicklook of a (band, y, x) raster: one band through a colormap, two or three bands as red,
 * green (and blue), each scaled linearly from its range to 0–255; masked and NaN pixels transparent.
 */
import type { TypedArray } from "../../core/dtype.js";
import { colormapTable, type ColormapName } from "./colormap.js";
import { encodePng } from "./encode.js";

export type Range = readonly [number, number];

export interface QuicklookInput {
  readonly width: number;
  readonly height: number;
  readonly bands: number;
  readonly data: TypedArray;
  readonly mask?: Uint8Array;
}

export interface QuicklookOptions {
  /** One [low, high] per band; default: each band's 2nd to 98th percentile. */
  scales?: readonly Range[];
  /** For a one-band quicklook (default viridis). */
  colormap?: ColormapName;
}

const valueAt = (d: TypedArray, i: number): number => Number(d[i]!);

/** The 2nd and 98th percentiles of a band's valid values (from at most ~65k samples). */
export function robustRange(r: QuicklookInput, band: number): Range {
  const plane = r.width * r.height;
  const step = Math.max(1, Math.floor(plane / 65536));
  const vals: number[] = [];
  for (let p = 0; p < plane; p += step) {
    const i = band * plane + p;
    if (r.mask !== undefined && r.mask[i] !== 0) continue;
    const v = valueAt(r.data, i);
    if (Number.isFinite(v)) vals.push(v);
  }
  if (vals.length === 0) return [0, 1];
  vals.sort((a, b) => a - b);
  const lo = vals[Math.floor(0.02 * (vals.length - 1))]!;
  const hi = vals[Math.ceil(0.98 * (vals.length - 1))]!;
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

export function quicklookPng(r: QuicklookInput, o: QuicklookOptions = {}): Uint8Array {
  if (r.bands < 1 || r.bands > 3) throw new RangeError(`a PNG quicklook shows 1 to 3 bands, got ${r.bands}: pick bands first`);
  if (o.scales !== undefined && o.scales.length !== r.bands) throw new RangeError(`png scales: got ${o.scales.length} ranges for ${r.bands} bands`);
  const plane = r.width * r.height;
  const scales = Array.from({ length: r.bands }, (_, b) => o.scales?.[b] ?? robustRange(r, b));
  const rgba = new Uint8Array(plane * 4);
  const table = r.bands === 1 ? colormapTable(o.colormap ?? "viridis") : undefined;
  for (let p = 0; p < plane; p++) {
    let valid = true;
    const level = [0, 0, 0];
    for (let b = 0; b < r.bands; b++) {
      const i = b * plane + p;
      const v = valueAt(r.data, i);
      if ((r.mask !== undefined && r.mask[i] !== 0) || Number.isNaN(v)) {
        valid = false;
        break;
      }
      const [lo, hi] = scales[b]!;
      level[b] = Math.max(0, Math.min(255, Math.round(((v - lo) / (hi - lo)) * 255)));
    }
    if (!valid) continue;
    const o4 = p * 4;
    if (table !== undefined) {
      rgba[o4] = table[level[0]! * 3]!;
      rgba[o4 + 1] = table[level[0]! * 3 + 1]!;
      rgba[o4 + 2] = table[level[0]! * 3 + 2]!;
    } else {
      rgba[o4] = level[0]!;
      rgba[o4 + 1] = level[1]!;
      rgba[o4 + 2] = level[2]!;
    }
    rgba[o4 + 3] = 255;
  }
  return encodePng(rgba, r.width, r.height, 4);
}
