/**
 * `ImageResult` and `ImageCollectionResult`: what Image and ImageCollection compute to. The array
 * keeps its mask; properties are one object per image; bandinfo is keyed by band name.
 */
import type { MaskedNDArray } from "../core/ndarray.js";
import type { DTypeName } from "../core/dtype.js";
import type { JsonValue } from "./catalog/types.js";
import type { Bounds, Grid } from "./geocontext.js";
import type { GeoTransform } from "./tiff/geokeys.js";

export type Properties = { readonly [k: string]: JsonValue };

export interface BandDescription {
  readonly name: string;
  readonly dtype: DTypeName;
  readonly nodata: number | null;
  readonly dataRange: readonly [number, number] | null;
  readonly description: string;
}

export type BandInfoMap = { readonly [name: string]: BandDescription };

/** The grid a result was computed on, as plain data. */
export interface GeoContextInfo {
  readonly bounds: Bounds;
  readonly crs: string;
  readonly resolution: number;
  /** [rows, cols]. */
  readonly shape: readonly [number, number];
  readonly transform: GeoTransform;
}

export function geoContextInfo(g: Grid): GeoContextInfo {
  const t = g.transform;
  return { bounds: [t[0], t[3] + g.height * t[5], t[0] + g.width * t[1], t[3]], crs: g.crs, resolution: t[1], shape: [g.height, g.width], transform: t };
}

export function bandInfoMap(bands: readonly BandDescription[]): BandInfoMap {
  return Object.fromEntries(bands.map((b) => [b.name, b]));
}

export class ImageResult {
  constructor(
    /** (band, y, x). */
    readonly ndarray: MaskedNDArray,
    readonly properties: Properties,
    readonly bandinfo: BandInfoMap,
    readonly geocontext: GeoContextInfo | null,
  ) {}
}

export class ImageCollectionResult {
  constructor(
    /** (image, band, y, x). */
    readonly ndarray: MaskedNDArray,
    readonly properties: readonly Properties[],
    readonly bandinfo: BandInfoMap,
    readonly geocontext: GeoContextInfo | null,
  ) {}
}
