/**
 * A masked float32 chain (NDVI of two masked uint16 bands, say) → one WebAssembly SIMD function
 * that writes its values and mask bytes to contiguous float32 and uint8 runs (median16's planes):
 * `run(n, data0, mask0, ..., data(L-1), mask(L-1), out, outMask)` (byte addresses) evaluates n
 * contiguous elements, four lanes at a time, then the last few with the same vector code on one
 * lane (lane loads and stores: nothing outside the runs is read or written).
 *
 * The closed set it compiles: leaves of float32 or an integer type of up to 32 bits (with or
 * without a mask), float32 constants, casts of those to float32, and the ops of ops.ts computed in
 * float32. A masked op ORs its inputs' masks and, as numpy.ma, keeps its first operand's value
 * where masked; the only domain it takes is the division of integer-valued operands (masked where
 * the divisor is 0, as the JS loops' `intDiv`); anything else is left to the JS loops.
 * Every value equals the JS loops' bit for bit (ops.ts: IEEE float32 operations).
 */
import { DTYPES, type DTypeName } from "../../../src/core/dtype.js";
import type { PNode, Program } from "../../../scheduler/program.js";
import { integerBounds } from "../exact.js";
import { constValue } from "../literal.js";
import { domainExpr } from "../templates.js";
import { I32, V128, f32Bytes, moduleBytes, sleb, uleb, type ValType } from "./binary.js";
import { SIMD_UFUNCS } from "./ops.js";

// core opcodes
const BLOCK = 0x02, LOOP = 0x03, END = 0x0b, BR = 0x0c, BR_IF = 0x0d, VOID = 0x40;
const GET = 0x20, SET = 0x21, I32_CONST = 0x41, I32_EQZ = 0x45, I32_ADD = 0x6a, I32_SUB = 0x6b, I32_AND = 0x71, I32_SHR_U = 0x76;
// SIMD opcodes (after the 0xFD prefix), WebAssembly fixed-width SIMD
const V = {
  load: 0x00, load16x4S: 0x03, load16x4U: 0x04, store: 0x0b, const: 0x0c, f32x4Splat: 0x13,
  i32x4Ne: 0x38, f32x4Eq: 0x41, and: 0x4e, or: 0x50, bitselect: 0x52,
  load8Lane: 0x54, load16Lane: 0x55, store8Lane: 0x58, store32Lane: 0x5a, load32Zero: 0x5c,
  i8x16NarrowI16x8U: 0x66, i16x8NarrowI32x4U: 0x86, i16x8ExtendLowI8x16S: 0x87, i16x8ExtendLowI8x16U: 0x89,
  i32x4ExtendLowI16x8S: 0xa7, i32x4ExtendLowI16x8U: 0xa9, f32x4ConvertI32x4S: 0xfa, f32x4ConvertI32x4U: 0xfb,
} as const;

/** Leaf dtypes the chain loads: float32, or integers widened to int32 lanes (then cast). */
const LEAF_TYPES: ReadonlySet<DTypeName> = new Set<DTypeName>(["float32", "int8", "uint8", "int16", "uint16", "int32", "uint32"]);

/** Why the program is not one this backend compiles, or null when it is. */
export function chainRefusal(p: Program): string | null {
  const last = p.nodes[p.nodes.length - 1];
  if (last === undefined || last.dtype !== "float32") return "the result is not float32";
  const bounds = integerBounds(p);
  for (const n of p.nodes) {
    switch (n.k) {
      case "leaf":
        if (!LEAF_TYPES.has(n.dtype)) return `a leaf of ${n.dtype}`;
        break;
      case "const":
        if (n.dtype !== "float32" || typeof n.value === "boolean" || (typeof n.value === "string" && !["nan", "inf", "-inf"].includes(n.value))) return "a constant that is not a float32 number";
        break;
      case "cast":
        if (n.dtype !== "float32" || !LEAF_TYPES.has(p.nodes[n.arg]!.dtype)) return `a cast to ${n.dtype}`;
        break;
      case "map":
        if (SIMD_UFUNCS[n.fn] === undefined || n.compute !== "float32" || n.dtype !== "float32") return `${n.fn} in ${n.compute}`;
        if (n.args.some((a) => p.nodes[a]!.dtype !== "float32")) return `${n.fn} of a non-float32 operand`;
        if (n.masked && domainExpr(n.fn, n.compute, "a", "b", "r") !== undefined && !integerDivision(n, bounds)) return `numpy.ma's domain of ${n.fn}`;
        break;
      default:
        return `a ${n.k} node`;
    }
  }
  return null;
}

/** A division of integer-valued operands: masked only where the divisor is 0 (emit.ts's `intDiv`). */
function integerDivision(n: Extract<PNode, { k: "map" }>, bounds: readonly number[]): boolean {
  return n.fn === "div" && DTYPES[n.compute].kind === "f" && n.args.every((a) => bounds[a]! <= 2 ** 53);
}

const get = (i: number): number[] => [GET, ...uleb(i)];
const set = (i: number): number[] => [SET, ...uleb(i)];
const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...uleb(op), ...imm];
/** Memory immediates: alignment hint 0 (always valid) and no offset. */
const MEM = [0x00, 0x00];
const splatI32 = (a: number): number[] => simd(V.const, ...new Uint8Array(new Int32Array([a, a, a, a]).buffer));
const bump = (ptr: number, by: number): number[] => [...get(ptr), I32_CONST, ...sleb(by), I32_ADD, ...set(ptr)];

/** A leaf's values as a vector (int32 lanes for integer types) from the pointer on the stack: 4 lanes, or lane 0 only. */
function loadValues(d: DTypeName, wide: boolean): number[] {
  const zeroThen = (lane: number[]): number[] => [...splatI32(0), ...lane];
  switch (d) {
    case "float32": case "int32": case "uint32":
      return wide ? simd(V.load, ...MEM) : simd(V.load32Zero, ...MEM);
    case "uint16": case "int16": {
      const s = d === "int16";
      if (wide) return simd(s ? V.load16x4S : V.load16x4U, ...MEM);
      // a lane load takes (address, vector): the caller has pushed the address
      return [...zeroThen([]), ...simd(V.load16Lane, ...MEM, 0), ...simd(s ? V.i32x4ExtendLowI16x8S : V.i32x4ExtendLowI16x8U)];
    }
    case "uint8": case "int8": {
      const s = d === "int8";
      const widen = [...simd(s ? V.i16x8ExtendLowI8x16S : V.i16x8ExtendLowI8x16U), ...simd(s ? V.i32x4ExtendLowI16x8S : V.i32x4ExtendLowI16x8U)];
      return wide ? [...simd(V.load32Zero, ...MEM), ...widen] : [...zeroThen([]), ...simd(V.load8Lane, ...MEM, 0), ...widen];
    }
    default:
      throw new Error(`chain: no load of ${d}`);
  }
}

/** Mask bytes at the pointer on the stack → all-ones lanes where masked. */
function loadMask(wide: boolean): number[] {
  const bytes = wide ? simd(V.load32Zero, ...MEM) : [...splatI32(0), ...simd(V.load8Lane, ...MEM, 0)];
  return [...bytes, ...simd(V.i16x8ExtendLowI8x16U), ...simd(V.i32x4ExtendLowI16x8U), ...splatI32(0), ...simd(V.i32x4Ne)];
}

/** `block { loop { if cnt == 0 break; body; cnt -= 1; continue } }` */
function countedLoop(cnt: number, body: readonly number[]): number[] {
  return [BLOCK, VOID, LOOP, VOID, ...get(cnt), I32_EQZ, BR_IF, 1, ...body, ...get(cnt), I32_CONST, 1, I32_SUB, ...set(cnt), BR, 0, END, END];
}

/** The module's bytes; `chainRefusal(p)` must be null. */
export function chainBytes(p: Program, sharedMaxPages?: number): Uint8Array {
  const refusal = chainRefusal(p);
  if (refusal !== null) throw new Error(`chain: cannot compile ${refusal}`);
  const L = p.nLeaves;
  const N = 0, dataPtr = (j: number) => 1 + 2 * j, maskPtr = (j: number) => 2 + 2 * j, OUT = 1 + 2 * L, OUT_MASK = 2 + 2 * L;
  const nParams = 3 + 2 * L;
  const locals: ValType[] = [];
  const local = (t: ValType): number => (locals.push(t), nParams + locals.length - 1);
  const cnt = local(I32);
  const zero = local(V128), one = local(V128);
  const val = p.nodes.map(() => local(V128));
  // a node's mask local: -1 when it has none (unmasked, or masked with no source of masking)
  const maskOf = p.nodes.map(() => -1);
  const bounds = integerBounds(p);
  const leafBytes = new Map<number, number>();
  const leafMasked = new Set<number>();

  const prelude: number[] = [...splatI32(0), ...set(zero), ...splatI32(1), ...set(one)];
  p.nodes.forEach((n, i) => {
    if (n.k === "const") {
      const c = constValue(n.value, n.dtype) as number;
      prelude.push(0x43, ...f32Bytes(c), ...simd(V.f32x4Splat), ...set(val[i]!));
    }
    if (n.k === "leaf") {
      leafBytes.set(n.leaf, DTYPES[n.dtype].bytes);
      if (n.masked) leafMasked.add(n.leaf);
    }
  });

  /** The program on 4 lanes (`wide`) or lane 0, into the node locals, then stored. */
  const element = (wide: boolean): number[] => {
    const out: number[] = [];
    p.nodes.forEach((n, i) => {
      switch (n.k) {
        case "leaf":
          out.push(...get(dataPtr(n.leaf)), ...loadValues(n.dtype, wide), ...set(val[i]!));
          if (n.masked) {
            maskOf[i] = local(V128);
            out.push(...get(maskPtr(n.leaf)), ...loadMask(wide), ...set(maskOf[i]!));
          }
          break;
        case "const":
          break;
        case "cast": {
          const from = p.nodes[n.arg]!.dtype;
          out.push(...get(val[n.arg]!));
          if (from !== "float32") out.push(...simd(from === "uint32" ? V.f32x4ConvertI32x4U : V.f32x4ConvertI32x4S));
          out.push(...set(val[i]!));
          maskOf[i] = maskOf[n.arg]!;
          break;
        }
        case "map": {
          const [vop] = SIMD_UFUNCS[n.fn]!.f32;
          const args = n.fn === "square" ? [n.args[0]!, n.args[0]!] : n.args;
          for (const a of args) out.push(...get(val[a]!));
          out.push(...simd(vop));
          const parts = n.masked ? n.args.map((a) => maskOf[a]!).filter((m) => m >= 0) : [];
          const divides = n.masked && integerDivision(n, bounds);
          if (parts.length === 0 && !divides) {
            out.push(...set(val[i]!));
            break;
          }
          // masked: OR of the inputs' masks (and a zero divisor), the first operand's value where set
          const m = local(V128);
          maskOf[i] = m;
          const raw = local(V128);
          out.push(...set(raw));
          parts.forEach((k, j) => out.push(...get(k), ...(j > 0 ? simd(V.or) : [])));
          if (divides) out.push(...get(val[n.args[1]!]!), ...get(zero), ...simd(V.f32x4Eq), ...(parts.length > 0 ? simd(V.or) : []));
          out.push(...set(m));
          out.push(...get(val[n.args[0]!]!), ...get(raw), ...get(m), ...simd(V.bitselect), ...set(val[i]!));
          break;
        }
        default:
          throw new Error(`chain: no form of ${n.k}`);
      }
    });
    const r = p.nodes.length - 1;
    out.push(...get(OUT), ...get(val[r]!), ...(wide ? simd(V.store, ...MEM) : simd(V.store32Lane, ...MEM, 0)));
    if (p.nodes[r]!.masked) {
      // mask bytes 0/1: narrowed from the lanes (zeros when nothing masks the result)
      const bits = maskOf[r]! >= 0 ? [...get(maskOf[r]!), ...get(one), ...simd(V.and)] : get(zero);
      out.push(...get(OUT_MASK), ...bits, ...get(zero), ...simd(V.i16x8NarrowI32x4U), ...get(zero), ...simd(V.i8x16NarrowI16x8U));
      out.push(...(wide ? simd(V.store32Lane, ...MEM, 0) : simd(V.store8Lane, ...MEM, 0)));
    }
    return out;
  };

  const advance = (k: number): number[] => {
    const out: number[] = [];
    for (const [j, bytes] of leafBytes) {
      out.push(...bump(dataPtr(j), k * bytes));
      if (leafMasked.has(j)) out.push(...bump(maskPtr(j), k));
    }
    out.push(...bump(OUT, 4 * k));
    if (p.nodes[p.nodes.length - 1]!.masked) out.push(...bump(OUT_MASK, k));
    return out;
  };

  const body: number[] = [...prelude];
  body.push(...get(N), I32_CONST, 2, I32_SHR_U, ...set(cnt));
  body.push(...countedLoop(cnt, [...element(true), ...advance(4)]));
  body.push(...get(N), I32_CONST, 3, I32_AND, ...set(cnt));
  body.push(...countedLoop(cnt, [...element(false), ...advance(1)]));
  return moduleBytes({ params: new Array<ValType>(nParams).fill(I32), locals, body }, sharedMaxPages);
}
