/**
 * Float32 chains over small integers skip the `Math.fround` of exact values (workers/codegen/exact.ts).
 * Which nodes skip it, and that the compiled chains give the bits of rounding after every op (what
 * NumPy's float32 ufuncs do) at the extremes of uint16 and int16, where sums and products are
 * exact or not. NumPy's own values for the NDVI chain are in median-program.test.ts.
 */
import t from "tap";
import type { DTypeName } from "../../src/core/dtype.js";
import type { PNode, Program } from "../../scheduler/program.js";
import { integerBounds, skipsRounding } from "../../workers/codegen/exact.js";
import { compileMap, runCompiled, type Operand } from "../../workers/codegen/loops.js";

const leaf = (leafIndex: number, dtype: DTypeName): PNode => ({ k: "leaf", leaf: leafIndex, dtype, masked: false });
const toF32 = (arg: number): PNode => ({ k: "cast", arg, dtype: "float32", masked: false });
const op = (fn: "add" | "sub" | "mul" | "div", a: number, b: number): PNode => ({ k: "map", fn, args: [a, b], compute: "float32", dtype: "float32", masked: false });

/** (b - a) / (b + a) over two leaves cast to float32; nodes 0..6. */
function ndvi(d: DTypeName): Program {
  return { nodes: [leaf(0, d), toF32(0), leaf(1, d), toF32(2), op("sub", 3, 1), op("add", 3, 1), op("div", 4, 5)], nLeaves: 2 };
}

/** (b - a) * (b + a): exact for int8, past 2^24 for uint16. */
function product(d: DTypeName): Program {
  return { nodes: [leaf(0, d), toF32(0), leaf(1, d), toF32(2), op("sub", 3, 1), op("add", 3, 1), op("mul", 4, 5)], nLeaves: 2 };
}

const skipped = (p: Program): boolean[] => {
  const b = integerBounds(p);
  return p.nodes.map((_, i) => skipsRounding(p, b, i));
};

t.test("which nodes skip float32 rounding", async (t) => {
  t.same(skipped(ndvi("uint16")), [false, true, false, true, true, true, false], "uint16 NDVI: casts, difference and sum are exact; the quotient is rounded");
  t.same(integerBounds(ndvi("uint16")).slice(0, 6), [65535, 65535, 65535, 65535, 131070, 131070]);
  t.same(skipped(product("uint16")), [false, true, false, true, true, true, false], "uint16 (b-a)*(b+a) can pass 2^24: the product is rounded");
  t.same(skipped(product("int8")), [false, true, false, true, true, true, true], "int8 (b-a)*(b+a) stays under 2^24: exact");
  t.same(skipped(ndvi("int32")), [false, false, false, false, false, false, false], "int32 values can pass 2^24: every cast and op is rounded");
  t.same(skipped(ndvi("float32")), [false, false, false, false, false, false, false], "float inputs are never assumed integers");
});

/** The program evaluated op by op with float32 rounding after each, as NumPy does. */
function reference(kind: "ndvi" | "product", a: number, b: number): number {
  const fa = Math.fround(a), fb = Math.fround(b);
  const s = Math.fround(fb - fa), p = Math.fround(fb + fa);
  return Math.fround(kind === "ndvi" ? s / p : s * p);
}

const EXTREMES: Record<string, number[]> = {
  uint16: [0, 1, 2, 3, 4095, 4096, 4097, 32767, 32768, 65533, 65534, 65535],
  int16: [-32768, -32767, -4097, -1, 0, 1, 2, 4097, 32766, 32767],
  int8: [-128, -127, -1, 0, 1, 126, 127],
};

t.test("compiled chains give the bits of rounding after every op", async (t) => {
  for (const [dtype, values] of Object.entries(EXTREMES) as [DTypeName, number[]][]) {
    for (const kind of ["ndvi", "product"] as const) {
      const n = values.length * values.length;
      const Ctor = dtype === "uint16" ? Uint16Array : dtype === "int16" ? Int16Array : Int8Array;
      const A = new Ctor(n), B = new Ctor(n);
      values.forEach((x, i) => values.forEach((y, j) => ((A[i * values.length + j] = x), (B[i * values.length + j] = y))));
      const out = new Float32Array(n);
      const ops: Operand[] = [A, B, out].map((data) => ({ data, offset: 0, strides: [1] }));
      runCompiled(compileMap(kind === "ndvi" ? ndvi(dtype) : product(dtype), 1), ops, [n]);
      const want = Float32Array.from({ length: n }, (_, k) => reference(kind, A[k]!, B[k]!));
      t.same(new Uint32Array(out.buffer), new Uint32Array(want.buffer), `${kind} over ${dtype}: same bits`);
    }
  }
});

t.test("masked division of integer values masks exactly where numpy.ma's domain does", async (t) => {
  const mleaf = (i: number): PNode => ({ k: "leaf", leaf: i, dtype: "int16", masked: true });
  const mcast = (arg: number): PNode => ({ k: "cast", arg, dtype: "float32", masked: true });
  const mop = (fn: "add" | "sub" | "div", a: number, b: number): PNode => ({ k: "map", fn, args: [a, b], compute: "float32", dtype: "float32", masked: true });
  const p: Program = { nodes: [mleaf(0), mcast(0), mleaf(1), mcast(2), mop("sub", 3, 1), mop("add", 3, 1), mop("div", 4, 5)], nLeaves: 2 };
  const values = EXTREMES["int16"]!;
  const n = values.length * values.length;
  const A = new Int16Array(n), B = new Int16Array(n);
  values.forEach((x, i) => values.forEach((y, j) => ((A[i * values.length + j] = x), (B[i * values.length + j] = y))));
  const out = new Float32Array(n), outMask = new Uint8Array(n);
  const ops: Operand[] = [
    { data: A, mask: new Uint8Array(n), offset: 0, strides: [1] },
    { data: B, mask: new Uint8Array(n), offset: 0, strides: [1] },
    { data: out, mask: outMask, offset: 0, strides: [1] },
  ];
  runCompiled(compileMap(p, 1), ops, [n]);
  const wantMask = Uint8Array.from({ length: n }, (_, k) => {
    const s = Math.fround(B[k]! - A[k]!), q = Math.fround(B[k]! + A[k]!);
    // numpy.ma's safe-divide domain: |a| * tiny >= |b|, or a result that is not finite
    return Math.abs(s) * 2.2250738585072014e-308 >= Math.abs(q) || !Number.isFinite(Math.fround(s / q)) ? 1 : 0;
  });
  t.ok(wantMask.some((m) => m === 1) && wantMask.some((m) => m === 0), "the extremes give both masked and unmasked quotients");
  t.same(outMask, wantMask, "same mask");
  const want = Float32Array.from({ length: n }, (_, k) => (wantMask[k] ? Math.fround(B[k]! - A[k]!) : reference("ndvi", A[k]!, B[k]!)));
  t.same(new Uint32Array(out.buffer), new Uint32Array(want.buffer), "same bits, masked quotients keep the dividend");
});
