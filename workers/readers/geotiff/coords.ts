/**
 * Where each output pixel centre falls in a source image, as continuous pixel coordinates
 * (u = column, v = row; pixel (i, j) covers [i, i+1) × [j, j+1)). Same CRS: one affine map. Other
 * CRSs: proj4 on a lattice every 16 pixels, bilinear in between; a lattice cell whose centre strays
 * from the exact transform by more than 0.02 pixel (or that has an untransformable corner) is
 * transformed pixel by pixel.
 */
import proj4 from "proj4";

export type GeoTransform = readonly [number, number, number, number, number, number];

export interface Georef {
  readonly transform: GeoTransform;
  readonly proj4: string;
  readonly crs: string;
}

export interface Block {
  readonly r0: number;
  readonly c0: number;
  readonly rows: number;
  readonly cols: number;
}

export interface Coords {
  readonly u: Float64Array;
  readonly v: Float64Array;
}

const STEP = 16;
const TOLERANCE = 0.02;

type Converter = (x: number, y: number) => [number, number];
const converters = new Map<string, Converter>();

function converter(from: string, to: string): Converter {
  const key = `${from}\0${to}`;
  let c = converters.get(key);
  if (c === undefined) {
    const p = proj4(from, to);
    c = (x, y) => {
      try {
        const r = p.forward([x, y]);
        return [r[0]!, r[1]!];
      } catch {
        return [NaN, NaN];
      }
    };
    converters.set(key, c);
  }
  return c;
}

/** Pixel coordinates in `src` of a point in its CRS. */
function inverseAffine(t: GeoTransform): (x: number, y: number) => [number, number] {
  const det = t[1] * t[5] - t[2] * t[4];
  return (x, y) => {
    const dx = x - t[0], dy = y - t[3];
    return [(t[5] * dx - t[2] * dy) / det, (-t[4] * dx + t[1] * dy) / det];
  };
}

function centre(t: GeoTransform, r: number, c: number): [number, number] {
  return [t[0] + (c + 0.5) * t[1] + (r + 0.5) * t[2], t[3] + (c + 0.5) * t[4] + (r + 0.5) * t[5]];
}

function affineCoords(src: Georef, grid: Georef, b: Block): Coords {
  const toPix = inverseAffine(src.transform);
  const n = b.rows * b.cols;
  const u = new Float64Array(n), v = new Float64Array(n);
  const [u00, v00] = toPix(...centre(grid.transform, b.r0, b.c0));
  const [u01, v01] = toPix(...centre(grid.transform, b.r0, b.c0 + 1));
  const [u10, v10] = toPix(...centre(grid.transform, b.r0 + 1, b.c0));
  const duc = u01 - u00, dvc = v01 - v00, dur = u10 - u00, dvr = v10 - v00;
  for (let r = 0, i = 0; r < b.rows; r++) {
    for (let c = 0; c < b.cols; c++, i++) {
      u[i] = u00 + c * duc + r * dur;
      v[i] = v00 + c * dvc + r * dvr;
    }
  }
  return { u, v };
}

function latticeAxis(n: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < n - 1; k += STEP) out.push(k);
  out.push(n - 1);
  return out;
}

function projectedCoords(src: Georef, grid: Georef, b: Block): Coords {
  const conv = converter(grid.proj4, src.proj4);
  const toPix = inverseAffine(src.transform);
  const exact = (r: number, c: number): [number, number] => {
    const [x, y] = centre(grid.transform, r, c);
    const [sx, sy] = conv(x, y);
    return toPix(sx, sy);
  };
  const rows = latticeAxis(b.rows), cols = latticeAxis(b.cols);
  const lu = new Float64Array(rows.length * cols.length), lv = new Float64Array(lu.length);
  rows.forEach((r, i) => cols.forEach((c, j) => {
    [lu[i * cols.length + j], lv[i * cols.length + j]] = exact(b.r0 + r, b.c0 + c);
  }));
  const u = new Float64Array(b.rows * b.cols), v = new Float64Array(u.length);
  for (let i = 0; i < rows.length; i++) {
    const ra = rows[i]!, rb = rows[i + 1] ?? ra;
    const lastRow = i === rows.length - 1;
    if (lastRow && rows.length > 1) continue;
    for (let j = 0; j < cols.length; j++) {
      const ca = cols[j]!, cb = cols[j + 1] ?? ca;
      if (j === cols.length - 1 && cols.length > 1) continue;
      const k00 = i * cols.length + j, k01 = k00 + (cb > ca ? 1 : 0), k10 = k00 + (rb > ra ? cols.length : 0), k11 = k10 + (cb > ca ? 1 : 0);
      const corners = [lu[k00]!, lu[k01]!, lu[k10]!, lu[k11]!, lv[k00]!, lv[k01]!, lv[k10]!, lv[k11]!];
      let interpolate = corners.every(Number.isFinite);
      if (interpolate && rb - ra > 1 && cb - ca > 1) {
        const mr = (ra + rb) >> 1, mc = (ca + cb) >> 1;
        const fr = (mr - ra) / (rb - ra), fc = (mc - ca) / (cb - ca);
        const [eu, ev] = exact(b.r0 + mr, b.c0 + mc);
        const iu = (1 - fr) * ((1 - fc) * lu[k00]! + fc * lu[k01]!) + fr * ((1 - fc) * lu[k10]! + fc * lu[k11]!);
        const iv = (1 - fr) * ((1 - fc) * lv[k00]! + fc * lv[k01]!) + fr * ((1 - fc) * lv[k10]! + fc * lv[k11]!);
        interpolate = Math.abs(eu - iu) <= TOLERANCE && Math.abs(ev - iv) <= TOLERANCE;
      }
      const rEnd = lastRow || i + 1 === rows.length - 1 ? rb : rb - 1;
      const cEnd = j + 1 === cols.length - 1 ? cb : cb - 1;
      for (let r = ra; r <= rEnd; r++) {
        const fr = rb > ra ? (r - ra) / (rb - ra) : 0;
        for (let c = ca; c <= cEnd; c++) {
          const o = r * b.cols + c;
          if (!interpolate) {
            [u[o], v[o]] = exact(b.r0 + r, b.c0 + c);
            continue;
          }
          const fc = cb > ca ? (c - ca) / (cb - ca) : 0;
          u[o] = (1 - fr) * ((1 - fc) * lu[k00]! + fc * lu[k01]!) + fr * ((1 - fc) * lu[k10]! + fc * lu[k11]!);
          v[o] = (1 - fr) * ((1 - fc) * lv[k00]! + fc * lv[k01]!) + fr * ((1 - fc) * lv[k10]! + fc * lv[k11]!);
        }
      }
    }
  }
  return { u, v };
}

export function sameGeoref(a: Georef, b: Georef): boolean {
  return a.crs === b.crs || a.proj4 === b.proj4;
}

export function sourceCoords(src: Georef, grid: Georef, b: Block): Coords {
  return sameGeoref(src, grid) ? affineCoords(src, grid, b) : projectedCoords(src, grid, b);
}
