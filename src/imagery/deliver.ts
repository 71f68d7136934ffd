/**
 * Delivering imagery: Image and ImageCollection results (and arrays computed with a GeoContext) in
 * the `geotiff` and `png` formats, returned or written to a file, or added to the catalog.
 */
import { ProxyTypeError } from "../core/errors.js";
import { MaskedNDArray, NDArray } from "../core/ndarray.js";
import type { ArrayValue } from "../compute/evaluate.js";
import type { FormatSpec } from "../formats/spec.js";
import { writeFileAtomic, writeToStream } from "../destinations/file.js";
import type { DestinationSpec } from "../destinations/spec.js";
import { oneBand } from "./bands.js";
import { joinPieces } from "./tiff/write.js";
import { encodeGeoTiff, encodePng, type GeoTiffFormat, type PngFormat } from "./encode.js";
import { bandInfoMap, ImageCollectionResult, ImageResult, type GeoContextInfo } from "./results.js";

/** How an imagery proxy shapes its computed array into its result. */
export type ResultView = (value: ArrayValue, geo: GeoContextInfo | null) => ImageResult | ImageCollectionResult;

export interface ImageryDelivery {
  readonly value: ArrayValue;
  /** The shaped result, when an Image or ImageCollection was computed. */
  readonly imagery: ImageResult | ImageCollectionResult | undefined;
  readonly geocontext: GeoContextInfo | null;
  readonly format: FormatSpec;
  readonly destination: DestinationSpec;
  readonly signal?: AbortSignal;
}

export function isImageryDelivery(format: FormatSpec, destination: DestinationSpec, imagery: unknown): boolean {
  return format.type === "geotiff" || format.type === "png" || destination.type === "catalog" || (imagery !== undefined && format.type === "native");
}

/** A plain (y, x) or (band, y, x) array computed with a GeoContext, as an image. */
function asImage(v: ArrayValue, geo: GeoContextInfo | null): ImageResult {
  if (geo === null) throw new ProxyTypeError("an array is written as an image only when computed with a GeoContext: compute({geoctx, ...})");
  const shape = v.shape.length === 2 ? [1, ...v.shape] : v.shape;
  if (shape.length !== 3) throw new ProxyTypeError(`an image takes a 2-d (y, x) or 3-d (band, y, x) array, got shape (${v.shape.join(", ")})`);
  const mask = v instanceof MaskedNDArray ? v.mask : new Uint8Array(v.data.length);
  const bands = Array.from({ length: shape[0]! }, (_, i) => oneBand(`band_${i + 1}`, v.dtype, ""));
  return new ImageResult(new MaskedNDArray(v.data, mask, shape, v.dtype), {}, bandInfoMap(bands), geo);
}

async function encode(d: ImageryDelivery): Promise<Uint8Array> {
  const subject = d.imagery ?? (d.value instanceof NDArray || d.value instanceof MaskedNDArray ? d.value : undefined);
  if (d.format.type === "geotiff") return encodeGeoTiff(subject, d.format as GeoTiffFormat, d.geocontext ?? undefined);
  if (d.format.type === "png") return encodePng(subject, d.format as PngFormat, d.geocontext ?? undefined);
  throw new ProxyTypeError(`imagery is written as "geotiff" or "png", not "${d.format.type}"`);
}

/** Encoded imagery to a `download` (the bytes) or `file` destination (written, maybe from pieces; where and how many bytes). */
export async function deliverBytes(bytes: Uint8Array | readonly Uint8Array[], dest: Extract<DestinationSpec, { type: "download" | "file" }>, signal?: AbortSignal): Promise<unknown> {
  if (dest.type === "download") return bytes instanceof Uint8Array ? bytes : joinPieces(bytes);
  if ("stream" in dest) await writeToStream(dest.stream, bytes);
  else await writeFileAtomic(dest.path, bytes, signal);
  const length = bytes instanceof Uint8Array ? bytes.length : bytes.reduce((s, b) => s + b.length, 0);
  return { type: "file", path: "path" in dest ? dest.path : undefined, bytes: length };
}

export async function deliverImagery(d: ImageryDelivery): Promise<unknown> {
  const dest = d.destination;
  switch (dest.type) {
    case "download":
      return d.format.type === "native" ? d.imagery : await encode(d);
    case "file":
      return deliverBytes(await encode(d), dest, d.signal);
    case "catalog": {
      // loaded on use: adding reads the new file back with geotiff.js
      const { addResultToCatalog } = await import("./catalog/destination.js");
      return addResultToCatalog(d.imagery ?? asImage(d.value, d.geocontext), dest.productId, dest.imageId);
    }
    case "zarr":
      throw new ProxyTypeError(`a zarr destination takes no imagery format`);
  }
}
