/**
 * The closed table of ufuncs the SIMD backend compiles, with their WebAssembly opcodes for
 * float32 and float64 lanes (vector form after the 0xFD prefix, and the scalar form used for a
 * run's last few elements). Each one is an IEEE-754 operation whose float32 result equals the JS
 * template's `Math.fround` of the float64 result, so both backends compute NumPy's values.
 */
import type { DTypeName } from "../../../src/core/dtype.js";
import type { UfuncName } from "../../../src/graph/ufuncs.js";
import type { Program } from "../../../scheduler/program.js";

export type Lane = "f32" | "f64";

interface OpCodes {
  readonly arity: 1 | 2;
  /** [vector opcode (after 0xFD), scalar opcode] per lane type. */
  readonly f32: readonly [number, number];
  readonly f64: readonly [number, number];
}

export const SIMD_UFUNCS: Partial<Record<UfuncName, OpCodes>> = {
  add: { arity: 2, f32: [0xe4, 0x92], f64: [0xf0, 0xa0] },
  sub: { arity: 2, f32: [0xe5, 0x93], f64: [0xf1, 0xa1] },
  mul: { arity: 2, f32: [0xe6, 0x94], f64: [0xf2, 0xa2] },
  div: { arity: 2, f32: [0xe7, 0x95], f64: [0xf3, 0xa3] },
  neg: { arity: 1, f32: [0xe1, 0x8c], f64: [0xed, 0x9a] },
  abs: { arity: 1, f32: [0xe0, 0x8b], f64: [0xec, 0x99] },
  fabs: { arity: 1, f32: [0xe0, 0x8b], f64: [0xec, 0x99] },
  sqrt: { arity: 1, f32: [0xe3, 0x91], f64: [0xef, 0x9f] },
  ceil: { arity: 1, f32: [0x67, 0x8d], f64: [0x74, 0x9b] },
  floor: { arity: 1, f32: [0x68, 0x8e], f64: [0x75, 0x9c] },
  trunc: { arity: 1, f32: [0x69, 0x8f], f64: [0x7a, 0x9d] },
  // round half to even, as NumPy's rint
  rint: { arity: 1, f32: [0x6a, 0x90], f64: [0x94, 0x9e] },
  // a * a (the same opcode with the operand twice)
  square: { arity: 1, f32: [0xe6, 0x94], f64: [0xf2, 0xa2] },
};

/** Relative cost of an op in the JS loop (a division or square root takes several times an add). */
const JS_COST: Partial<Record<UfuncName, number>> = { div: 4, sqrt: 4 };

/**
 * Whether staging a program's runs pays off. Staging copies every leaf (and a map's output) once
 * more, so the JS loop wins when it has little to compute. Measured per element on the 2-core
 * machine (JS → SIMD, ns): float32 sums: x 1.7 → 2.8, x*y 4.2 → 2.0, (x-y)/(x+y) 6.4 → 2.3;
 * float64 sums: x 1.8 → 2.7, x*y 3.3 → 3.4, x/y 4.9 → 3.4; float32 maps: x/y 3.4 → 3.6,
 * (x-y)/(x+y) 5.4 → 4.1; float64 maps lose in every case (the output is copied back out).
 * With the leaves read in place (`inPlace`: they live in the arena) nothing is copied in: a
 * reduction always wins (float32 (x-y)/(x+y) sums at 1.2 ns), a map unless it is a float64 copy.
 */
export function simdPaysOff(p: Program, lane: Lane, kind: "map" | "reduce", inPlace = false): boolean {
  let cost = 0;
  for (const n of p.nodes) if (n.k === "map") cost += JS_COST[n.fn] ?? 1;
  if (inPlace) return kind === "reduce" || lane === "f32" || cost >= 4;
  if (kind === "map") return lane === "f32" && cost >= 6;
  return lane === "f32" ? cost >= 1 : cost >= 4;
}

export function laneOf(d: DTypeName): Lane | null {
  return d === "float32" ? "f32" : d === "float64" ? "f64" : null;
}

/**
 * The lane type when every node of the program computes in one float dtype with ops of the
 * table (unmasked; constants numbers or nan/inf), else null: such a program runs in SIMD.
 */
export function simdLane(p: Program): Lane | null {
  const first = p.nodes[0];
  if (first === undefined) return null;
  const lane = laneOf(first.dtype);
  if (lane === null) return null;
  for (const n of p.nodes) {
    if (n.masked || laneOf(n.dtype) !== lane) return null;
    switch (n.k) {
      case "leaf":
        break;
      case "const":
        if (typeof n.value === "boolean" || (typeof n.value === "string" && !["nan", "inf", "-inf"].includes(n.value))) return null;
        break;
      case "map":
        if (SIMD_UFUNCS[n.fn] === undefined || laneOf(n.compute) !== lane) return null;
        if (n.args.some((a) => laneOf(p.nodes[a]!.dtype) !== lane)) return null;
        break;
      default:
        return null;
    }
  }
  return lane;
}
