/**
 * The job server's wire protocol, shared by the server and `wf.Client`: routes, content types, and
 * how arguments travel (in-memory arrays as MessagePack result maps, lazy proxies as graph documents).
 */
import { MaskedNDArray, NDArray } from "../core/ndarray.js";
import { encodeResult } from "../formats/index.js";
import { encodeDocument } from "../graph/document-codec.js";
import type { Node } from "../graph/node.js";
import { saveGraph } from "../graph/serialize.js";
import { GeoContext } from "../imagery/geocontext.js";

export const API = "/v1";
export const MSGPACK_TYPE = "application/msgpack";

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  npy: "application/octet-stream",
  arrow: "application/vnd.apache.arrow.stream",
  msgpack: MSGPACK_TYPE,
  json: "application/json",
  geotiff: "image/tiff",
  png: "image/png",
};

/** The error body of every non-2xx answer. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly jobId?: string;
}

export interface JobStatus {
  readonly id: string;
  readonly stage: string;
  readonly progress: { waiting: number; ready: number; running: number; finished: number; total: number };
  readonly done: boolean;
  readonly error?: WireError;
}

/**
 * A GeoContext as it travels: the options that rebuild the same grid (bounds already in its CRS;
 * the resolution when it was given, so the server computes the very same pixel size).
 */
export function encodeGeoContext(g: unknown): unknown {
  return g instanceof GeoContext ? g.toOptions() : g;
}

/** One argument as it travels: arrays and proxies tagged, everything else as itself. */
export function encodeArgument(v: unknown): unknown {
  if (v instanceof NDArray || v instanceof MaskedNDArray) return { $array: encodeResult(v, { type: "msgpack" }) };
  if (typeof v === "object" && v !== null && "node" in v && typeof (v as { node: unknown }).node === "object") {
    return { $graph: encodeDocument(saveGraph((v as { node: Node }).node)) };
  }
  return v;
}
