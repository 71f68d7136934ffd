/** The parameters of a bound imagery source, as the main thread builds them (checked on arrival). */
import type { Georef } from "./coords.js";

export interface BandSource extends Georef {
  readonly path: string;
  readonly sample: number;
  readonly width: number;
  readonly height: number;
  readonly nodata: number | null;
}

export interface GridParams extends Georef {
  readonly width: number;
  readonly height: number;
}

export type Resampler = "near" | "bilinear";

export interface ImagerySourceParams {
  readonly images: readonly { readonly bands: readonly BandSource[] }[];
  readonly resampler: Resampler;
  /** Absent until a GeoContext binds the source. */
  readonly grid?: GridParams;
}

export function imageryParams(p: { readonly [k: string]: unknown }): ImagerySourceParams & { grid: GridParams } {
  const images = p["images"];
  const grid = p["grid"] as GridParams | undefined;
  if (!Array.isArray(images)) throw new TypeError("geotiff reader: parameter 'images' must be a list");
  if (grid === undefined || typeof grid !== "object") throw new TypeError("geotiff reader: the source is not bound to a GeoContext");
  const resampler = p["resampler"] === "bilinear" ? "bilinear" : "near";
  return { images: images as ImagerySourceParams["images"], resampler, grid };
}
