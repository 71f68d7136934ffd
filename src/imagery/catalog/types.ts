/**
 * What a catalog holds. A product is a folder with `product.json` (bands and images) and the
 * GeoTIFF files of its images; file paths are relative to the product folder.
 */
import type { DTypeName } from "../../core/dtype.js";
import type { GeoTransform } from "../tiff/geokeys.js";

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [k: string]: JsonValue };

export interface BandInfo {
  readonly name: string;
  readonly dtype: DTypeName;
  readonly nodata: number | null;
  /** The range valid values take, when known. */
  readonly dataRange: readonly [number, number] | null;
  readonly description: string;
}

/** One GeoTIFF of an image, with what its header says. */
export interface RasterFile {
  readonly path: string;
  readonly width: number;
  readonly height: number;
  readonly samples: number;
  readonly dtype: DTypeName;
  readonly nodata: number | null;
  /** "EPSG:<code>". */
  readonly crs: string;
  readonly transform: GeoTransform;
}

export interface CatalogImage {
  readonly id: string;
  /** ISO 8601 acquisition time (UTC). */
  readonly date: string;
  readonly properties: { readonly [k: string]: JsonValue };
  readonly files: readonly RasterFile[];
  /** Per product band: which file and sample holds it. */
  readonly bands: readonly { readonly file: number; readonly sample: number }[];
}

export interface Product {
  readonly version: 1;
  readonly id: string;
  readonly bands: readonly BandInfo[];
  readonly images: readonly CatalogImage[];
}

/** A malformed catalog, a refused file or a missing product or image. */
export class CatalogError extends Error {
  override name = "CatalogError";
}
