/**
 * A tiny reference evaluator for the property test: the same expression language over plain JS arrays,
 * with NumPy's broadcasting and int32 wrap-around, written independently of the engine.
 */

export type DT = "int32" | "float64";
export type Unary = "negative" | "absolute" | "square";
export type Binary = "add" | "subtract" | "multiply" | "maximum" | "minimum";

export type Expr =
  | { k: "in"; i: number }
  | { k: "num"; v: number }
  | { k: "u"; fn: Unary; x: Expr }
  | { k: "b"; fn: Binary; x: Expr; y: Expr }
  | { k: "where"; c: Expr; x: Expr; y: Expr }
  /** flip the last axis, or every axis */
  | { k: "flip"; all: boolean; x: Expr };

export interface Reduction {
  fn: "sum" | "max" | "min" | "mean";
  axis: number | null;
}

export interface Dense {
  shape: number[];
  data: number[];
  /** numpy.ma semantics when present: true = masked. */
  mask?: boolean[];
}

const wrap32 = (v: number): number => v | 0;

function unary(fn: Unary, v: number, dt: DT): number {
  if (dt === "float64") return fn === "negative" ? -v : fn === "absolute" ? Math.abs(v) : v * v;
  return fn === "negative" ? wrap32(-v) : fn === "absolute" ? wrap32(Math.abs(v)) : Math.imul(v, v);
}

function binary(fn: Binary, a: number, b: number, dt: DT): number {
  switch (fn) {
    case "add": return dt === "int32" ? wrap32(a + b) : a + b;
    case "subtract": return dt === "int32" ? wrap32(a - b) : a - b;
    case "multiply": return dt === "int32" ? Math.imul(a, b) : a * b;
    case "maximum": return Math.max(a, b);
    case "minimum": return Math.min(a, b);
  }
}

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(0);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** Value of `d` at a multi-index of the broadcast shape (right-aligned, size-1 axes repeat). */
function pos(d: Dense, idx: readonly number[]): number {
  const off = idx.length - d.shape.length;
  const st = strides(d.shape);
  let p = 0;
  d.shape.forEach((s, j) => {
    if (s !== 1) p += idx[j + off]! * st[j]!;
  });
  return p;
}
const at = (d: Dense, idx: readonly number[]): number => d.data[pos(d, idx)]!;
const maskedAt = (d: Dense, idx: readonly number[]): boolean => d.mask !== undefined && d.mask[pos(d, idx)]!;

function withMask(shape: number[], data: number[], parts: readonly Dense[], m: (ix: number[]) => boolean): Dense {
  if (parts.every((p) => p.mask === undefined)) return { shape, data };
  return { shape, data, mask: indices(shape).map(m) };
}

function broadcast(shapes: readonly (readonly number[])[]): number[] {
  const nd = Math.max(...shapes.map((s) => s.length));
  return Array.from({ length: nd }, (_, k) => Math.max(...shapes.map((s) => s[s.length - nd + k] ?? 1)));
}

function indices(shape: readonly number[]): number[][] {
  const n = shape.reduce((a, b) => a * b, 1);
  const st = strides(shape);
  return Array.from({ length: n }, (_, f) => shape.map((s, i) => Math.floor(f / st[i]!) % s));
}

export function evalExpr(e: Expr, inputs: readonly Dense[], dt: DT): Dense {
  switch (e.k) {
    case "in": return inputs[e.i]!;
    case "num": return { shape: [], data: [e.v] };
    case "u": {
      const x = evalExpr(e.x, inputs, dt);
      return { ...x, data: x.data.map((v) => unary(e.fn, v, dt)) };
    }
    case "b": {
      const x = evalExpr(e.x, inputs, dt), y = evalExpr(e.y, inputs, dt);
      const shape = broadcast([x.shape, y.shape]);
      const data = indices(shape).map((ix) => binary(e.fn, at(x, ix), at(y, ix), dt));
      return withMask(shape, data, [x, y], (ix) => maskedAt(x, ix) || maskedAt(y, ix));
    }
    case "flip": {
      const x = evalExpr(e.x, inputs, dt);
      const nd = x.shape.length;
      const src = (ix: number[]) => pos(x, ix.map((v, i) => (e.all || i === nd - 1 ? x.shape[i]! - 1 - v : v)));
      const ixs = indices(x.shape);
      const out: Dense = { shape: x.shape, data: ixs.map((ix) => x.data[src(ix)]!) };
      if (x.mask !== undefined) out.mask = ixs.map((ix) => x.mask![src(ix)]!);
      return out;
    }
    case "where": {
      const c = evalExpr(e.c, inputs, dt), x = evalExpr(e.x, inputs, dt), y = evalExpr(e.y, inputs, dt);
      const shape = broadcast([c.shape, x.shape, y.shape]);
      const data = indices(shape).map((ix) => (at(c, ix) > 0 ? at(x, ix) : at(y, ix)));
      return withMask(shape, data, [c, x, y], (ix) => maskedAt(c, ix) || (at(c, ix) > 0 ? maskedAt(x, ix) : maskedAt(y, ix)));
    }
  }
}

/** A reduction as NumPy computes it; int32 sums are int64 (exact here: the values are small). */
export function reduce(d: Dense, r: Reduction): Dense {
  const axes = r.axis === null ? d.shape.map((_, i) => i) : [r.axis];
  const outShape = d.shape.filter((_, i) => !axes.includes(i));
  const groups = new Map<string, number[]>();
  for (const ix of indices(d.shape)) {
    const key = ix.filter((_, i) => !axes.includes(i)).join(",");
    const g = groups.get(key) ?? [];
    groups.set(key, g);
    if (!maskedAt(d, ix)) g.push(at(d, ix));
  }
  const outIx = indices(outShape);
  const data = outIx.map((ix) => {
    const g = groups.get(ix.join(","))!;
    if (g.length === 0) return 0;
    switch (r.fn) {
      case "sum": return g.reduce((a, b) => a + b, 0);
      case "max": return Math.max(...g);
      case "min": return Math.min(...g);
      case "mean": return g.reduce((a, b) => a + b, 0) / g.length;
    }
  });
  if (d.mask === undefined) return { shape: outShape, data };
  return { shape: outShape, data, mask: outIx.map((ix) => groups.get(ix.join(","))!.length === 0) };
}
