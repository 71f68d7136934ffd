/** Joining and repeating: concatenate, stack and friends, tile, repeat, pad. Views and one concat stage. */
import { DTYPES, allocate } from "../core/dtype.js";
import { ProxyTypeError } from "../core/errors.js";
import { sizeOf } from "../core/shape.js";
import type { Node } from "../graph/node.js";
import { make } from "../graph/make.js";
import type { ArrayProxy } from "../proxy/array.js";
import { normalizeAxis } from "../proxy/axes.js";
import { literalNode } from "../proxy/literal.js";
import { checkOptions, nodeOf, requireKnown, wrap, type ArrayLike } from "./args.js";
import { broadcastTo, constOf } from "./nodes.js";
import { atleastNode, expandDimsNode, reshapeNode } from "./shape.js";
import { axisSlice } from "./views.js";

const proxy = (n: Node): ArrayProxy => wrap<ArrayProxy>(n);

export function concatNodes(nodes: readonly Node[], axis: number): Node {
  if (nodes.length === 0) throw new ProxyTypeError("need at least one array to concatenate");
  const nd = nodes[0]!.shape.length;
  if (nd === 0) throw new ProxyTypeError("zero-dimensional arrays cannot be concatenated");
  if (nodes.some((n) => n.shape.length !== nd)) {
    throw new ProxyTypeError(`all the input arrays must have same number of dimensions, got ${nodes.map((n) => n.shape.length).join(", ")}`);
  }
  const ax = normalizeAxis(axis, nd);
  return nodes.length === 1 ? nodes[0]! : make("concat", [...nodes], { axis: ax });
}

export function concatenate(arrays: ArrayLike[], opts: { axis?: number | null } = {}): ArrayProxy {
  checkOptions("concatenate", opts, ["axis"]);
  let nodes = arrays.map(nodeOf);
  if (opts.axis === null) nodes = nodes.map((n) => reshapeNode(n, [-1]));
  return proxy(concatNodes(nodes, opts.axis ?? 0));
}

export function stack(arrays: ArrayLike[], opts: { axis?: number } = {}): ArrayProxy {
  checkOptions("stack", opts, ["axis"]);
  const nodes = arrays.map(nodeOf);
  if (nodes.length === 0) throw new ProxyTypeError("need at least one array to stack");
  const s0 = nodes[0]!.shape;
  if (nodes.some((n) => n.shape.length !== s0.length || n.shape.some((s, i) => s !== s0[i]))) throw new ProxyTypeError("all input arrays must have the same shape");
  const axis = normalizeAxis(opts.axis ?? 0, s0.length + 1);
  return proxy(concatNodes(nodes.map((n) => expandDimsNode(n, axis)), axis));
}

export function hstack(arrays: ArrayLike[]): ArrayProxy {
  const nodes = arrays.map((a) => atleastNode(nodeOf(a), 1));
  return proxy(concatNodes(nodes, nodes[0]?.shape.length === 1 ? 0 : 1));
}
export function vstack(arrays: ArrayLike[]): ArrayProxy {
  return proxy(concatNodes(arrays.map((a) => atleastNode(nodeOf(a), 2)), 0));
}
export function dstack(arrays: ArrayLike[]): ArrayProxy {
  return proxy(concatNodes(arrays.map((a) => atleastNode(nodeOf(a), 3)), 2));
}
export function column_stack(arrays: ArrayLike[]): ArrayProxy {
  const nodes = arrays.map((a) => {
    const n = nodeOf(a);
    return n.shape.length < 2 ? expandDimsNode(atleastNode(n, 1), 1) : n;
  });
  return proxy(concatNodes(nodes, 1));
}

/** tile: the array broadcast along new interleaved axes, then merged (one copy, the output). */
export function tile(a: ArrayLike, reps: number | number[]): ArrayProxy {
  let n = nodeOf(a);
  requireKnown("tile", n);
  const r0 = typeof reps === "number" ? [reps] : [...reps];
  if (r0.some((r) => !Number.isInteger(r) || r < 0)) throw new ProxyTypeError("tile: reps must be non-negative integers");
  const d = Math.max(n.shape.length, r0.length);
  const r = [...new Array<number>(d - r0.length).fill(1), ...r0];
  const s = [...new Array<number>(d - n.shape.length).fill(1), ...n.shape];
  if (r.every((x) => x === 1)) return proxy(d === n.shape.length ? n : reshapeNode(n, s));
  n = reshapeNode(n, s.flatMap((x) => [1, x]));
  n = broadcastTo(n, s.flatMap((x, i) => [r[i]!, x]));
  return proxy(reshapeNode(n, s.map((x, i) => x * r[i]!)));
}

/** repeat: each element `repeats` times along `axis` (flattened when axis is None). */
export function repeat(a: ArrayLike, repeats: number | number[], opts: { axis?: number | null } | number = {}): ArrayProxy {
  let n = nodeOf(a);
  requireKnown("repeat", n);
  const axisOpt = typeof opts === "number" ? opts : opts.axis ?? null;
  if (axisOpt === null) n = reshapeNode(n, [-1]);
  const axis = normalizeAxis(axisOpt ?? 0, n.shape.length);
  const len = n.shape[axis]!;
  if (typeof repeats === "number" || repeats.length === 1) {
    const k = typeof repeats === "number" ? repeats : repeats[0]!;
    if (!Number.isInteger(k) || k < 0) throw new ProxyTypeError("repeat: negative dimensions are not allowed");
    const e = expandDimsNode(n, axis + 1);
    const b = broadcastTo(e, e.shape.map((s, i) => (i === axis + 1 ? k : s)));
    return proxy(reshapeNode(b, n.shape.map((s, i) => (i === axis ? s * k : s))));
  }
  if (repeats.length !== len) throw new ProxyTypeError(`operands could not be broadcast together with shape (${len},) (${repeats.length},)`);
  const total = repeats.reduce((p, q) => p + q, 0);
  const idx = allocate("int64", total, true);
  let k = 0;
  repeats.forEach((r, i) => {
    if (!Number.isInteger(r) || r < 0) throw new ProxyTypeError("repeat: repeats may not contain negative values");
    for (let j = 0; j < r; j++) idx[k++] = BigInt(i) as never;
  });
  return proxy(make("take", [n, literalNode(idx, [total], "int64")], { axes: [axis], at: axis }));
}

export type PadWidth = number | number[] | number[][];
export interface PadOptions {
  mode?: "constant" | "edge" | "reflect" | "symmetric" | "wrap";
  constant_values?: number | boolean | number[] | number[][];
}

function pairs(v: number | boolean | number[] | number[][], nd: number, what: string): [number, number][] {
  const num = (x: number | boolean) => (typeof x === "boolean" ? (x ? 1 : 0) : x);
  if (typeof v === "number" || typeof v === "boolean") return Array.from({ length: nd }, () => [num(v), num(v)]);
  if (v.length === 0) throw new ProxyTypeError(`${what} must not be empty`);
  if (typeof v[0] === "number") {
    const f = v as number[];
    if (f.length === 1) return Array.from({ length: nd }, () => [f[0]!, f[0]!]);
    if (f.length === 2) return Array.from({ length: nd }, () => [f[0]!, f[1]!]);
    throw new ProxyTypeError(`${what}: could not broadcast (${f.length},) to (${nd}, 2)`);
  }
  const p = v as number[][];
  if (p.length === 1) return Array.from({ length: nd }, () => [p[0]![0]!, p[0]![1] ?? p[0]![0]!]);
  if (p.length !== nd) throw new ProxyTypeError(`${what}: could not broadcast (${p.length}, 2) to (${nd}, 2)`);
  return p.map((q) => [q[0]!, q[1] ?? q[0]!]);
}

function constantLike(n: Node, v: number, shape: readonly number[]): Node {
  const k = DTYPES[n.dtype].kind;
  const c = k === "b" ? constOf(v !== 0, "bool") : k === "f" ? constOf(v, n.dtype) : constOf(Math.trunc(v), n.dtype);
  let out = broadcastTo(c, shape);
  if (n.masked) out = make("make_masked", [out, broadcastTo(constOf(false, "bool"), shape)], {});
  return out;
}

/** A descending slice's stop: -1 would mean "the last element", so running past 0 is spelled `null`. */
const stopAt = (i: number): number | null => (i < 0 ? null : i);

/** The `before`/`after` pieces of one axis for a non-constant mode. */
function padPieces(x: Node, axis: number, before: number, after: number, mode: NonNullable<PadOptions["mode"]>): [Node | null, Node | null] {
  const n = x.shape[axis]!;
  const piece = (start: number | null, stop: number | null, step: number | null) => axisSlice(x, axis, start, stop, step);
  const limit = mode === "reflect" ? n - 1 : n;
  if (Math.max(before, after) > limit || n === 0) {
    throw new ProxyTypeError(`pad: mode '${mode}' with a pad width of ${Math.max(before, after)} on an axis of length ${n} is not supported (at most ${limit})`);
  }
  switch (mode) {
    case "edge": {
      const shapeB = x.shape.map((s, i) => (i === axis ? before : s));
      const shapeA = x.shape.map((s, i) => (i === axis ? after : s));
      return [before > 0 ? broadcastTo(piece(0, 1, null), shapeB) : null, after > 0 ? broadcastTo(piece(n - 1, n, null), shapeA) : null];
    }
    case "reflect":
      return [before > 0 ? piece(before, 0, -1) : null, after > 0 ? piece(n - 2, stopAt(n - 2 - after), -1) : null];
    case "symmetric":
      return [before > 0 ? piece(before - 1, null, -1) : null, after > 0 ? piece(n - 1, stopAt(n - 1 - after), -1) : null];
    case "wrap":
      return [before > 0 ? piece(n - before, n, null) : null, after > 0 ? piece(0, after, null) : null];
    default:
      throw new ProxyTypeError(`pad: mode '${mode}' is not supported`);
  }
}

export function pad(a: ArrayLike, padWidth: PadWidth, opts: PadOptions = {}): ArrayProxy {
  checkOptions("pad", opts, ["mode", "constant_values"]);
  let x = nodeOf(a);
  requireKnown("pad", x);
  const nd = x.shape.length;
  const widths = pairs(padWidth, nd, "pad_width");
  if (widths.some(([b, c]) => !Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0)) throw new ProxyTypeError("index can't contain negative values");
  const mode = opts.mode ?? "constant";
  const values = mode === "constant" ? pairs(opts.constant_values ?? 0, nd, "constant_values") : [];
  for (let axis = 0; axis < nd; axis++) {
    const [before, after] = widths[axis]!;
    if (before === 0 && after === 0) continue;
    let pb: Node | null, pa: Node | null;
    if (mode === "constant") {
      const [vb, va] = values[axis]!;
      pb = before > 0 ? constantLike(x, vb, x.shape.map((s, i) => (i === axis ? before : s))) : null;
      pa = after > 0 ? constantLike(x, va, x.shape.map((s, i) => (i === axis ? after : s))) : null;
    } else {
      [pb, pa] = padPieces(x, axis, before, after, mode);
    }
    const parts = [pb, x, pa].filter((p): p is Node => p !== null && sizeOf(p.shape) >= 0);
    x = concatNodes(parts, axis);
  }
  return proxy(x);
}
