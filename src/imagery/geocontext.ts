/**
 * `wf.GeoContext`: the area, grid and projection a computation reads at. Bounds may be given in
 * another CRS (`boundsCrs`); they are projected by sampling the edges. The grid is north-up with
 * square or given-shape pixels, its origin at the top left of the bounds.
 */
import proj4 from "proj4";
import { ProxyTypeError } from "../core/errors.js";
import { parseCrs, type Crs } from "./crs.js";
import type { GeoTransform } from "./tiff/geokeys.js";
import type { PublishOptions } from "../registry/publish.js";
import type { Workflow } from "../registry/workflow.js";

export type Bounds = readonly [number, number, number, number];

export interface GeoContextOptions {
  bounds: Bounds;
  crs: string;
  resolution?: number;
  shape?: readonly [number, number];
  boundsCrs?: string;
}

/** The output grid, as plain data (it travels to the workers with imagery sources). */
export interface Grid {
  readonly crs: string;
  readonly proj4: string;
  readonly transform: GeoTransform;
  readonly width: number;
  readonly height: number;
}

const EDGE_SAMPLES = 21;

function checkBounds(b: unknown): Bounds {
  if (!Array.isArray(b) || b.length !== 4 || !b.every((v) => typeof v === "number" && Number.isFinite(v))) {
    throw new ProxyTypeError(`GeoContext bounds must be [xmin, ymin, xmax, ymax] (4 finite numbers), got ${JSON.stringify(b)}`);
  }
  const [x0, y0, x1, y1] = b as [number, number, number, number];
  if (!(x1 > x0 && y1 > y0)) throw new ProxyTypeError(`GeoContext bounds ${JSON.stringify(b)} are empty: need xmax > xmin and ymax > ymin`);
  return [x0, y0, x1, y1];
}

/** Bounds in `from` as bounds in `to`: the extent of points sampled along the edges. */
export function projectBounds(b: Bounds, from: Crs, to: Crs): Bounds {
  if (from.id === to.id) return b;
  const conv = proj4(from.proj4, to.proj4);
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let k = 0; k < EDGE_SAMPLES; k++) {
    const f = k / (EDGE_SAMPLES - 1);
    const pts: [number, number][] = [
      [b[0] + f * (b[2] - b[0]), b[1]], [b[0] + f * (b[2] - b[0]), b[3]],
      [b[0], b[1] + f * (b[3] - b[1])], [b[2], b[1] + f * (b[3] - b[1])],
    ];
    for (const p of pts) {
      const [x, y] = conv.forward(p);
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      x0 = Math.min(x0, x!); x1 = Math.max(x1, x!); y0 = Math.min(y0, y!); y1 = Math.max(y1, y!);
    }
  }
  if (!(x1 > x0 && y1 > y0)) throw new ProxyTypeError(`bounds ${JSON.stringify(b)} in ${from.id} do not project into ${to.id}`);
  return [x0, y0, x1, y1];
}

export class GeoContext {
  readonly bounds: Bounds;
  readonly crs: string;
  readonly resolution: number | undefined;
  readonly shape: readonly [number, number] | undefined;
  readonly boundsCrs: string | undefined;
  /** The grid this context reads at. */
  readonly grid: Grid;

  constructor(o: GeoContextOptions) {
    if (typeof o !== "object" || o === null) throw new ProxyTypeError("GeoContext takes an options object {bounds, crs, resolution | shape, boundsCrs?}");
    const known = new Set(["bounds", "crs", "resolution", "shape", "boundsCrs"]);
    for (const k of Object.keys(o)) if (!known.has(k)) throw new ProxyTypeError(`unknown GeoContext option '${k}'; valid options: ${[...known].join(", ")}`);
    const crs = parseCrs(o.crs);
    const given = checkBounds(o.bounds);
    const bounds = o.boundsCrs === undefined ? given : projectBounds(given, parseCrs(o.boundsCrs), crs);
    if ((o.resolution === undefined) === (o.shape === undefined)) throw new ProxyTypeError("GeoContext needs exactly one of resolution and shape");
    let width: number, height: number, dx: number, dy: number;
    if (o.resolution !== undefined) {
      if (!(typeof o.resolution === "number" && o.resolution > 0 && Number.isFinite(o.resolution))) {
        throw new ProxyTypeError(`GeoContext resolution must be a positive number, got ${JSON.stringify(o.resolution)}`);
      }
      dx = dy = o.resolution;
      width = Math.max(1, Math.round((bounds[2] - bounds[0]) / dx));
      height = Math.max(1, Math.round((bounds[3] - bounds[1]) / dy));
    } else {
      const s = o.shape!;
      if (!Array.isArray(s) || s.length !== 2 || !s.every((v) => Number.isInteger(v) && v > 0)) {
        throw new ProxyTypeError(`GeoContext shape must be [rows, cols] of positive integers, got ${JSON.stringify(s)}`);
      }
      [height, width] = s as [number, number];
      dx = (bounds[2] - bounds[0]) / width;
      dy = (bounds[3] - bounds[1]) / height;
    }
    this.bounds = bounds;
    this.crs = crs.id;
    this.resolution = o.resolution;
    this.shape = o.shape === undefined ? undefined : [o.shape[0], o.shape[1]];
    this.boundsCrs = o.boundsCrs;
    this.grid = Object.freeze({ crs: crs.id, proj4: crs.proj4, transform: [bounds[0], dx, 0, bounds[3], 0, -dy] as const, width, height });
  }

  get literalValue(): undefined {
    return undefined;
  }

  /** Options that rebuild this very grid: bounds in its CRS, and the resolution when it was given. */
  toOptions(): GeoContextOptions {
    const base = { bounds: this.bounds, crs: this.crs };
    return this.resolution !== undefined ? { ...base, resolution: this.resolution } : { ...base, shape: [this.grid.height, this.grid.width] };
  }

  /** Save as a versioned workflow (the registry loads only when publishing). */
  async publish(id: string, version: string, opts: PublishOptions = {}): Promise<Workflow> {
    return (await import("../registry/publish.js")).publish(this, id, version, opts);
  }
  get params(): string[] {
    return [];
  }

  /** The context as plain data: its bounds, CRS, pixel size, shape [rows, cols] and geotransform. */
  toJSON(): { bounds: Bounds; crs: string; resolution: number; shape: [number, number]; transform: GeoTransform } {
    const t = this.grid.transform;
    return { bounds: this.bounds, crs: this.crs, resolution: t[1], shape: [this.grid.height, this.grid.width], transform: t };
  }

  compute(): Promise<ReturnType<GeoContext["toJSON"]>> {
    return Promise.resolve(this.toJSON());
  }
  inspect(): Promise<ReturnType<GeoContext["toJSON"]>> {
    return this.compute();
  }
}
