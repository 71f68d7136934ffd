/**
 * Property test: random well-typed elementwise expressions (optionally reduced) over random shapes
 * and chunkings give the same values through compute() (the worker pool), inspect() (this thread)
 * and a tiny independent reference evaluator.
 */
import fc from "fast-check";
import t from "tap";
import * as wf from "../../src/index.js";
import { evalExpr, reduce, type Binary, type Dense, type DT, type Expr, type Reduction, type Unary } from "./reference.js";

const np = wf.numpy;
type Proxy = wf.Array | wf.Scalar;

const UNARY: Unary[] = ["negative", "absolute", "square"];
const BINARY: Binary[] = ["add", "subtract", "multiply", "maximum", "minimum"];

function exprArb(nInputs: number): fc.Arbitrary<Expr> {
  const { expr } = fc.letrec<{ expr: Expr; leaf: Expr }>((tie) => ({
    leaf: fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 0, max: nInputs - 1 }).map((i): Expr => ({ k: "in", i })) },
      { weight: 1, arbitrary: fc.integer({ min: -3, max: 3 }).map((v): Expr => ({ k: "num", v })) },
    ),
    expr: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      tie("leaf"),
      fc.record({ k: fc.constant("u" as const), fn: fc.constantFrom(...UNARY), x: tie("expr") }),
      fc.record({ k: fc.constant("b" as const), fn: fc.constantFrom(...BINARY), x: tie("expr"), y: tie("expr") }),
      fc.record({ k: fc.constant("where" as const), c: tie("expr"), x: tie("expr"), y: tie("expr") }),
      fc.record({ k: fc.constant("flip" as const), all: fc.boolean(), x: tie("expr") }),
    ),
  }));
  return expr;
}

interface Case {
  dt: DT;
  shape: number[];
  inputs: { shape: number[]; chunks: number[]; data: number[]; mask: boolean[] | null }[];
  expr: Expr;
  reduction: Reduction | null;
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({ dt: fc.constantFrom<DT>("int32", "float64"), shape: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }) })
  .chain(({ dt, shape }) => {
    // the second input broadcasts: some of its axes are 1, or it has fewer dimensions
    const input = (bShape: number[]) =>
      fc.record({
        shape: fc.constant(bShape),
        chunks: fc.tuple(...bShape.map((s) => fc.integer({ min: 1, max: s }))),
        data: fc.array(fc.integer({ min: -9, max: 9 }), { minLength: bShape.reduce((a, b) => a * b, 1), maxLength: bShape.reduce((a, b) => a * b, 1) }),
        mask: fc.option(fc.array(fc.boolean(), { minLength: bShape.reduce((a, b) => a * b, 1), maxLength: bShape.reduce((a, b) => a * b, 1) }), { nil: null }),
      });
    const second = fc.tuple(...shape.map((s) => fc.constantFrom(s, 1)), fc.integer({ min: 0, max: shape.length - 1 })).map((v) => (v.slice(0, -1) as number[]).slice(v[v.length - 1] as number));
    return fc.record({
      dt: fc.constant(dt),
      shape: fc.constant(shape),
      inputs: second.chain((s2) => fc.tuple(input(shape), input(s2.length === 0 ? [1] : s2))),
      expr: exprArb(2),
      reduction: fc.option(fc.record({ fn: fc.constantFrom<Reduction["fn"]>("sum", "max", "min", "mean"), axis: fc.option(fc.integer({ min: 0, max: shape.length - 1 }), { nil: null }) }), { nil: null }),
    });
  })
  .map((c) => ({ ...c, inputs: [...c.inputs] }));

const usesInput = (e: Expr): boolean =>
  e.k === "in" || (e.k === "u" || e.k === "flip" ? usesInput(e.x) : e.k === "b" ? usesInput(e.x) || usesInput(e.y) : e.k === "where" ? usesInput(e.c) || usesInput(e.x) || usesInput(e.y) : false);

/**
 * Constant subtrees would be NumPy-default int64 0-d arrays (strong), which change the dtype of what they
 * meet; keep the generated language to weak scalar leaves by replacing such subtrees with an input.
 */
function anchored(e: Expr): Expr {
  switch (e.k) {
    case "in": case "num": return e;
    case "u": return usesInput(e) ? { ...e, x: anchored(e.x) } : { k: "in", i: 0 };
    case "flip": return usesInput(e) ? { ...e, x: anchored(e.x) } : { k: "in", i: 0 };
    case "b": return usesInput(e) ? { ...e, x: anchored(e.x), y: anchored(e.y) } : { k: "in", i: 0 };
    case "where": {
      if (!usesInput(e)) return { k: "in", i: 0 };
      const y = usesInput(e.x) || usesInput(e.y) ? anchored(e.y) : { k: "in" as const, i: 0 };
      return { k: "where", c: anchored(e.c), x: anchored(e.x), y };
    }
  }
}

function build(e: Expr, inputs: readonly wf.Array[]): wf.Array | number {
  switch (e.k) {
    case "in": return inputs[e.i]!;
    case "num": return e.v;
    case "u": return (np[e.fn] as (x: wf.Array | number) => wf.Array)(build(e.x, inputs));
    case "b": return (np[e.fn] as (x: wf.Array | number, y: wf.Array | number) => wf.Array)(build(e.x, inputs), build(e.y, inputs));
    case "where": return np.where(np.greater(build(e.c, inputs), 0), build(e.x, inputs), build(e.y, inputs)) as wf.Array;
    case "flip": {
      const x = build(e.x, inputs) as wf.Array;
      return e.all ? np.flip(x) : np.flip(x, -1);
    }
  }
}

function asValues(r: unknown): Dense {
  if (r === null) return { shape: [], data: [0], mask: [true] };
  if (typeof r === "number" || typeof r === "bigint") return { shape: [], data: [Number(r)] };
  const a = r as wf.NDArray | wf.MaskedNDArray;
  const out: Dense = { shape: [...a.shape], data: Array.from(a.data as ArrayLike<number | bigint>, Number) };
  if (a instanceof wf.MaskedNDArray) out.mask = Array.from(a.mask, (m) => m === 1);
  return out;
}

function close(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Same shape, same mask (a masked scalar computes to null), same values where unmasked. */
function same(x: Dense, y: Dense): boolean {
  if (x.shape.length !== y.shape.length || !x.shape.every((s, i) => s === y.shape[i])) return false;
  const mx = x.mask ?? x.data.map(() => false), my = y.mask ?? y.data.map(() => false);
  if (x.shape.length > 0 && (x.mask === undefined) !== (y.mask === undefined)) return false;
  return x.data.every((v, i) => mx[i] === my[i] && (mx[i] || close(v, y.data[i]!)));
}

t.test("compute, inspect and a reference evaluator agree on random expressions, plain and masked", async (t) => {
  await fc.assert(
    fc.asyncProperty(caseArb, async (c) => {
      const ctor = c.dt === "int32" ? Int32Array : Float64Array;
      const proxies = c.inputs.map((i) => {
        const a = wf.Array.from(ctor.from(i.data), i.shape, { chunks: i.chunks });
        if (i.mask === null) return a;
        return new wf.MaskedArray(a, { mask: wf.Array.from(Uint8Array.from(i.mask, Number), i.shape, { dtype: "bool", chunks: i.chunks }) });
      });
      const dense = c.inputs.map((i): Dense => (i.mask === null ? { shape: i.shape, data: i.data } : { shape: i.shape, data: i.data, mask: i.mask }));
      const a = anchored(c.expr);
      const e: Expr = a.k === "num" ? { k: "b", fn: "add", x: { k: "in", i: 0 }, y: a } : a;
      let p: Proxy = build(e, proxies) as wf.Array;
      let want = evalExpr(e, dense, c.dt);
      if (c.reduction !== null) {
        const r = c.reduction;
        const axis = r.axis === null ? null : Math.min(r.axis, want.shape.length - 1);
        p = np[r.fn](p, axis === null ? {} : { axis });
        want = reduce(want, { fn: r.fn, axis });
      }
      const got = asValues(await p.compute());
      const fast = asValues(await p.inspect());
      return same(want, got) && same(want, fast);
    }),
    { numRuns: 40, seed: 4242 },
  );
  t.pass("40 random expressions agree");
});

t.teardown(async () => {
  await wf.shutdown();
});
