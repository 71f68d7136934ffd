/**
 * Evaluate an expression node: resolve data-dependent sizes first (the part before a boolean
 * selection runs, its size becomes known, the rest is planned from there), then lower, execute
 * on the injected executor, and wrap the result buffer.
 */
import { DTYPES, allocate, type TypedArray } from "../core/dtype.js";
import { MaskedNDArray, NDArray, elementAt, type Element } from "../core/ndarray.js";
import { sizeOf } from "../core/shape.js";
import { substitute } from "../graph/make.js";
import { topoOrder, type Node } from "../graph/node.js";
import { make } from "../graph/make.js";
import { lower } from "../../scheduler/lower.js";
import { checkFits, execute, executeStreamed, type Executor, type Progress, type ResultBlock } from "../../scheduler/execute.js";
import { streamLayout } from "../../scheduler/stream.js";
import type { Plan } from "../../scheduler/task.js";
import { getConfig } from "../config.js";
import type { BlockOptions } from "../../scheduler/blocks.js";
import { literalNode } from "../proxy/literal.js";
import { isUnsizedBins, sizeBins } from "./bins.js";

export interface EvaluateOptions {
  executor: Executor;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  plan?: Partial<BlockOptions>;
  /** Defaults to the configured memory limit. */
  memoryLimit?: number;
}

export interface EvalStats {
  tasks: number;
  peakBytes: number;
  /** Buffers spilled to disk to stay under the memory limit. */
  spills: number;
}

export type ArrayValue = NDArray | MaskedNDArray;

function planFor(node: Node, o: EvaluateOptions): { plan: Plan; memoryLimit: number } {
  const memoryLimit = o.memoryLimit ?? getConfig().memoryLimit;
  // tasks sized so a few fit in the limit at once
  const quarter = Math.max(1 << 20, Math.floor(memoryLimit / 4));
  const plan = lower(node, { maxTaskBytes: Math.min(16 << 20, quarter), maxInPlaceTaskBytes: o.plan?.maxTaskBytes ?? Math.min(64 << 20, quarter), ...o.plan });
  return { plan, memoryLimit };
}

const executeOptions = (o: EvaluateOptions, memoryLimit: number) => ({
  memoryLimit,
  ...(o.signal ? { signal: o.signal } : {}),
  ...(o.onProgress ? { onProgress: o.onProgress } : {}),
});

/** Run a node whose sizes are all known and return its buffer as an in-memory array. */
async function run(node: Node, o: EvaluateOptions, stats: EvalStats): Promise<ArrayValue> {
  const { plan, memoryLimit } = planFor(node, o);
  return runPlanned(node, plan, memoryLimit, o, stats);
}

async function runPlanned(node: Node, plan: Plan, memoryLimit: number, o: EvaluateOptions, stats: EvalStats): Promise<ArrayValue> {
  checkFits(plan, memoryLimit);
  const r = await execute(plan, o.executor, executeOptions(o, memoryLimit));
  stats.spills += r.spills ?? 0;
  stats.tasks += r.tasksRun;
  stats.peakBytes = Math.max(stats.peakBytes, r.peakBytes);
  let { data, mask } = r.storage;
  if (plan.buffers[plan.result]!.payload !== undefined || plan.buffers[plan.result]!.aliasOf !== undefined) {
    // The result is (a view of) the caller's input: hand back a copy they can own.
    const copy = allocate(node.dtype, data.length, true);
    copy.set(data as never);
    data = copy;
    if (mask !== undefined) mask = mask.slice();
  }
  if (node.masked) return new MaskedNDArray(data, mask ?? new Uint8Array(data.length), node.shape, node.dtype);
  return new NDArray(data, node.shape, node.dtype);
}

function compact(src: ArrayValue, keep: Uint8Array): { data: TypedArray; mask?: Uint8Array } {
  let n = 0;
  for (let i = 0; i < keep.length; i++) n += keep[i]!;
  const data = allocate(src.dtype, n, true);
  const mask = src instanceof MaskedNDArray ? new Uint8Array(new SharedArrayBuffer(n)) : undefined;
  let k = 0;
  for (let i = 0; i < keep.length; i++) {
    if (!keep[i]) continue;
    data[k] = src.data[i] as never;
    if (mask !== undefined) mask[k] = (src as MaskedNDArray).mask[i]!;
    k++;
  }
  return mask === undefined ? { data } : { data, mask };
}

/** Replace one data-dependent node by a literal of its computed value. */
async function resolveOne(n: Node, o: EvaluateOptions, stats: EvalStats): Promise<Node> {
  if (isUnsizedBins(n)) return sizeBins(n, (x) => run(x, o, stats));
  if (n.op === "compressed") {
    const x = await run(n.args[0]!, o, stats);
    const keep = new Uint8Array(x.data.length);
    const m = x instanceof MaskedNDArray ? x.mask : undefined;
    for (let i = 0; i < keep.length; i++) keep[i] = m !== undefined && m[i] ? 0 : 1;
    const c = compact(x, keep);
    return literalNode(c.data, [c.data.length], n.dtype);
  }
  // select: a boolean mask over the whole array, or a 1-d mask along one axis
  const [xn, mn] = n.args as [Node, Node];
  const maskVal = await run(mn, o, stats);
  const keep = new Uint8Array(maskVal.data.length);
  const mm = maskVal instanceof MaskedNDArray ? maskVal.mask : undefined;
  for (let i = 0; i < keep.length; i++) keep[i] = maskVal.data[i] && !(mm !== undefined && mm[i]) ? 1 : 0;
  const axis = n.attrs["axis"];
  if (typeof axis === "number") {
    const idx: number[] = [];
    keep.forEach((k, i) => k && idx.push(i));
    const inds = allocate("int64", idx.length, true);
    idx.forEach((v, i) => (inds[i] = BigInt(v)));
    return make("take", [xn, literalNode(inds, [idx.length], "int64")], { axes: [axis], at: axis });
  }
  const x = await run(xn, o, stats);
  const c = compact(x, keep);
  return literalNode(c.data, [c.data.length], n.dtype, undefined, c.mask);
}

/** `root` with every data-dependent size resolved, in as many rounds as they nest. */
async function resolveSizes(root: Node, o: EvaluateOptions, stats: EvalStats): Promise<Node> {
  let cur = root;
  for (;;) {
    const next = topoOrder([cur]).find((n) => ((n.op === "select" || n.op === "compressed") && n.args.every((a) => !a.shape.includes(-1))) || isUnsizedBins(n));
    if (next === undefined) return cur;
    const lit = await resolveOne(next, o, stats);
    cur = substitute(cur, new Map([[next, lit]]));
  }
}

/** Evaluate `root`; data-dependent sizes are resolved in as many rounds as they nest. */
export async function evaluate(root: Node, o: EvaluateOptions): Promise<{ value: ArrayValue; stats: EvalStats }> {
  const stats: EvalStats = { tasks: 0, peakBytes: 0, spills: 0 };
  const cur = await resolveSizes(root, o, stats);
  return { value: await run(cur, o, stats), stats };
}

/** Where a streamed result goes, opened once the result's sizes are known. */
export interface BlockSink {
  write(block: ResultBlock): Promise<void>;
}

export type Streamed = { streamed: true; stats: EvalStats } | { streamed: false; value: ArrayValue; stats: EvalStats; reason: string };

/**
 * Evaluate `root` streaming its result box by box into the sink `open` gives for the final node,
 * so the result is never held whole. A plan whose result can't be streamed (stream.ts says why)
 * comes back whole, as from `evaluate`, with the reason.
 */
export async function evaluateStreamed(root: Node, o: EvaluateOptions, open: (node: Node) => Promise<BlockSink>): Promise<Streamed> {
  const stats: EvalStats = { tasks: 0, peakBytes: 0, spills: 0 };
  const cur = await resolveSizes(root, o, stats);
  const { plan, memoryLimit } = planFor(cur, o);
  const layout = streamLayout(plan);
  if (!layout.ok) return { streamed: false, value: await runPlanned(cur, plan, memoryLimit, o, stats), stats, reason: layout.reason };
  checkFits(plan, memoryLimit, new Set(layout.boxes.keys()));
  const sink = await open(cur);
  const r = await executeStreamed(plan, o.executor, { boxes: layout.boxes, write: (b) => sink.write(b) }, executeOptions(o, memoryLimit));
  stats.tasks += r.tasksRun;
  stats.spills += r.spills ?? 0;
  stats.peakBytes = Math.max(stats.peakBytes, r.peakBytes);
  return { streamed: true, stats };
}

/** A 0-d result as the JS value a Scalar computes to (`null` when masked). */
export function scalarOf(v: ArrayValue): Element | null {
  if (v instanceof MaskedNDArray && v.mask[0]) return null;
  if (sizeOf(v.shape) !== 1) throw new Error("not a scalar");
  const x = elementAt(v.data, 0, v.dtype);
  return DTYPES[v.dtype].big || typeof x === "boolean" ? x : (x as number);
}
