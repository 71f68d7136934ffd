/**
 * What compute and inspect share: a result from the cache or from the engine, then delivered in
 * the requested format to the requested destination.
 */
import type { Node } from "../graph/node.js";
import { cacheGet, cacheKey, cachePut, persistable } from "../cache/index.js";
import { evaluate, scalarOf, type ArrayValue } from "../compute/evaluate.js";
import { deliver } from "../destinations/index.js";
import type { ComputeResult } from "../formats/index.js";
import { chunksOf } from "../../scheduler/chunks.js";
import type { Executor, Progress } from "../../scheduler/execute.js";
import type { RunOptions } from "./options.js";
import { geoContextOf } from "../imagery/bind.js";
import type { ResultView } from "../imagery/deliver.js";

/** The expression to run: `node` with its parameters bound, and what names the arguments by content. */
export interface Bound {
  /** The expression as built (with parameter placeholders): what the cache keys. */
  readonly graph: Node;
  /** The expression with the arguments substituted: what runs. */
  readonly node: Node;
  readonly argsDigest: string;
}

export interface Produced {
  readonly value: ArrayValue;
  readonly tasksRun: number;
  readonly cacheHit: boolean;
}

export interface ProduceHooks {
  readonly signal: AbortSignal;
  readonly onRunning?: () => void;
  readonly onProgress?: (p: Progress) => void;
}

export async function produce(b: Bound, o: RunOptions, executor: Executor, hooks: ProduceHooks): Promise<Produced> {
  const key = o.cache ? await cacheKey(b.graph, b.argsDigest, o.geoctx) : undefined;
  if (key !== undefined) {
    const hit = await cacheGet(key);
    if (hit !== undefined) return { value: hit, tasksRun: 0, cacheHit: true };
  }
  hooks.onRunning?.();
  const r = await evaluate(b.node, {
    executor,
    signal: hooks.signal,
    ...(hooks.onProgress === undefined ? {} : { onProgress: hooks.onProgress }),
  });
  if (key !== undefined) await cachePut(key, r.value, persistable(b.graph));
  return { value: r.value, tasksRun: r.stats.tasks, cacheHit: false };
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
