/**
 * Delivering a computed result: returned (`download`), encoded into a file or stream, or written
 * chunk by chunk as a Zarr array.
 */
import type { DTypeName } from "../core/dtype.js";
import { MaskedNDArray, type NDArray } from "../core/ndarray.js";
import { encodeResult, type ComputeResult, type FormatSpec } from "../formats/index.js";
import { writeFileAtomic, writeToStream } from "./file.js";
import { chunkIndices, extractChunk, gridShape } from "./grid.js";
import type { DestinationSpec } from "./spec.js";
import { ZarrWriter, type ZarrWritten } from "./zarr.js";
import { deliverImagery, isImageryDelivery } from "../imagery/deliver.js";
import type { GeoContextInfo, ImageCollectionResult, ImageResult } from "../imagery/results.js";

export { resolveDestination, describeDestination, DESTINATION_TYPES } from "./spec.js";
export type { DestinationSpec, DestinationInput } from "./spec.js";
export { ZarrWriter } from "./zarr.js";
export type { ZarrWritten } from "./zarr.js";
export type { ChunkData } from "./grid.js";

export interface FileWritten {
  readonly type: "file";
  readonly path: string | undefined;
  readonly bytes: number;
}

export interface DeliverInput {
  /** The result as the engine computed it (always an array; 0-d for scalars). */
  readonly value: NDArray | MaskedNDArray;
  /** The result as `compute` returns it under the native format. */
  readonly result: ComputeResult;
  readonly dtype: DTypeName;
  readonly format: FormatSpec;
  readonly destination: DestinationSpec;
  /** Zarr chunk shape when the destination gives none. */
  readonly chunks: readonly number[];
  /** Aborted: stop writing and leave nothing under the final name. */
  readonly signal?: AbortSignal;
  /** The Image or ImageCollection result, when imagery was computed. */
  readonly imagery?: ImageResult | ImageCollectionResult;
  /** The grid of the compute call's GeoContext, if it had one. */
  readonly geocontext?: GeoContextInfo | null;
}

/** Write a whole in-memory array as a Zarr array, one chunk at a time. */
export async function writeZarr(
  path: string, version: 2 | 3, value: NDArray | MaskedNDArray, chunks: readonly number[], signal?: AbortSignal,
): Promise<ZarrWritten> {
  const fillValue = value instanceof MaskedNDArray ? value.fillValue : value.dtype === "bool" ? false : 0;
  const w = await ZarrWriter.open(path, version, { shape: value.shape, chunks, dtype: value.dtype, fillValue });
  try {
    for (const idx of chunkIndices(gridShape(value.shape, chunks))) {
      signal?.throwIfAborted();
      await w.writeChunk(idx, extractChunk(value, chunks, idx));
    }
    signal?.throwIfAborted();
    return await w.commit();
  } catch (e) {
    await w.abort();
    throw e;
  }
}

export async function deliver(d: DeliverInput): Promise<unknown> {
  const dest = d.destination;
  if (isImageryDelivery(d.format, dest, d.imagery)) {
    return deliverImagery({ ...d, imagery: d.imagery, geocontext: d.geocontext ?? null });
  }
  switch (dest.type) {
    case "download":
      return encodeResult(d.result, d.format, { dtype: d.dtype });
    case "file": {
      const bytes = encodeResult(d.result, d.format, { dtype: d.dtype });
      if (!(bytes instanceof Uint8Array)) throw new TypeError(`format "${d.format.type}" does not give bytes to write to a file`);
      if ("stream" in dest) await writeToStream(dest.stream, bytes);
      else await writeFileAtomic(dest.path, bytes, d.signal);
      const out: FileWritten = { type: "file", path: "path" in dest ? dest.path : undefined, bytes: bytes.length };
      return out;
    }
    case "zarr":
      return writeZarr(dest.path, dest.version, d.value, dest.chunks ?? d.chunks, d.signal);
  }
}
