/**
 * Medians read straight from the data (and mask) buffers against NumPy (workers/kernels/median-direct.ts):
 * every run length from 1 to 17 and a long one, NaN, ±inf, ±0 and float32 extremes, fully masked pixels,
 * plain float32, float64 and int16; through the WebAssembly kernel (float32 runs of up to 16 values) and
 * with SIMD off through the JavaScript tiles, which must agree bit for bit on data wider than a tile.
 */
import { readFileSync } from "node:fs";
import t from "tap";
import * as wf from "../../src/index.js";
import { allocate, type DTypeName, type TypedArray } from "../../src/core/dtype.js";
import { MaskedNDArray } from "../../src/core/ndarray.js";
import type { Program } from "../../scheduler/program.js";
import { setSimdEnabled, simdEnabled } from "../../workers/codegen/wasm/runtime.js";
import { runMedian } from "../../workers/kernels/median.js";

t.teardown(() => wf.shutdown());

interface Case {
  name: string;
  dtype: DTypeName;
  shape: number[];
  data: string[];
  mask: number[] | null;
  outDtype: DTypeName;
  out: string[];
  outMask: number[];
}

const fixture = JSON.parse(readFileSync(new URL("../fixtures/median-direct.json", import.meta.url), "utf8")) as { cases: Case[] };

const num = (s: string): number => (s === "nan" ? NaN : s === "inf" ? Infinity : s === "-inf" ? -Infinity : Number(s));

function typed(dtype: DTypeName, values: readonly number[]): TypedArray {
  const a = allocate(dtype, values.length, false) as Float64Array;
  values.forEach((v, k) => (a[k] = v));
  return a;
}

const leaf = (k: number, dtype: DTypeName) => ({ k: "leaf" as const, leaf: k, dtype, masked: false });

/** The kernel on one task covering the whole input: median over axis 0, the mask as a bool leaf (or none). */
function kernelMedian(shape: number[], dtype: DTypeName, data: TypedArray, mask: Uint8Array | undefined, outDtype: DTypeName) {
  const program: Program = mask === undefined
    ? { nodes: [leaf(0, dtype)], nLeaves: 1 }
    : { nodes: [leaf(0, dtype), leaf(1, "bool"), { k: "make_masked", args: [0, 1], dtype, masked: true }], nLeaves: 2 };
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const outShape = shape.slice(1);
  const size = outShape.reduce((a, b) => a * b, 1);
  const out = { data: allocate(outDtype, size, false), mask: mask === undefined ? undefined : new Uint8Array(size), offset: 0, strides: strides.slice(1) };
  const leaves = [{ data, offset: 0, strides }, ...(mask === undefined ? [] : [{ data: mask, offset: 0, strides }])];
  runMedian({ program, shape, leaves, reduced: shape.map((_, i) => i === 0), out, outDType: outDtype });
  return out;
}

/** Bit-level equality (NaN equals NaN; +0 and -0 differ), counting the unmasked elements that differ. */
function mismatches(got: TypedArray, want: readonly number[], mask: ArrayLike<number>): number {
  let bad = 0;
  want.forEach((w, k) => {
    if (mask[k] === 1) return;
    if (!Object.is(Number(got[k]), w)) bad++;
  });
  return bad;
}

const initial = simdEnabled();
t.teardown(() => setSimdEnabled(initial));

for (const simd of [true, false]) {
  t.test(`kernel against NumPy, SIMD ${simd ? "on" : "off"}`, async (t) => {
    setSimdEnabled(simd);
    for (const c of fixture.cases) {
      const mask = c.mask === null ? undefined : Uint8Array.from(c.mask);
      const out = kernelMedian(c.shape, c.dtype, typed(c.dtype, c.data.map(num)), mask, c.outDtype);
      const gotMask = out.mask === undefined ? new Array<number>(c.outMask.length).fill(0) : Array.from(out.mask);
      t.same(gotMask, c.outMask, `${c.name}: mask`);
      t.equal(mismatches(out.data, c.out.map(num), c.outMask), 0, `${c.name}: values`);
    }
  });
}

t.test("SIMD and JavaScript agree bit for bit across tiles and with mask bytes other than 1", async (t) => {
  let seed = 5;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const special = [NaN, Infinity, -Infinity, -0, 0, 1, 2];
  for (const n of [1, 4, 12, 16]) {
    const shape = [n, 3, 2051];
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size).map(() => (rnd() < 0.1 ? special[Math.floor(rnd() * special.length)]! : rnd()));
    const mask = new Uint8Array(size).map(() => (rnd() < 0.3 ? (rnd() < 0.5 ? 1 : 200) : 0));
    setSimdEnabled(true);
    const a = kernelMedian(shape, "float32", data, mask, "float32");
    setSimdEnabled(false);
    const b = kernelMedian(shape, "float32", data, mask, "float32");
    t.same(Array.from(a.mask!), Array.from(b.mask!), `${n} values a run: mask`);
    t.equal(mismatches(a.data, Array.from(b.data as Float32Array), a.mask!), 0, `${n} values a run: values`);
  }
});

t.test("compute(): a masked float32 median over 16 dates in several chunks matches NumPy", async (t) => {
  setSimdEnabled(initial);
  const c = fixture.cases.find((x) => x.name === "float32 masked, 16 values a run")!;
  const x = wf.Array.from(typed("float32", c.data.map(num)) as Float32Array, c.shape, { chunks: [16, 1, 13] });
  const m = wf.Array.from(Uint8Array.from(c.mask!), c.shape, { dtype: "bool", chunks: [16, 1, 13] });
  const got = (await new wf.MaskedArray(x, { mask: m }).median(0).compute({ cache: false })) as MaskedNDArray;
  t.same(Array.from(got.mask), c.outMask, "mask");
  t.equal(mismatches(got.data, c.out.map(num), c.outMask), 0, "values");
});
