/**
 * The WebAssembly SIMD backend (workers/codegen/wasm, workers/kernels/simd.ts) against the JS
 * loops, which the NumPy fixtures check: every op of its table in float32 and float64 lanes,
 * runs whose length leaves a scalar tail or spans several staged pieces, hard values (NaN, ±inf,
 * ±0, subnormals, rint's ties), the four reduction modes, and the programs it must refuse. Each
 * case also checks that the SIMD path really ran (or really did not).
 */
import t from "tap";
import * as wf from "../../src/index.js";
import type { DTypeName } from "../../src/core/dtype.js";
import type { UfuncName } from "../../src/graph/ufuncs.js";
import type { ConstValue, PNode, Program } from "../../scheduler/program.js";
import { runMap } from "../../workers/kernels/map.js";
import { runPartial, type ReduceArgs } from "../../workers/kernels/reduce.js";
import type { Operand } from "../../workers/codegen/loops.js";
import { forceSimd, simdRegions, simdStagedPieces } from "../../workers/kernels/simd.js";
import { arenaCopyOf } from "../../src/core/arena.js";
import { SIMD_UFUNCS } from "../../workers/codegen/wasm/ops.js";
import { setSimdEnabled, simdEnabled, simdKernelCount } from "../../workers/codegen/wasm/runtime.js";
import { uleb, sleb } from "../../workers/codegen/wasm/binary.js";

type Float = "float32" | "float64";
const FLOATS: Float[] = ["float32", "float64"];
const ctor = (d: Float) => (d === "float32" ? Float32Array : Float64Array);

/** Deterministic values in [-4, 4) with hard cases sprinkled in. */
function values(d: Float, n: number, seed: number): Float32Array | Float64Array {
  const hard = [NaN, Infinity, -Infinity, 0, -0, 0.5, -0.5, 1.5, 2.5, -2.5, 1e-310, -1e-40, 3.4e38, 1];
  const out = new (ctor(d))(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = i % 7 === 3 ? hard[(s >>> 8) % hard.length]! : (s / 2 ** 32) * 8 - 4;
  }
  return out;
}

const leaf = (i: number, d: Float): PNode => ({ k: "leaf", leaf: i, dtype: d, masked: false });
const map = (fn: UfuncName, args: number[], d: Float): PNode => ({ k: "map", fn, args, compute: d, dtype: d, masked: false });
const konst = (value: ConstValue, d: Float): PNode => ({ k: "const", value, dtype: d, masked: false });

/** fn(leaf0[, leaf1]) */
function unaryOrBinary(fn: UfuncName, d: Float): Program {
  const arity = SIMD_UFUNCS[fn]!.arity;
  return arity === 1 ? { nodes: [leaf(0, d), map(fn, [0], d)], nLeaves: 1 } : { nodes: [leaf(0, d), leaf(1, d), map(fn, [0, 1], d)], nLeaves: 2 };
}

/** ((b - a) / (b + a)) * c + k: NDVI with constants, as B1 computes it. */
function ndviLike(d: Float, k: ConstValue): Program {
  return { nodes: [leaf(0, d), leaf(1, d), map("sub", [1, 0], d), map("add", [1, 0], d), map("div", [2, 3], d), konst(2.5, d), map("mul", [4, 5], d), konst(k, d), map("add", [6, 7], d)], nLeaves: 2 };
}

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): string | null {
  if (a.length !== b.length) return `lengths ${a.length} and ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    if (Object.is(a[i], b[i]) || (Number.isNaN(a[i]) && Number.isNaN(b[i]))) continue;
    return `element ${i}: SIMD ${a[i]}, JS ${b[i]}`;
  }
  return null;
}

/** f() on the SIMD path (which must have run), then on the JS loops. */
function both<T>(f: () => T): { simd: T; js: T; compiled: number } {
  const before = simdKernelCount();
  const ran = simdRegions();
  setSimdEnabled(true);
  try {
    const simd = f();
    const compiled = simdKernelCount() - before;
    if (simdRegions() === ran) throw new Error("the SIMD path did not run");
    const afterSimd = simdRegions();
    setSimdEnabled(false);
    const js = f();
    if (simdRegions() !== afterSimd) throw new Error("the SIMD path ran while switched off");
    return { simd, js, compiled };
  } finally {
    setSimdEnabled(true);
  }
}

/** Elementwise over a (rows, n) region whose rows are `pitch` apart (runs are contiguous, rows are not). */
function mapCase(p: Program, d: Float, rows: number, n: number, pitch: number) {
  const leaves: Operand[] = Array.from({ length: p.nLeaves }, (_, j) => ({ data: values(d, rows * pitch, 17 + j), offset: 1, strides: [pitch, 1] }));
  return both(() => {
    const out: Operand = { data: new (ctor(d))(rows * n), offset: 0, strides: [n, 1] };
    runMap({ program: p, shape: [rows, n], leaves, out });
    return out.data as Float32Array | Float64Array;
  });
}

t.test("SIMD is on in this runtime", async (t) => {
  t.ok(simdEnabled(), "Node's WebAssembly compiles SIMD (else every case below would only test the fallback)");
});

t.test("SIMD runs where staging pays off: float32 chains, float64 chains with a division", async (t) => {
  const regions = (p: Program, d: Float, kind: "map" | "sum") => {
    const before = simdRegions();
    const data = values(d, 64, 1).map(Math.abs);
    const leaves: Operand[] = Array.from({ length: p.nLeaves }, () => ({ data, offset: 0, strides: [1] }));
    if (kind === "sum") runPartial({ program: p, shape: [64], leaves, reduced: [true], fn: "sum", ddof: 0, out: null, outDType: d }, "shared");
    else runMap({ program: p, shape: [64], leaves, out: { data: new (ctor(d))(64), offset: 0, strides: [1] } });
    return simdRegions() - before;
  };
  const plain = (d: Float): Program => ({ nodes: [leaf(0, d)], nLeaves: 1 });
  t.equal(regions(ndviLike("float32", 1), "float32", "sum"), 1, "the B1 chain's sum");
  t.equal(regions(ndviLike("float32", 1), "float32", "map"), 1, "the B1 chain elementwise");
  t.equal(regions(unaryOrBinary("div", "float64"), "float64", "sum"), 1, "a float64 division's sum");
  t.equal(regions(plain("float32"), "float32", "sum"), 0, "not a plain float32 sum (memory bound: the copy would cost more)");
  t.equal(regions(plain("float64"), "float64", "sum"), 0, "not a plain float64 sum (B3)");
  t.equal(regions(unaryOrBinary("mul", "float64"), "float64", "map"), 0, "not a float64 map");
});

t.test("from here on, every program the table covers goes through SIMD", async () => {
  forceSimd(true);
});

t.test("every op of the table matches the JS loop bit for bit, tails and pieces included", async (t) => {
  for (const d of FLOATS) {
    for (const fn of Object.keys(SIMD_UFUNCS) as UfuncName[]) {
      for (const n of [2, 3, 4, 6, 2048 + 5]) {
        const r = mapCase(unaryOrBinary(fn, d), d, 2, n, n + 3);
        const diff = sameBits(r.simd, r.js);
        if (diff !== null) t.fail(`${fn} ${d} n=${n}: ${diff}`);
      }
    }
    t.pass(`${Object.keys(SIMD_UFUNCS).length} ops in ${d}`);
  }
});

t.test("constants (numbers, nan, inf) are splatted", async (t) => {
  for (const d of FLOATS) {
    for (const k of [0.1, "nan", "-inf"] as ConstValue[]) {
      const r = mapCase(ndviLike(d, k), d, 3, 37, 40);
      t.equal(sameBits(r.simd, r.js), null, `ndvi * 2.5 + ${String(k)} in ${d}`);
    }
  }
});

function reduceArgs(p: Program, d: Float, shape: number[], reduced: boolean[], fn: "sum" | "mean" | "std"): ReduceArgs {
  const n = shape.reduce((a, b) => a * b, 1);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const leaves: Operand[] = Array.from({ length: p.nLeaves }, (_, j) => {
    // positive and finite, so (b - a) / (b + a) is finite too
    const v = values(d, n, 5 + j).map((x) => (Number.isFinite(x) && Math.abs(x) < 1e30 ? Math.abs(x) + 0.01 : 0.25));
    return { data: v, offset: 0, strides };
  });
  return { program: p, shape, leaves, reduced, fn, ddof: 0, out: null, outDType: d };
}

t.test("reductions: sums and moments along rows and along the innermost axis", async (t) => {
  const cases: [string, number[], boolean[]][] = [
    ["axis 0 (rows of accumulators)", [5, 3, 2051], [true, false, false]],
    ["axes 0, 1", [4, 3, 7], [true, true, false]],
    ["innermost axis (one accumulator per run)", [3, 2053], [false, true]],
    ["all axes", [6, 4099], [true, true]],
  ];
  for (const d of FLOATS) {
    for (const [label, shape, reduced] of cases) {
      for (const fn of ["sum", "std"] as const) {
        const args = reduceArgs(ndviLike(d, 1), d, shape, reduced, fn);
        const r = both(() => runPartial(args, "shared"));
        t.ok(r.compiled <= 1, "one kernel per program and mode, at most");
        const innermost = reduced[reduced.length - 1]!;
        for (const [name, s, j] of [["a", r.simd.a, r.js.a], ["m2", r.simd.m2, r.js.m2]] as const) {
          if (s === undefined || j === undefined) continue;
          if (!innermost) {
            t.equal(sameBits(s as Float64Array, j as Float64Array), null, `${fn} ${d} ${label}: ${name} bit for bit (same order of additions)`);
            continue;
          }
          // lanes add in a different order than the JS loop: equal to rounding
          let worst = 0;
          for (let i = 0; i < s.length; i++) worst = Math.max(worst, Math.abs((s[i] as number) - (j[i] as number)) / Math.max(1, Math.abs(j[i] as number)));
          t.ok(worst < 1e-12, `${fn} ${d} ${label}: ${name} within 1e-12 (worst ${worst})`);
        }
      }
    }
  }
});

/** The leaves of `args` moved into the arena (read in place by the kernels), and the output too when given. */
function inArena<T extends { leaves: Operand[] }>(args: T, d: Float): T {
  return { ...args, leaves: args.leaves.map((l) => ({ ...l, data: arenaCopyOf(l.data, d)!, arena: true })) };
}

t.test("operands in the arena are read in place, with the same bits as staged ones", async (t) => {
  for (const d of FLOATS) {
    for (const [shape, reduced] of [[[5, 3, 2051], [true, false, false]], [[3, 2053], [false, true]], [[6, 4099], [true, true]]] as [number[], boolean[]][]) {
      for (const fn of ["sum", "std"] as const) {
        const staged = reduceArgs(ndviLike(d, 1), d, shape, reduced, fn);
        const direct = inArena(staged, d);
        const before = simdStagedPieces();
        const a = both(() => runPartial(direct, "shared")).simd;
        t.equal(simdStagedPieces(), before, `${fn} ${d} ${shape}: nothing copied into scratch`);
        const b = runPartial(staged, "shared");
        t.ok(simdStagedPieces() > before, "leaves outside the arena are staged (the counter can move)");
        if (!reduced[reduced.length - 1]) {
          t.equal(sameBits(a.a as Float64Array, b.a as Float64Array), null, `${fn} ${d} ${shape}: in place = staged, bit for bit`);
          continue;
        }
        // whole runs instead of pieces: the lanes' partial sums split differently, equal to rounding
        let worst = 0;
        for (let i = 0; i < a.a.length; i++) worst = Math.max(worst, Math.abs((a.a[i] as number) - (b.a[i] as number)) / Math.max(1, Math.abs(b.a[i] as number)));
        t.ok(worst < 1e-12, `${fn} ${d} ${shape}: in place = staged within 1e-12 (worst ${worst})`);
      }
    }
    const p = ndviLike(d, 0.5);
    const leaves: Operand[] = [0, 1].map((j) => ({ data: arenaCopyOf(values(d, 3 * 2100, 40 + j), d)!, offset: 7, strides: [2100, 1], arena: true }));
    const before = simdStagedPieces();
    const r = both(() => {
      const out: Operand = { data: new (ctor(d))(3 * 2090), offset: 0, strides: [2090, 1] };
      runMap({ program: p, shape: [3, 2090], leaves, out });
      return out.data as Float32Array | Float64Array;
    });
    t.equal(simdStagedPieces(), before, `map ${d}: leaves read in place`);
    t.equal(sameBits(r.simd, r.js), null, `map ${d}: in place = the JS loop, bit for bit`);
  }
});

t.test("programs the SIMD table does not cover run in JS", async (t) => {
  const mixed: Program = { nodes: [leaf(0, "float32"), { k: "cast", arg: 0, dtype: "float64", masked: false }, map("add", [1, 1], "float64")], nLeaves: 1 };
  const power: Program = { nodes: [leaf(0, "float64"), leaf(1, "float64"), map("pow", [0, 1], "float64")], nLeaves: 2 };
  const ints: Program = { nodes: [{ k: "leaf", leaf: 0, dtype: "int32" as DTypeName, masked: false }, { k: "map", fn: "neg", args: [0], compute: "int32", dtype: "int32", masked: false }], nLeaves: 1 };
  const masked: Program = { nodes: [{ k: "leaf", leaf: 0, dtype: "float64", masked: true }, { k: "map", fn: "neg", args: [0], compute: "float64", dtype: "float64", masked: true }], nLeaves: 1 };
  const before = simdKernelCount();
  const ran = simdRegions();
  for (const p of [mixed, power]) {
    const d = p.nodes[0]!.dtype as Float;
    const leaves: Operand[] = Array.from({ length: p.nLeaves }, (_, j) => ({ data: values(d, 16, j), offset: 0, strides: [1] }));
    const out: Operand = { data: new Float64Array(16), offset: 0, strides: [1] };
    runMap({ program: p, shape: [16], leaves, out });
    t.ok(Number.isFinite(out.data[1] as number) || Number.isNaN(out.data[1] as number), "computed by the JS loop");
  }
  const iv: Operand = { data: new Int32Array([1, -2, 3]), offset: 0, strides: [1] };
  const io: Operand = { data: new Int32Array(3), offset: 0, strides: [1] };
  runMap({ program: ints, shape: [3], leaves: [iv], out: io });
  t.same([...io.data], [-1, 2, -3], "int32 negation in JS");
  const mv: Operand = { data: new Float64Array([1, 2]), mask: new Uint8Array([0, 1]), offset: 0, strides: [1] };
  const mo: Operand = { data: new Float64Array(2), mask: new Uint8Array(2), offset: 0, strides: [1] };
  runMap({ program: masked, shape: [2], leaves: [mv], out: mo });
  t.same([...mo.mask!], [0, 1], "masks still OR-ed through by the JS loop");
  // a transposed leaf: the innermost loop axis is strided
  const tv: Operand = { data: values("float64", 12, 3), offset: 0, strides: [1, 4] };
  const to: Operand = { data: new Float64Array(12), offset: 0, strides: [3, 1] };
  runMap({ program: unaryOrBinary("neg", "float64"), shape: [4, 3], leaves: [tv], out: to });
  t.equal(simdKernelCount(), before, "no SIMD kernel was compiled for any of them");
  t.equal(simdRegions(), ran, "and none ran in SIMD");
});

t.test("end to end: the B1 expression through inspect() and compute(), SIMD and JS agree", async (t) => {
  forceSimd(false);
  const shape = [5, 4, 33, 37];
  const n = shape.reduce((a, b) => a * b, 1);
  const data = values("float32", n, 99).map((v) => (Number.isFinite(v) ? Math.abs(v) + 0.01 : 1));
  const x = wf.Array.from(data, shape, { chunks: [2, 4, 16, 37] });
  const red = x.get(":", 2), nir = x.get(":", 3);
  const expr = nir.sub(red).div(nir.add(red)).mean(0);
  for (const mode of ["inspect", "compute"] as const) {
    const run = async () => (mode === "inspect" ? expr.inspect() : expr.compute({ cache: false })) as Promise<{ data: Float32Array }>;
    const before = simdKernelCount();
    const simd = (await run()).data;
    if (mode === "inspect") t.ok(simdKernelCount() > before, "inspect ran the SIMD kernel in this thread");
    setSimdEnabled(false);
    const js = (await run()).data;
    setSimdEnabled(true);
    // compute() runs in worker threads, where the switch does not reach: both ran SIMD there
    t.equal(sameBits(simd, js), null, `${mode}: same float32 means`);
    let checked = 0;
    for (let i = 0; i < 33 * 37; i += 97) {
      let s = 0;
      for (let k = 0; k < 5; k++) {
        const r = data[k * 4 * 33 * 37 + 2 * 33 * 37 + i]!, b = data[k * 4 * 33 * 37 + 3 * 33 * 37 + i]!;
        s += Math.fround(Math.fround(b - r) / Math.fround(b + r));
      }
      if (Math.fround(s / 5) !== simd[i]) t.fail(`${mode}: mean at ${i} is ${simd[i]}, want ${Math.fround(s / 5)}`);
      checked++;
    }
    t.ok(checked > 10, `${mode}: ${checked} pixels recomputed by hand`);
  }
  await wf.shutdown();
});

t.test("LEB128 encodings the emitter relies on", async (t) => {
  t.same(uleb(624485), [0xe5, 0x8e, 0x26]);
  t.same(sleb(-123456), [0xc0, 0xbb, 0x78]);
  t.same(sleb(63), [0x3f]);
  t.same(sleb(64), [0xc0, 0x00]);
  t.throws(() => uleb(-1), /not a non-negative integer/);
});
