/** Axis arguments as NumPy checks them. */
import { ProxyTypeError } from "../core/errors.js";

export function normalizeAxis(axis: number, ndim: number): number {
  if (!Number.isInteger(axis)) throw new ProxyTypeError(`axis must be an integer, got ${axis}`);
  const a = axis < 0 ? axis + ndim : axis;
  if (a < 0 || a >= ndim) throw new ProxyTypeError(`axis ${axis} is out of bounds for array of dimension ${ndim}`);
  return a;
}

/** `undefined` → every axis; duplicates refused. */
export function normalizeAxes(axis: number | readonly number[] | undefined | null, ndim: number): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === "number" ? [axis] : [...axis];
  const out = list.map((a) => normalizeAxis(a, ndim));
  if (new Set(out).size !== out.length) throw new ProxyTypeError("duplicate value in 'axis'");
  return out.sort((a, b) => a - b);
}
