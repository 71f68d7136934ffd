/**
 * Runs one resolved task in the current thread: the single entry point both the Piscina worker and
 * the in-thread executor use. Kernels come from this closed table; nothing else can be called.
 */
import type { DTypeName } from "../src/core/dtype.js";
import type { ReduceFn } from "../src/graph/ops.js";
import type { Program } from "../scheduler/program.js";
import type { Operand } from "./codegen/loops.js";
import { runMap } from "./kernels/map.js";
import { runMedian } from "./kernels/median.js";
import { runReadNpy } from "./kernels/read-npy.js";
import { combinePartials, finalize, runReduce, type Partial } from "./kernels/reduce.js";
import { runTake, type TakeArgs } from "./kernels/take.js";

/** A task whose buffer ids were replaced by typed arrays (what crosses to a worker). */
export type WireTask =
  | { kernel: "map"; program: Program; shape: number[]; leaves: Operand[]; out: Operand }
  | { kernel: "reduce"; program: Program; shape: number[]; leaves: Operand[]; reduced: boolean[]; fn: ReduceFn; ddof: number; out: Operand | null; outDType: DTypeName }
  | { kernel: "combine"; fn: ReduceFn; ddof: number; out: Operand | null; outShape: number[]; outDType: DTypeName; inputs: Partial[] }
  | { kernel: "median"; program: Program; shape: number[]; leaves: Operand[]; reduced: boolean[]; out: Operand; outDType: DTypeName }
  | ({ kernel: "take" } & TakeArgs)
  | { kernel: "read_npy"; path: string; byteOffset: number; byteLength: number; out: Operand };

export type TaskOutput = Partial | null;

export function runTask(t: WireTask): TaskOutput {
  switch (t.kernel) {
    case "map":
      runMap(t);
      return null;
    case "reduce":
      return runReduce(t);
    case "combine": {
      const p = combinePartials(t.inputs);
      if (t.out === null) return p;
      finalize(p, t.fn, t.ddof, t.out, t.outShape, t.outDType);
      return null;
    }
    case "median":
      runMedian(t);
      return null;
    case "take":
      runTake(t);
      return null;
    case "read_npy":
      runReadNpy(t.path, t.byteOffset, t.byteLength, t.out);
      return null;
  }
}

/** An error as data, so it crosses threads with its stack and name intact. */
export interface WireError {
  name: string;
  message: string;
  stack: string | undefined;
}

export type WireResult = { ok: true; value: TaskOutput } | { ok: false; error: WireError };

export function runTaskSafely(t: WireTask): WireResult {
  try {
    return { ok: true, value: runTask(t) };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    return { ok: false, error: { name: err.name, message: err.message, stack: err.stack } };
  }
}
