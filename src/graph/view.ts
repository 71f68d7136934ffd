/**
 * Basic indexing (integers, slices, new axes) as data, and its resolution against a shape.
 * A `view` node stores the raw items (ellipsis already expanded); they are normalized here,
 * at build time when sizes are known and again at lowering time for sizes that were -1.
 */
import { ProxyTypeError } from "../core/errors.js";

export type ViewItem =
  | readonly ["i", number]
  | readonly ["s", number | null, number | null, number | null]
  | readonly ["n"];

/** Per output axis: which input axis it walks (or -1 for a new axis), from where, with which step. */
export interface ResolvedAxis {
  readonly inAxis: number;
  readonly start: number;
  readonly step: number;
  readonly len: number;
}

export interface ResolvedView {
  readonly outShape: number[];
  readonly axes: ResolvedAxis[];
  /** Fixed positions of the input axes dropped by integer indices (input axis → index). */
  readonly fixed: Map<number, number>;
}

/** Python's slice.indices(): normalized start and the number of elements. */
export function sliceIndices(start: number | null, stop: number | null, step: number | null, n: number): { start: number; step: number; len: number } {
  const st = step ?? 1;
  if (st === 0) throw new ProxyTypeError("slice step cannot be zero");
  let lo: number, hi: number;
  if (st > 0) {
    lo = start === null ? 0 : start < 0 ? Math.max(0, start + n) : Math.min(start, n);
    hi = stop === null ? n : stop < 0 ? Math.max(0, stop + n) : Math.min(stop, n);
    return { start: lo, step: st, len: Math.max(0, Math.ceil((hi - lo) / st)) };
  }
  lo = start === null ? n - 1 : start < 0 ? Math.max(-1, start + n) : Math.min(start, n - 1);
  hi = stop === null ? -1 : stop < 0 ? Math.max(-1, stop + n) : Math.min(stop, n - 1);
  return { start: lo, step: st, len: Math.max(0, Math.ceil((hi - lo) / st)) };
}

/** Resolve items against a shape; -1 sizes give -1 lengths unless `strict` (lowering) is set. */
export function resolveView(items: readonly ViewItem[], inShape: readonly number[]): ResolvedView {
  const outShape: number[] = [];
  const axes: ResolvedAxis[] = [];
  const fixed = new Map<number, number>();
  let ax = 0;
  for (const it of items) {
    if (it[0] === "n") {
      outShape.push(1);
      axes.push({ inAxis: -1, start: 0, step: 0, len: 1 });
      continue;
    }
    const n = inShape[ax];
    if (n === undefined) throw new ProxyTypeError(`too many indices for array: array is ${inShape.length}-dimensional`);
    if (it[0] === "i") {
      const i = it[1];
      if (n !== -1) {
        if (i < -n || i >= n) throw new ProxyTypeError(`index ${i} is out of bounds for axis ${ax} with size ${n}`);
        fixed.set(ax, i < 0 ? i + n : i);
      } else {
        fixed.set(ax, i);
      }
    } else {
      if (n === -1) {
        if (it[3] === 0) throw new ProxyTypeError("slice step cannot be zero");
        outShape.push(-1);
        axes.push({ inAxis: ax, start: 0, step: it[3] ?? 1, len: -1 });
      } else {
        const s = sliceIndices(it[1], it[2], it[3], n);
        outShape.push(s.len);
        axes.push({ inAxis: ax, start: s.start, step: s.step, len: s.len });
      }
    }
    ax++;
  }
  if (ax !== inShape.length) throw new ProxyTypeError(`view items cover ${ax} of ${inShape.length} axes`);
  return { outShape, axes, fixed };
}
