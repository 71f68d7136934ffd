/**
 * A GeoTIFF written while its result is computed: result boxes go to a `GeoTiffTileSink` as tasks
 * finish, so cutting and compressing blocks overlaps the compute and only the directory and the
 * file write are left after the last task. The bytes are those `encodeGeoTiff` writes for the
 * whole result. A plan whose result can't stream comes back whole, for the usual delivery.
 */
import { MaskedNDArray } from "../core/ndarray.js";
import { allocate } from "../core/dtype.js";
import { sizeOf } from "../core/shape.js";
import type { Node } from "../graph/node.js";
import { evaluateStreamed, type ArrayValue, type EvaluateOptions } from "../compute/evaluate.js";
import type { DestinationSpec } from "../destinations/spec.js";
import type { FormatSpec } from "../formats/spec.js";
import { deliverBytes, type ResultView } from "./deliver.js";
import { planStreamedGeoTiff, type GeoTiffFormat } from "./encode.js";
import type { GeoContextInfo } from "./results.js";
import { GeoTiffTileSink } from "./tiff/tile-sink.js";
import { fillOf, geoTiffPieces, joinPieces, tiffLayout } from "./tiff/write.js";

export type FileOrDownload = Extract<DestinationSpec, { type: "download" | "file" }>;

/** Streamed: a GeoTIFF returned or written to a file (PNG needs every pixel for its stretch; the catalog reads the file back). */
export function streamsGeoTiff(format: FormatSpec, dest: DestinationSpec): dest is FileOrDownload {
  return format.type === "geotiff" && (dest.type === "download" || dest.type === "file");
}

/** The result as the view sees it, without pixels: the same leading axes, y and x of size 0. */
function standInOf(n: Pick<Node, "shape" | "dtype">, view: ResultView | undefined, geo: GeoContextInfo | null): unknown {
  const shape = n.shape.map((s, a) => (a >= n.shape.length - 2 ? 0 : s));
  const size = sizeOf(shape);
  const a = new MaskedNDArray(allocate(n.dtype, size, false), new Uint8Array(size), shape, n.dtype);
  return view === undefined ? a : view(a, geo);
}

/** A GeoTIFF being assembled from result boxes: the sink that takes them, then the file's bytes. */
export interface GeoTiffStream {
  readonly sink: GeoTiffTileSink;
  /** The file once every box arrived: header and directory, then the compressed blocks (not joined). */
  pieces(): Promise<Uint8Array[]>;
  bytes(): Promise<Uint8Array>;
}

/** The result `n` (shape, dtype, masked) as it will be written; refuses what `encodeGeoTiff` would refuse. */
export function openGeoTiffStream(
  n: Pick<Node, "shape" | "dtype" | "masked">, format: GeoTiffFormat, geo: GeoContextInfo | null, view: ResultView | undefined,
): GeoTiffStream {
  const plan = planStreamedGeoTiff(standInOf(n, view, geo), n.shape, format, geo ?? undefined);
  const { info } = plan;
  const layout = tiffLayout(info.width, info.height, plan.options);
  // the fill if any pixel is masked; an unmasked result has none unless the bands declare nodata
  const header = plan.header(n.masked);
  const sink = new GeoTiffTileSink(layout, {
    bands: info.bands, height: info.height, width: info.width, dtype: header.dtype, fill: fillOf(header), nodataIfMasked: plan.nodataIfMasked && n.masked,
  });
  const pieces = async (): Promise<Uint8Array[]> => {
    const { blocks, anyMasked } = await sink.finish();
    return geoTiffPieces(plan.header(anyMasked), layout, blocks);
  };
  return { sink, pieces, bytes: async () => joinPieces(await pieces()) };
}

export type StreamedGeoTiff = { readonly delivered: unknown; readonly tasksRun: number } | { readonly value: ArrayValue; readonly tasksRun: number };

export async function streamGeoTiff(
  node: Node, eo: EvaluateOptions, format: GeoTiffFormat, dest: FileOrDownload, geo: GeoContextInfo | null, view: ResultView | undefined, signal: AbortSignal,
): Promise<StreamedGeoTiff> {
  let out: GeoTiffStream | undefined;
  const r = await evaluateStreamed(node, eo, (n) => {
    out = openGeoTiffStream(n, format, geo, view);
    return Promise.resolve(out.sink);
  });
  if (!r.streamed) return { value: r.value, tasksRun: r.stats.tasks };
  // a file takes the pieces unjoined: joining B6's 13 MB into fresh pages took 10-15 ms of the tail
  const pieces = await out!.pieces();
  signal.throwIfAborted();
  return { delivered: await deliverBytes(pieces, dest, signal), tasksRun: r.stats.tasks };
}
