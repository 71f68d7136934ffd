/**
 * Runs one resolved task in the current thread: the single entry point both the Piscina worker and
 * the in-thread executor use. Kernels come from this closed table; nothing else can be called.
 */
import type { DTypeName } from "../src/core/dtype.js";
import type { ReduceFn } from "../src/graph/ops.js";
import type { Program } from "../scheduler/program.js";
import type { Operand } from "./codegen/loops.js";
import { runMap, type MapArgs } from "./kernels/map.js";
import { runMedian, type MedianArgs } from "./kernels/median.js";
import type { SourceLeafSpec } from "../scheduler/task.js";
import { resolveLeaves } from "./readers/resolve.js";
import { leaseBoxes } from "../src/core/arena.js";
import { readerOf } from "./readers/index.js";
import { combinePartials, finalize, runReduce, type CombineFn, type Partial, type ReduceArgs } from "./kernels/reduce.js";
import { runTake, type TakeArgs } from "./kernels/take.js";
import { runAlong, type AlongArgs } from "./kernels/along.js";
import type { ArgIndex } from "./kernels/arg.js";
import { runSearch, type SearchArgs } from "./kernels/search.js";
import { runRechunk, type RechunkArgs } from "./kernels/rechunk.js";

/** A task whose buffer ids were replaced by typed arrays (what crosses to a worker). */
export type WireTask =
  | { kernel: "map"; program: Program; shape: number[]; leaves: Leaf[]; out: Operand }
  | { kernel: "reduce"; program: Program; shape: number[]; leaves: Leaf[]; reduced: boolean[]; fn: ReduceFn; ddof: number; out: Operand | null; outDType: DTypeName; inputs: Partial[]; argIndex?: ArgIndex; accInto?: Float64Array }
  | { kernel: "combine"; fn: CombineFn; ddof: number; out: Operand | null; outShape: number[]; outDType: DTypeName; inputs: Partial[] }
  | { kernel: "median"; program: Program; shape: number[]; leaves: Leaf[]; reduced: boolean[]; out: Operand; outDType: DTypeName }
  | ({ kernel: "along" } & Omit<AlongArgs, "leaves"> & { leaves: Leaf[] })
  | ({ kernel: "search" } & Omit<SearchArgs, "leaves"> & { leaves: Leaf[] })
  | ({ kernel: "take" } & TakeArgs)
  | { kernel: "read"; reader: string; params: { readonly [k: string]: unknown }; start: number[]; shape: number[]; fullShape: number[]; out: Operand }
  | ({ kernel: "rechunk" } & RechunkArgs);

export type TaskOutput = Partial | null;

/** A leaf as it crosses to a worker: a shared-buffer operand, or a source box to read here. */
export type Leaf = Operand | SourceLeafSpec;

export function runTask(t: WireTask): TaskOutput | Promise<TaskOutput> {
  if ((t.kernel === "map" || t.kernel === "reduce" || t.kernel === "median" || t.kernel === "along" || t.kernel === "search") && t.leaves.some((l: Leaf) => "source" in l)) {
    // the boxes live in the lease's memory until the kernel is done with them
    const lease = leaseBoxes();
    return resolveLeaves(t.leaves, t.shape.length, lease)
      .then((leaves) => runTask({ ...t, leaves } as WireTask))
      .finally(() => lease?.end());
  }
  switch (t.kernel) {
    case "map":
      runMap(t as MapArgs);
      return null;
    case "reduce": {
      const p = runReduce(t as ReduceArgs, t.inputs);
      return p;
    }
    case "combine": {
      const p = combinePartials(t.inputs);
      if (t.out === null) return p;
      finalize(p, t.fn, t.ddof, t.out, t.outShape, t.outDType);
      return null;
    }
    case "median":
      runMedian(t as MedianArgs);
      return null;
    case "along":
      return runAlong(t as AlongArgs);
    case "search":
      runSearch(t as SearchArgs);
      return null;
    case "take":
      runTake(t);
      return null;
    case "read": {
      const r = readerOf(t.reader)(t.params, { start: t.start, shape: t.shape, fullShape: t.fullShape }, t.out);
      return r instanceof Promise ? r.then(() => null) : null;
    }
    case "rechunk":
      return runRechunk(t).then(() => null);
  }
}

/** An error as data, so it crosses threads with its stack and name intact. */
export interface WireError {
  name: string;
  message: string;
  stack: string | undefined;
  /** A system error's code (`EAGAIN`, `EMFILE`, ...): tells a transient failure from bad data. */
  code?: string;
}

export type WireResult = { ok: true; value: TaskOutput } | { ok: false; error: WireError };

function asWireError(e: unknown): WireResult {
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { code?: unknown }).code;
  const error: WireError = { name: err.name, message: err.message, stack: err.stack };
  if (typeof code === "string") error.code = code;
  return { ok: false, error };
}

/** Run a task and turn any error into data; stays synchronous for synchronous kernels. */
export function runTaskSafely(t: WireTask): WireResult | Promise<WireResult> {
  try {
    const v = runTask(t);
    if (v instanceof Promise) return v.then((value): WireResult => ({ ok: true, value }), asWireError);
    return { ok: true, value: v };
  } catch (e) {
    return asWireError(e);
  }
}
