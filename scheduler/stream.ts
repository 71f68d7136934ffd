/**
 * Streaming a result: instead of allocating the result buffer whole, each task that writes it gets
 * a small buffer for just the box it writes, and the box goes to a sink (a Zarr destination) as soon
 * as the task finishes. This is what keeps a larger-than-memory *output* in bounded memory.
 *
 * `streamLayout` is pure: from a plan it finds, for every task writing the result, the box of the
 * result it covers and the strides its output operand gets inside a C-ordered buffer of that box.
 * A plan it cannot stream (the result is an alias or a literal, or a kernel writes it by position
 * rather than through its operand) is reported with the reason, and the caller falls back to a
 * whole result.
 */
import { cStrides, sizeOf } from "../src/core/shape.js";
import { outOperand, type Plan, type TaskSpec } from "./task.js";

export interface OutBox {
  /** Where the box starts in the result, per axis. */
  readonly start: readonly number[];
  /** The box's extent per result axis (1 on axes the task does not span). */
  readonly shape: readonly number[];
  /** The task's output operand strides inside the box's own C-ordered buffer. */
  readonly strides: readonly number[];
}

export type StreamLayout = { readonly ok: true; readonly boxes: ReadonlyMap<string, OutBox> } | { readonly ok: false; readonly reason: string };

/** The extent per dimension of what a task writes through its `out` operand. */
function writeShape(spec: TaskSpec): readonly number[] | string {
  switch (spec.kernel) {
    case "map":
    case "search":
      return spec.shape;
    case "reduce":
    case "median":
      return spec.shape.filter((_, i) => !spec.reduced[i]);
    case "combine":
      return spec.outShape;
    default:
      return `a ${spec.kernel} task writes the result by position`;
  }
}

/** The box a strided write covers in a C-ordered array of `shape`, or why it is not a box. */
export function boxOf(shape: readonly number[], offset: number, strides: readonly number[], extent: readonly number[]): OutBox | string {
  const rs = cStrides(shape);
  const start = shape.map(() => 0);
  let rem = offset;
  for (let a = 0; a < shape.length; a++) {
    if (rs[a]! === 0) continue;
    start[a] = Math.floor(rem / rs[a]!);
    rem -= start[a]! * rs[a]!;
  }
  if (rem !== 0 || start.some((s, a) => s < 0 || (s >= shape[a]! && shape[a]! > 0))) return `offset ${offset} is not an element of [${shape.join(", ")}]`;
  const box = shape.map(() => 1);
  const axisOf: number[] = [];
  for (let k = 0; k < extent.length; k++) {
    if (extent[k]! <= 1) {
      axisOf.push(-1);
      continue;
    }
    const a = shape.findIndex((s, i) => rs[i] === strides[k] && s > 1 && box[i] === 1 && !axisOf.includes(i));
    if (a < 0 || start[a]! + extent[k]! > shape[a]!) return `stride ${strides[k]} does not step along one axis of [${shape.join(", ")}]`;
    box[a] = extent[k]!;
    axisOf.push(a);
  }
  const bs = cStrides(box);
  return { start, shape: box, strides: axisOf.map((a) => (a < 0 ? 0 : bs[a]!)) };
}

/** Where each result-writing task's box lies, if every writer can be redirected and the boxes tile the result. */
export function streamLayout(plan: Plan): StreamLayout {
  const res = plan.buffers[plan.result]!;
  if (res.payload !== undefined) return { ok: false, reason: "the result is a literal" };
  if (res.aliasOf !== undefined) return { ok: false, reason: "the result is a reshaped view of another buffer" };
  const boxes = new Map<string, OutBox>();
  let covered = 0;
  for (const t of plan.tasks) {
    const out = outOperand(t.spec);
    if (out === null || out.buf !== res.id) continue;
    const ext = writeShape(t.spec);
    if (typeof ext === "string") return { ok: false, reason: ext };
    const box = boxOf(res.shape, out.offset, out.strides, ext);
    if (typeof box === "string") return { ok: false, reason: `task ${t.key}: ${box}` };
    boxes.set(t.key, box);
    covered += sizeOf(box.shape);
  }
  // every element written exactly once (boxes come from disjoint blocks; this guards the assumption)
  if (covered !== sizeOf(res.shape)) return { ok: false, reason: `the writers cover ${covered} of ${sizeOf(res.shape)} elements` };
  return { ok: true, boxes };
}
