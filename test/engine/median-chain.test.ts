/**
 * The arena chain median (workers/kernels/median-chain.ts): NDVI medians of masked integer bands
 * whose data and masks sit in leased arena box memory, as a task's source boxes do, evaluated in
 * WebAssembly straight into median16's planes. Values against NumPy's numpy.ma.median
 * (median-program.json: 12 and 16 dates, zero sums that numpy.ma masks, int16 bands, a reduced
 * middle axis, rows longer than a tile and of odd length) and bit for bit against the JS path;
 * which path ran is checked by its tile count. Unmasked float32 chains (two reduced axes, NaNs,
 * zero medians) too. Programs and operands it does not take (runs past 16 values, a reduced last
 * axis) fall back.
 */
import t from "tap";
import { medianCases, type MedianCase, type MedianInput } from "../support/median-fixture.js";
import { DTYPES, allocate, viewOf, type DTypeName } from "../../src/core/dtype.js";
import { leaseBoxes, type BoxLease } from "../../src/core/arena.js";
import type { Program } from "../../scheduler/program.js";
import type { Operand } from "../../workers/codegen/loops.js";
import { chainRefusal } from "../../workers/codegen/wasm/chain.js";
import { setSimdEnabled } from "../../workers/codegen/wasm/runtime.js";
import { runMedian, type MedianArgs } from "../../workers/kernels/median.js";
import { chainMedianTiles } from "../../workers/kernels/median-chain.js";

const fixture = { cases: medianCases() };
const ndviCases = fixture.cases.filter((c) => c.expr === "ndvi");
/** Unmasked float32 differences: `a - b` of two float32 leaves. */
const diffCases = fixture.cases.filter((c) => c.expr === "a-b" && c.inputs["a"]!.dtype === "float32");

const diffProgram: Program = {
  nLeaves: 2,
  nodes: [
    { k: "leaf", leaf: 0, dtype: "float32", masked: false }, { k: "leaf", leaf: 1, dtype: "float32", masked: false },
    { k: "map", fn: "sub", args: [0, 1], compute: "float32", dtype: "float32", masked: false },
  ],
};

/** The fused program lowering makes of (nir - red) / (nir + red) over two masked bands cast to float32. */
function ndviProgram(d: DTypeName): Program {
  return {
    nLeaves: 2,
    nodes: [
      { k: "leaf", leaf: 0, dtype: d, masked: true }, { k: "cast", arg: 0, dtype: "float32", masked: true },
      { k: "leaf", leaf: 1, dtype: d, masked: true }, { k: "cast", arg: 2, dtype: "float32", masked: true },
      { k: "map", fn: "sub", args: [1, 3], compute: "float32", dtype: "float32", masked: true },
      { k: "map", fn: "add", args: [1, 3], compute: "float32", dtype: "float32", masked: true },
      { k: "map", fn: "div", args: [4, 5], compute: "float32", dtype: "float32", masked: true },
    ],
  };
}

function cStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  for (let i = shape.length - 1, acc = 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** A band's data and mask in the lease's arena memory (`inArena`), or in ordinary memory. */
function band(i: MedianInput, lease: BoxLease, inArena: boolean): Operand {
  const n = i.data.length;
  let data, mask: Uint8Array;
  if (inArena) {
    const d = lease.take(n * DTYPES[i.dtype].bytes)!, m = lease.take(n)!;
    data = viewOf(i.dtype, d.buffer, d.at, n);
    mask = new Uint8Array(m.buffer, m.at, n);
  } else {
    data = allocate(i.dtype, n, false);
    mask = new Uint8Array(n);
  }
  i.data.forEach((v, k) => (data[k] = v ?? NaN));
  if (i.mask !== undefined) mask.set(i.mask);
  const op: Operand = { data, mask: i.mask === undefined ? undefined : mask, offset: 0, strides: cStrides(i.shape) };
  if (inArena) Object.assign(op, { arena: true, maskArena: true });
  return op;
}

/** The case's two inputs, in the order its program reads them. */
function inputsOf(c: MedianCase): [MedianInput, MedianInput] {
  return c.expr === "ndvi" ? [c.inputs["nir"]!, c.inputs["red"]!] : [c.inputs["a"]!, c.inputs["b"]!];
}

function medianArgs(c: MedianCase, leaves: Operand[], program = c.expr === "ndvi" ? ndviProgram(c.inputs["nir"]!.dtype) : diffProgram): MedianArgs {
  const shape = inputsOf(c)[0].shape;
  const axes = typeof c.axis === "number" ? [c.axis] : c.axis ?? [];
  const n = c.shape.reduce((a, b) => a * b, 1);
  return {
    program, shape, leaves, reduced: shape.map((_, i) => axes.includes(i)), outDType: "float32",
    out: { data: new Float32Array(n), mask: new Uint8Array(n), offset: 0, strides: cStrides(c.shape) },
  };
}

function run(c: MedianCase, arena: { nir: boolean; red: boolean; masks?: boolean }): { out: Operand; tiles: number } {
  const lease = leaseBoxes();
  if (lease === null) throw new Error("no arena lease in this thread");
  try {
    const [a, b] = inputsOf(c);
    const nir = band(a, lease, arena.nir), red = band(b, lease, arena.red);
    if (arena.masks === false) for (const l of [nir, red]) l.maskArena = false;
    const args = medianArgs(c, [nir, red]);
    const before = chainMedianTiles();
    runMedian(args);
    return { out: args.out, tiles: chainMedianTiles() - before };
  } finally {
    lease.end();
  }
}

for (const c of [...ndviCases, ...diffCases]) {
  t.test(c.name, async (t) => {
    const wasm = run(c, { nir: true, red: true });
    const shape = inputsOf(c)[0].shape, axes = typeof c.axis === "number" ? [c.axis] : c.axis ?? [];
    const w = shape.reduce((n, d, i) => (axes.includes(i) ? n * d : n), 1);
    if (w > 16) t.equal(wasm.tiles, 0, `runs of ${w} values: past median16's 16, the JS path`);
    else if (axes.includes(shape.length - 1)) t.equal(wasm.tiles, 0, "the last axis reduced: no contiguous kept run for the chain, the JS path");
    else t.ok(wasm.tiles > 0, "the arena chain ran");
    t.same([...wasm.out.mask!], c.mask, "mask equals numpy.ma's");
    let bad = 0;
    c.data.forEach((want, k) => {
      if (c.mask[k] === 1) return;
      const v = wasm.out.data[k] as number;
      if (want === null ? !Number.isNaN(v) : !Object.is(v, want)) bad++;
    });
    t.equal(bad, 0, "values equal NumPy's exactly");
    const js = run(c, { nir: false, red: true });
    t.equal(js.tiles, 0, "a leaf outside the arena takes the JS path");
    const bits = (o: Operand) => [...new Uint32Array((o.data as Float32Array).slice().buffer)];
    t.same(bits(js.out), bits(wasm.out), "the JS path gives the same bits");
    t.same([...js.out.mask!], [...wasm.out.mask!]);
  });
}

t.test("masks outside the arena, or SIMD off, take the JS path with the same values", async (t) => {
  const c = ndviCases[0]!;
  const wasm = run(c, { nir: true, red: true });
  const noMasks = run(c, { nir: true, red: true, masks: false });
  t.equal(noMasks.tiles, 0, "masks not in the arena: JS path");
  t.same([...noMasks.out.data], [...wasm.out.data]);
  setSimdEnabled(false);
  try {
    const off = run(c, { nir: true, red: true });
    t.equal(off.tiles, 0, "SIMD off: JS path");
    t.same([...off.out.data], [...wasm.out.data]);
  } finally {
    setSimdEnabled(true);
  }
});

t.test("programs outside the chain's closed set are refused with the reason", async (t) => {
  t.equal(chainRefusal(ndviProgram("uint16")), null, "NDVI of uint16 bands compiles");
  const sqrt: Program = {
    nLeaves: 1,
    nodes: [{ k: "leaf", leaf: 0, dtype: "float32", masked: true }, { k: "map", fn: "sqrt", args: [0], compute: "float32", dtype: "float32", masked: true }],
  };
  t.equal(chainRefusal(sqrt), "numpy.ma's domain of sqrt");
  const floatDiv: Program = {
    nLeaves: 2,
    nodes: [
      { k: "leaf", leaf: 0, dtype: "float32", masked: true }, { k: "leaf", leaf: 1, dtype: "float32", masked: false },
      { k: "map", fn: "div", args: [0, 1], compute: "float32", dtype: "float32", masked: true },
    ],
  };
  t.equal(chainRefusal(floatDiv), "numpy.ma's domain of div", "a masked division of any floats needs numpy.ma's full domain test");
  const f64: Program = { nLeaves: 1, nodes: [{ k: "leaf", leaf: 0, dtype: "uint16", masked: false }, { k: "cast", arg: 0, dtype: "float64", masked: false }] };
  t.equal(chainRefusal(f64), "the result is not float32");
  const i64: Program = { nLeaves: 1, nodes: [{ k: "leaf", leaf: 0, dtype: "int64", masked: false }, { k: "cast", arg: 0, dtype: "float32", masked: false }] };
  t.equal(chainRefusal(i64), "a leaf of int64");
  // a refused program over arena operands still computes, through the JS path
  const c = ndviCases[0]!;
  const lease = leaseBoxes()!;
  try {
    const nir = band(c.inputs["nir"]!, lease, true);
    const sqrtArgs = medianArgs(c, [{ ...nir, data: Float32Array.from(nir.data as Uint16Array), arena: false }], sqrt);
    const before = chainMedianTiles();
    runMedian(sqrtArgs);
    t.equal(chainMedianTiles(), before, "not through the chain");
    t.ok(sqrtArgs.out.data.some((v) => (v as number) > 0), "medians computed");
  } finally {
    lease.end();
  }
});
