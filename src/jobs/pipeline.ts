/**
 * What compute and inspect share: a result from the cache or from the engine, then delivered in
 * the requested format to the requested destination.
 */
import type { Node } from "../graph/node.js";
import { cacheGet, cacheKey, cachePut, persistable } from "../cache/index.js";
import { evaluate, evaluateStreamed, scalarOf, type ArrayValue, type EvaluateOptions } from "../compute/evaluate.js";
import { deliver, ZarrWriter } from "../destinations/index.js";
import { ZarrBlockSink } from "../destinations/zarr-sink.js";
import { defaultFillValue } from "../core/dtype.js";
import type { ComputeResult } from "../formats/index.js";
import { chunksOf } from "../../scheduler/chunks.js";
import type { Executor, Progress } from "../../scheduler/execute.js";
import type { RunOptions } from "./options.js";
import { geoContextOf } from "../imagery/bind.js";
import type { ResultView } from "../imagery/deliver.js";
import type { GeoTiffFormat } from "../imagery/encode.js";
import { streamGeoTiff, streamsGeoTiff } from "../imagery/stream.js";

/** The expression to run: `node` with its parameters bound, and what names the arguments by content. */
export interface Bound {
  /** The expression as built (with parameter placeholders): what the cache keys. */
  readonly graph: Node;
  /** The expression with the arguments substituted: what runs. */
  readonly node: Node;
  readonly argsDigest: string;
}

export type Produced = {
  readonly tasksRun: number;
  readonly cacheHit: boolean;
} & (
  | { readonly value: ArrayValue; readonly delivered?: undefined }
  /** The result went to its destination while it was computed (a streamed Zarr array). */
  | { readonly value?: undefined; readonly delivered: unknown }
);

export interface ProduceHooks {
  readonly signal: AbortSignal;
  readonly onRunning?: () => void;
  readonly onProgress?: (p: Progress) => void;
}

/**
 * How the caller would deliver the result, so that it can go to its destination while it is
 * computed instead of after: a Zarr destination takes the engine's array as it is (no imagery
 * `view`), a GeoTIFF file or download takes either.
 */
export interface Streamable {
  readonly view: ResultView | undefined;
}

export async function produce(b: Bound, o: RunOptions, executor: Executor, hooks: ProduceHooks, stream: Streamable | false = false): Promise<Produced> {
  const key = o.cache ? await cacheKey(b.graph, b.argsDigest, o.geoctx) : undefined;
  if (key !== undefined) {
    const hit = await cacheGet(key);
    if (hit !== undefined) return { value: hit, tasksRun: 0, cacheHit: true };
  }
  hooks.onRunning?.();
  const eo: EvaluateOptions = {
    executor,
    signal: hooks.signal,
    ...(hooks.onProgress === undefined ? {} : { onProgress: hooks.onProgress }),
  };
  const dest = o.destination;
  // A streamed result is never whole in memory, so it is not cached.
  if (stream !== false && stream.view === undefined && dest.type === "zarr" && b.node.kind === "array") return streamToZarr(b.node, eo, dest, hooks.signal);
  // A GeoTIFF is an image that fits in memory: with the cache on it is computed whole and cached
  // (a later compute is a hit); streaming it only overlaps the encoding with the compute.
  if (key === undefined && stream !== false && streamsGeoTiff(o.format, dest) && b.node.kind === "array") {
    const r = await streamGeoTiff(b.node, eo, o.format as GeoTiffFormat, dest, geoContextOf(o.geoctx), stream.view, hooks.signal);
    return { ...r, cacheHit: false };
  }
  const r = await evaluate(b.node, eo);
  if (key !== undefined) await cachePut(key, r.value, persistable(b.graph));
  return { value: r.value, tasksRun: r.stats.tasks, cacheHit: false };
}

async function streamToZarr(node: Node, eo: EvaluateOptions, dest: { path: string; version: 2 | 3; chunks?: readonly number[] }, signal: AbortSignal): Promise<Produced> {
  let writer: ZarrWriter | undefined;
  let sink: ZarrBlockSink | undefined;
  try {
    const r = await evaluateStreamed(node, eo, async (n) => {
      const chunks = dest.chunks ?? chunksOf(n); // options.ts checked one size per axis
      const fillValue = n.masked ? defaultFillValue(n.dtype) : n.dtype === "bool" ? false : 0;
      writer = await ZarrWriter.open(dest.path, dest.version, { shape: n.shape, chunks, dtype: n.dtype, fillValue });
      sink = new ZarrBlockSink(writer, n.shape, chunks, n.dtype, n.masked);
      return sink;
    });
    if (!r.streamed) return { value: r.value, tasksRun: r.stats.tasks, cacheHit: false };
    sink!.checkComplete();
    signal.throwIfAborted();
    return { delivered: await writer!.commit(), tasksRun: r.stats.tasks, cacheHit: false };
  } catch (e) {
    await writer?.abort();
    throw e;
  }
}

export function toResult(node: Node, v: ArrayValue): ComputeResult {
  return node.kind === "scalar" ? scalarOf(v) : v;
}

/** `view` shapes the array an Image or ImageCollection computed into its result. */
export function finish(node: Node, value: ArrayValue, o: RunOptions, signal: AbortSignal, view?: ResultView): Promise<unknown> {
  const geocontext = geoContextOf(o.geoctx);
  return deliver({
    geocontext,
    ...(view === undefined ? {} : { imagery: view(value, geocontext) }),
    value,
    result: toResult(node, value),
    dtype: node.dtype,
    format: o.format,
    destination: o.destination,
    chunks: value.shape.length === node.shape.length && !node.shape.includes(-1) ? chunksOf(node) : value.shape.map((s) => Math.max(1, s)),
    signal,
  });
}
