/**
 * Strided n-d loops around an emitted element, compiled with `new Function` and cached by signature.
 * The source is assembled from the program (closed op table + numeric constants) and loop counts only.
 */
import { DTYPES, type DTypeName } from "../../src/core/dtype.js";
import { programSignature, type Program } from "../../scheduler/program.js";
import { H, type Helpers } from "./helpers.js";
import { emitElement } from "./emit.js";
import type { TypedArray } from "../../src/core/dtype.js";

/** One strided operand: a leaf, the output, or the accumulator index space of a reduction. */
export interface Operand {
  data: TypedArray;
  mask?: Uint8Array | undefined;
  offset: number;
  strides: readonly number[];
  /** `data` is a view into the arena (src/core/arena.ts) at its own byte offset: SIMD kernels read it in place. */
  arena?: boolean;
  /** `mask` is a view into the arena too (a source box's mask leased with its data). */
  maskArena?: boolean;
}

type Compiled = (H: Helpers, ops: readonly Operand[], shape: readonly number[], acc: Accumulators | null) => void;

const cache = new Map<string, Compiled>();

/** Nested loops over `nd` axes for `nOps` operands; `inner(level)` sees position vars `p<j>_<nd-1>`. */
function loopNest(nd: number, nOps: number, body: string, innerBefore = "", innerAfter = ""): string {
  const ps = (d: number) => Array.from({ length: nOps }, (_, j) => `p${j}_${d}`);
  const lines: string[] = [];
  lines.push(`let ${ps(0).map((p, j) => `${p} = ops[${j}].offset`).join(", ")};`);
  if (nd === 0) {
    lines.push(innerBefore, body, innerAfter);
    return lines.join("\n");
  }
  for (let d = 0; d < nd; d++) {
    lines.push(`const n${d} = shape[${d}];`);
    for (let j = 0; j < nOps; j++) lines.push(`const s${j}_${d} = ops[${j}].strides[${d}];`);
  }
  const open: string[] = [];
  for (let d = 0; d < nd; d++) {
    if (d === nd - 1) open.push(innerBefore);
    open.push(`for (let a${d} = 0; a${d} < n${d}; a${d}++) {`);
    if (d < nd - 1) open.push(`let ${ps(d + 1).map((p, j) => `${p} = p${j}_${d}`).join(", ")};`);
  }
  const closing: string[] = [];
  for (let d = nd - 1; d >= 0; d--) {
    closing.push(`${ps(d).map((p, j) => `${p} += s${j}_${d};`).join(" ")} }`);
    if (d === nd - 1) closing.push(innerAfter);
  }
  return [...lines, ...open, body, ...closing].join("\n");
}

function operandDecls(p: Program): string {
  const out: string[] = [];
  for (let j = 0; j < p.nLeaves; j++) out.push(`const D${j} = ops[${j}].data, K${j} = ops[${j}].mask;`);
  return out.join("\n");
}

/** out[i] = program(leaves[i]) over a strided region; the last operand is the output. */
export function compileMap(p: Program, nd: number): Compiled {
  const key = `map|${nd}|${programSignature(p)}`;
  let fn = cache.get(key);
  if (fn !== undefined) return fn;
  const L = p.nLeaves;
  const el = emitElement(p, (j) => `p${j}_${Math.max(nd - 1, 0)}`);
  const pos = `p${L}_${Math.max(nd - 1, 0)}`;
  const store = `DO[${pos}] = ${el.value};${el.mask === null ? "" : ` KO[${pos}] = ${el.mask};`}`;
  const src = [
    '"use strict";',
    operandDecls(p),
    `const DO = ops[${L}].data, KO = ops[${L}].mask;`,
    el.prelude,
    loopNest(nd, L + 1, `${el.body}\n${store}`),
  ].join("\n");
  fn = new Function("H", "ops", "shape", "acc", src) as Compiled;
  cache.set(key, fn);
  return fn;
}

export type PartialFn = "sum" | "prod" | "min" | "max" | "moments" | "all" | "any" | "count";

/** Per-output-element accumulators of a partial reduction. */
export interface Accumulators {
  /** sum / prod / min / max / all / any value, or the moments' sum of shifted values. */
  a: TypedArray;
  /** moments: sum of squared shifted values. */
  q?: Float64Array;
  /** moments: the shift (a sample value of each output element). */
  sh?: Float64Array;
  /** unmasked count, kept for masked inputs. */
  c?: Float64Array;
  /** `a` is a float64 view into the arena: SIMD kernels add into it in place. */
  arena?: boolean;
}

/** The accumulator dtype of a partial reduction over values of `d`. */
export function accDType(fn: PartialFn, d: DTypeName): DTypeName {
  if (fn === "count" || fn === "moments") return "float64";
  if (fn === "all" || fn === "any") return "uint8";
  if (DTYPES[d].big && (fn === "sum" || fn === "prod" || fn === "min" || fn === "max")) return d;
  return "float64";
}

/**
 * Accumulate the program's values into per-output accumulators. The last operand is the
 * accumulator index space (stride 0 on reduced axes). When the innermost axis is reduced
 * (`innerReduced`), accumulators live in locals for the inner loop.
 */
export function compileReduce(p: Program, nd: number, fn: PartialFn, innerReduced: boolean): Compiled {
  const key = `red|${fn}|${nd}|${innerReduced ? 1 : 0}|${programSignature(p)}`;
  let compiled = cache.get(key);
  if (compiled !== undefined) return compiled;
  const L = p.nLeaves;
  const last = Math.max(nd - 1, 0);
  const el = emitElement(p, (j) => `p${j}_${last}`);
  const resultDType = p.nodes[p.nodes.length - 1]!.dtype;
  const big = DTYPES[resultDType].big;
  const accBig = DTYPES[accDType(fn, resultDType)].big;
  const v = big && !accBig ? `Number(${el.value})` : el.value;
  const o = `p${L}_${last}`;
  const masked = el.mask !== null;
  const local = innerReduced && nd > 0;
  const A = (name: string) => (local ? `l_${name}` : `R_${name}[${o}]`);
  let step: string;
  switch (fn) {
    case "sum": step = accBig ? `${A("a")} = ${A("a")} + ${v};` : `${A("a")} += ${v};`; break;
    case "prod": step = accBig ? `${A("a")} = BigInt.asIntN(64, ${A("a")} * ${v});` : `${A("a")} *= ${v};`; break;
    case "min": step = accBig ? `if (${v} < ${A("a")}) ${A("a")} = ${v};` : `{ const x = ${v}; if (x < ${A("a")} || x !== x) ${A("a")} = x; }`; break;
    case "max": step = accBig ? `if (${v} > ${A("a")}) ${A("a")} = ${v};` : `{ const x = ${v}; if (x > ${A("a")} || x !== x) ${A("a")} = x; }`; break;
    case "moments": step = `{ const d = ${v} - ${A("sh")}; ${A("a")} += d; ${A("q")} += d * d; }`; break;
    case "all": step = `if (!(${v})) ${A("a")} = 0;`; break;
    case "any": step = `if (${v}) ${A("a")} = 1;`; break;
    case "count": step = ""; break;
  }
  if (masked) step = `if (!${el.mask}) { ${step} ${A("c")} += 1; }`;
  const names = ["a", ...(fn === "moments" ? ["q", "sh"] : []), ...(masked ? ["c"] : [])];
  const before = local ? names.map((n) => `let l_${n} = R_${n}[${o}];`).join(" ") : "";
  const after = local ? names.filter((n) => n !== "sh").map((n) => `R_${n}[${o}] = l_${n};`).join(" ") : "";
  const src = [
    '"use strict";',
    operandDecls(p),
    names.map((n) => `const R_${n} = acc.${n};`).join("\n"),
    el.prelude,
    loopNest(nd, L + 1, `${el.body}\n${step}`, before, after),
  ].join("\n");
  compiled = new Function("H", "ops", "shape", "acc", src) as Compiled;
  cache.set(key, compiled);
  return compiled;
}

export function runCompiled(f: Compiled, ops: readonly Operand[], shape: readonly number[], acc: Accumulators | null = null): void {
  f(H, ops, shape, acc);
}

/** Number of compiled loops in this thread (for tests of the cache). */
export function compiledCount(): number {
  return cache.size;
}
