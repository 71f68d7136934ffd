/**
 * Tasks are data: a key, a kernel name from a closed table, plain arguments, and the keys they wait on.
 * Buffers are named by id; the executor swaps ids for shared typed arrays when a task is sent.
 */
import type { DTypeName } from "../src/core/dtype.js";
import type { ReduceFn } from "../src/graph/ops.js";
import type { Program } from "./program.js";

/** A strided view of a plan buffer, in elements. */
export interface OperandSpec {
  readonly buf: number;
  readonly offset: number;
  readonly strides: readonly number[];
}

export type TaskSpec =
  | { readonly kernel: "map"; readonly program: Program; readonly shape: readonly number[]; readonly leaves: readonly OperandSpec[]; readonly out: OperandSpec }
  | {
      readonly kernel: "reduce";
      readonly program: Program;
      readonly shape: readonly number[];
      readonly leaves: readonly OperandSpec[];
      readonly reduced: readonly boolean[];
      readonly fn: ReduceFn;
      readonly ddof: number;
      readonly out: OperandSpec | null;
      readonly outDType: DTypeName;
    }
  | {
      readonly kernel: "combine";
      readonly fn: ReduceFn;
      readonly ddof: number;
      readonly out: OperandSpec | null;
      readonly outShape: readonly number[];
      readonly outDType: DTypeName;
    }
  | {
      readonly kernel: "median";
      readonly program: Program;
      readonly shape: readonly number[];
      readonly leaves: readonly OperandSpec[];
      readonly reduced: readonly boolean[];
      readonly out: OperandSpec;
      readonly outDType: DTypeName;
    }
  | {
      readonly kernel: "take";
      readonly src: OperandSpec;
      /** One per indexed axis, strided over the broadcast index shape (0 where broadcast). */
      readonly indices: readonly OperandSpec[];
      readonly axes: readonly number[];
      readonly srcShape: readonly number[];
      readonly bAt: number;
      readonly bNdim: number;
      readonly start: readonly number[];
      readonly shape: readonly number[];
      readonly out: OperandSpec;
    }
  | {
      readonly kernel: "read";
      readonly reader: string;
      readonly params: { readonly [k: string]: unknown };
      readonly start: readonly number[];
      readonly shape: readonly number[];
      readonly fullShape: readonly number[];
      readonly out: OperandSpec;
    }
  | { readonly kernel: "barrier" };

export type KernelName = TaskSpec["kernel"];

export interface Task {
  readonly key: string;
  readonly deps: readonly string[];
  readonly spec: TaskSpec;
  /** Estimated bytes the task reads and writes (for batching and memory accounting). */
  readonly bytes: number;
}

/** A whole array the plan computes or reads; `payload` buffers exist before the plan runs. */
export interface PlanBuffer {
  readonly id: number;
  readonly dtype: DTypeName;
  readonly shape: readonly number[];
  readonly masked: boolean;
  /** Element strides of the buffer's own layout (C order, or an alias's reshaped view). */
  readonly strides: readonly number[];
  readonly payload?: { readonly data: import("../src/core/dtype.js").TypedArray; readonly mask?: Uint8Array };
  /** Shares the storage of another buffer (reshape of contiguous data). */
  readonly aliasOf?: number;
  /** Key of the barrier task that completes when the buffer is fully written. */
  readonly ready?: string;
}

export interface Plan {
  readonly buffers: readonly PlanBuffer[];
  readonly tasks: readonly Task[];
  readonly result: number;
}
