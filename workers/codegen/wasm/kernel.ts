/**
 * Program → a WebAssembly SIMD function over contiguous runs staged in linear memory.
 * `run(n, leaf0, ..., leafL-1, out[, q, sh])` (byte addresses) evaluates the program on n
 * elements, four float32 or two float64 lanes at a time, then the last few one by one, and:
 *  - map:            stores each value at out (the program's dtype)
 *  - sum-row:        adds each value (as float64) to out[i]
 *  - sum-scalar:     adds the run's total to out[0]
 *  - moments-row:    d = value - sh[i]; out[i] += d; q[i] += d * d
 *  - moments-scalar: the same with one shift sh[0] and one out[0], q[0]
 * The body is built only from the op table in ops.ts and validated numeric constants.
 */
import type { Program } from "../../../scheduler/program.js";
import { constValue } from "../literal.js";
import { F32, F64, I32, V128, f32Bytes, f64Bytes, moduleBytes, sleb, uleb, type ValType } from "./binary.js";
import { SIMD_UFUNCS, type Lane } from "./ops.js";

export type SimdMode = "map" | "sum-row" | "sum-scalar" | "moments-row" | "moments-scalar";

/** Float64 pointers the mode takes after the leaves (out, then q and sh for moments). */
export function outPointers(mode: SimdMode): number {
  return mode.startsWith("moments") ? 3 : 1;
}

// opcodes
const BLOCK = 0x02, LOOP = 0x03, END = 0x0b, BR = 0x0c, BR_IF = 0x0d, VOID = 0x40;
const GET = 0x20, SET = 0x21;
const I32_CONST = 0x41, I32_EQZ = 0x45, I32_ADD = 0x6a, I32_SUB = 0x6b, I32_AND = 0x71, I32_SHR_U = 0x76;
const F32_LOAD = 0x2a, F64_LOAD = 0x2b, F32_STORE = 0x38, F64_STORE = 0x39, F32_CONST = 0x43, F64_CONST = 0x44;
const F64_ADD = 0xa0, F64_SUB = 0xa1, F64_MUL = 0xa2, F64_PROMOTE = 0xbb;
const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const V_LOAD = 0x00, V_STORE = 0x0b, V_SHUFFLE = 0x0d, F32X4_SPLAT = 0x13, F64X2_SPLAT = 0x14, F64X2_EXTRACT = 0x21;
const F64X2_ADD = 0xf0, F64X2_SUB = 0xf1, F64X2_MUL = 0xf2, PROMOTE_LOW = 0x5f;
const mem = (align: number, offset = 0): number[] => [...uleb(align), ...uleb(offset)];

class Locals {
  readonly types: ValType[] = [];
  constructor(private readonly nParams: number) {}
  add(t: ValType): number {
    this.types.push(t);
    return this.nParams + this.types.length - 1;
  }
}

const get = (i: number): number[] => [GET, ...uleb(i)];
const set = (i: number): number[] => [SET, ...uleb(i)];
const bump = (ptr: number, by: number): number[] => [...get(ptr), I32_CONST, ...sleb(by), I32_ADD, ...set(ptr)];

/** A vector and a scalar local per program node. */
interface NodeLocals {
  vec: number[];
  scl: number[];
}

function nodeLocals(p: Program, lane: Lane, loc: Locals): NodeLocals {
  return { vec: p.nodes.map(() => loc.add(V128)), scl: p.nodes.map(() => loc.add(lane === "f32" ? F32 : F64)) };
}

/** The program's constants, hoisted: each as a scalar and a splat vector in its node's locals. */
function constPrelude(p: Program, lane: Lane, nl: NodeLocals): number[] {
  const out: number[] = [];
  const isF32 = lane === "f32";
  p.nodes.forEach((n, i) => {
    if (n.k !== "const") return;
    const c = constValue(n.value, n.dtype);
    if (typeof c !== "number") throw new TypeError("SIMD constants are numbers");
    const k = isF32 ? [F32_CONST, ...f32Bytes(c)] : [F64_CONST, ...f64Bytes(c)];
    out.push(...k, ...set(nl.scl[i]!), ...k, ...simd(isF32 ? F32X4_SPLAT : F64X2_SPLAT), ...set(nl.vec[i]!));
  });
  return out;
}

/** The program on one vector (or one scalar) read at the pointer locals `ptrOf(leaf)`, into the node locals. */
function evaluate(p: Program, lane: Lane, vector: boolean, ptrOf: (leaf: number) => number, nl: NodeLocals): number[] {
  const out: number[] = [];
  const dst = vector ? nl.vec : nl.scl;
  const isF32 = lane === "f32";
  p.nodes.forEach((n, i) => {
    switch (n.k) {
      case "leaf":
        out.push(...get(ptrOf(n.leaf)), ...(vector ? [...simd(V_LOAD), ...mem(0)] : [isF32 ? F32_LOAD : F64_LOAD, ...mem(0)]), ...set(dst[i]!));
        break;
      case "const":
        break;
      case "map": {
        const op = SIMD_UFUNCS[n.fn];
        if (op === undefined) throw new Error(`no SIMD form of ${n.fn}`);
        const [vop, sop] = op[lane];
        const args = n.fn === "square" ? [n.args[0]!, n.args[0]!] : n.args;
        for (const a of args) out.push(...get(dst[a]!));
        out.push(...(vector ? simd(vop) : [sop]), ...set(dst[i]!));
        break;
      }
      default:
        throw new Error(`no SIMD form of ${n.k}`);
    }
  });
  return out;
}

/** The vector in local `v` as float64x2 halves (float32 lanes widened: two halves). */
function widen(lane: Lane, v: number, halves: readonly number[]): number[] {
  if (lane === "f64") return [...get(v), ...set(halves[0]!)];
  return [
    ...get(v), ...simd(PROMOTE_LOW), ...set(halves[0]!),
    ...get(v), ...get(v), ...simd(V_SHUFFLE), 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15,
    ...simd(PROMOTE_LOW), ...set(halves[1]!),
  ];
}

/** `block { loop { if cnt == 0 break; body; cnt -= 1; continue } }` */
function countedLoop(cnt: number, body: readonly number[]): number[] {
  return [
    BLOCK, VOID, LOOP, VOID,
    ...get(cnt), I32_EQZ, BR_IF, 1,
    ...body,
    ...get(cnt), I32_CONST, 1, I32_SUB, ...set(cnt),
    BR, 0, END, END,
  ];
}

export function kernelBytes(p: Program, lane: Lane, mode: SimdMode, sharedMaxPages?: number): Uint8Array {
  const L = p.nLeaves;
  const nOut = outPointers(mode);
  const nParams = 1 + L + nOut;
  const N = 0;
  const leafPtr = (j: number) => 1 + j;
  const [OUT, Q, SH] = [1 + L, 2 + L, 3 + L];
  const loc = new Locals(nParams);
  const isF32 = lane === "f32";
  const size = isF32 ? 4 : 8;
  const lanes = 16 / size;
  const scalarT: ValType = isF32 ? F32 : F64;
  const row = mode.endsWith("row");
  const moments = mode.startsWith("moments");

  const cnt = loc.add(I32);
  const nl = nodeLocals(p, lane, loc);
  const vecLocal = nl.vec, sclLocal = nl.scl;
  const halves = [loc.add(V128), loc.add(V128)];
  const accA = [loc.add(V128), loc.add(V128)], accQ = [loc.add(V128), loc.add(V128)];
  const shV = loc.add(V128), sA = loc.add(F64), sQ = loc.add(F64), shS = loc.add(F64), x = loc.add(F64), d = loc.add(F64);

  const prelude = constPrelude(p, lane, nl);
  const evaluateAt = (vector: boolean): number[] => evaluate(p, lane, vector, leafPtr, nl);

  const res = p.nodes.length - 1;
  const toHalves = (): number[] => widen(lane, vecLocal[res]!, halves);
  const nHalves = isF32 ? 2 : 1;

  const consumeVector = (): number[] => {
    if (mode === "map") return [...get(OUT), ...get(vecLocal[res]!), ...simd(V_STORE), ...mem(0)];
    const out = toHalves();
    for (let h = 0; h < nHalves; h++) {
      const hv = halves[h]!;
      const off = 16 * h;
      const addTo = (ptr: number, value: number[]) => [...get(ptr), ...get(ptr), ...simd(V_LOAD), ...mem(0, off), ...value, ...simd(F64X2_ADD), ...simd(V_STORE), ...mem(0, off)];
      if (mode === "sum-row") out.push(...addTo(OUT, get(hv)));
      else if (mode === "sum-scalar") out.push(...get(accA[h]!), ...get(hv), ...simd(F64X2_ADD), ...set(accA[h]!));
      else {
        const shift = row ? [...get(SH), ...simd(V_LOAD), ...mem(0, off)] : get(shV);
        out.push(...get(hv), ...shift, ...simd(F64X2_SUB), ...set(hv));
        const sq = [...get(hv), ...get(hv), ...simd(F64X2_MUL)];
        if (row) out.push(...addTo(OUT, get(hv)), ...addTo(Q, sq));
        else out.push(...get(accA[h]!), ...get(hv), ...simd(F64X2_ADD), ...set(accA[h]!), ...get(accQ[h]!), ...sq, ...simd(F64X2_ADD), ...set(accQ[h]!));
      }
    }
    return out;
  };

  const consumeScalar = (): number[] => {
    if (mode === "map") return [...get(OUT), ...get(sclLocal[res]!), isF32 ? F32_STORE : F64_STORE, ...mem(0)];
    const out = [...get(sclLocal[res]!), ...(isF32 ? [F64_PROMOTE] : []), ...set(x)];
    const addTo = (ptr: number, value: number[]) => [...get(ptr), ...get(ptr), F64_LOAD, ...mem(0), ...value, F64_ADD, F64_STORE, ...mem(0)];
    if (mode === "sum-row") out.push(...addTo(OUT, get(x)));
    else if (mode === "sum-scalar") out.push(...get(sA), ...get(x), F64_ADD, ...set(sA));
    else {
      out.push(...get(x), ...(row ? [...get(SH), F64_LOAD, ...mem(0)] : get(shS)), F64_SUB, ...set(d));
      const sq = [...get(d), ...get(d), F64_MUL];
      if (row) out.push(...addTo(OUT, get(d)), ...addTo(Q, sq));
      else out.push(...get(sA), ...get(d), F64_ADD, ...set(sA), ...get(sQ), ...sq, F64_ADD, ...set(sQ));
    }
    return out;
  };

  /** Advance every pointer by `k` elements. */
  const advance = (k: number): number[] => {
    const out: number[] = [];
    for (let j = 0; j < L; j++) out.push(...bump(leafPtr(j), k * size));
    if (mode === "map") out.push(...bump(OUT, k * size));
    else if (row) for (const ptr of moments ? [OUT, Q, SH] : [OUT]) out.push(...bump(ptr, k * 8));
    return out;
  };

  const loop = (body: number[]): number[] => countedLoop(cnt, body);

  const body: number[] = [...prelude];
  if (moments && !row) body.push(...get(SH), F64_LOAD, ...mem(0), ...set(shS), ...get(shS), ...simd(F64X2_SPLAT), ...set(shV));
  body.push(...get(N), I32_CONST, ...sleb(Math.log2(lanes)), I32_SHR_U, ...set(cnt));
  body.push(...loop([...evaluateAt(true), ...consumeVector(), ...advance(lanes)]));
  body.push(...get(N), I32_CONST, ...sleb(lanes - 1), I32_AND, ...set(cnt));
  body.push(...loop([...evaluateAt(false), ...consumeScalar(), ...advance(1)]));
  if (!row && mode !== "map") {
    // out[0] += the lanes' totals and the tail's (q likewise)
    const hsum = (acc: readonly number[], scalar: number) => [
      ...get(acc[0]!), ...get(acc[1]!), ...simd(F64X2_ADD), ...set(acc[0]!),
      ...get(acc[0]!), ...simd(F64X2_EXTRACT), 0, ...get(acc[0]!), ...simd(F64X2_EXTRACT), 1, F64_ADD, ...get(scalar), F64_ADD,
    ];
    const store = (ptr: number, acc: readonly number[], scalar: number) => [...get(ptr), ...get(ptr), F64_LOAD, ...mem(0), ...hsum(acc, scalar), F64_ADD, F64_STORE, ...mem(0)];
    body.push(...store(OUT, accA, sA));
    if (moments) body.push(...store(Q, accQ, sQ));
  }
  return moduleBytes({ params: new Array<ValType>(nParams).fill(I32), locals: loc.types, body }, sharedMaxPages);
}

