/**
 * Fused reductions: a partial pass over a region (the elementwise chain evaluated inline),
 * an associative combine of partials (Chan et al. for moments), and a finalize that writes results.
 */
import { DTYPES, allocate, type DTypeName, type TypedArray } from "../../src/core/dtype.js";
import { isArgFn, type ReduceFn } from "../../src/graph/ops.js";
import { combineArg, finalizeArg, runArgPartial, type ArgIndex, type ArgPartial } from "./arg.js";
import { mergeRuns, writeUnique, type UniqueRun } from "./unique.js";
import type { PNode, Program } from "../../scheduler/program.js";
import { coalesce } from "../codegen/coalesce.js";
import { enumerateBlocks, type Block } from "../../scheduler/blocks.js";
import { simdReduce } from "./simd.js";
import { accDType, compileMap, compileReduce, runCompiled, type Accumulators, type Operand, type PartialFn } from "../codegen/loops.js";

export function partialFnOf(fn: ReduceFn): PartialFn {
  switch (fn) {
    case "sum": case "mean": return "sum";
    case "var": case "std": return "moments";
    case "median": throw new Error("median has no partial form");
    case "argmin": case "argmax": case "nanargmin": case "nanargmax": throw new Error(`${fn} has its own partial (arg.ts)`);
    default: return fn;
  }
}

/** Partial results for one output region: accumulators, or an arg reduction's (value, index) pairs. */
export type Partial = AccPartial | ArgPartial | UniqueRun;

/** What a combine task merges: a reduction's partials, or unique's sorted runs. */
export type CombineFn = ReduceFn | "unique";

/** Accumulators plus the number of values behind each. */
export interface AccPartial {
  fn: PartialFn;
  /** sum/prod/min/max/all/any value, or the mean for moments. */
  a: TypedArray;
  /** moments: M2 (sum of squared deviations from the mean). */
  m2?: Float64Array;
  /** per-element counts (masked inputs), else `n` for all. */
  c?: Float64Array;
  n: number;
  /** `a` is a float64 view into the arena (src/core/arena.ts): SIMD kernels add into it in place. */
  arena?: boolean;
}

export interface ReduceArgs {
  program: Program;
  shape: number[];
  leaves: Operand[];
  /** Per region axis: reduced or not. */
  reduced: boolean[];
  fn: ReduceFn;
  ddof: number;
  /** Final output (written when this task covers the whole reduced extent), else the partial is returned. */
  out: Operand | null;
  outDType: DTypeName;
  /** arg reductions: where this block's global indices start. */
  argIndex?: ArgIndex;
  /**
   * Float64 accumulators in the arena for this task's sum partial (one per output element), given
   * by the scheduler so that the partial is added into in place here and by later chain links.
   */
  accInto?: Float64Array;
}

function initValue(fn: PartialFn, d: DTypeName): number | bigint {
  const info = DTYPES[d];
  switch (fn) {
    case "prod": return info.big ? 1n : 1;
    case "min": return info.big ? (info.max as bigint) : Infinity;
    case "max": return info.big ? (info.min as bigint) : -Infinity;
    case "all": return 1;
    default: return info.big ? 0n : 0;
  }
}

function shiftProgram(p: Program): Program {
  const last = p.nodes.length - 1;
  const nodes: PNode[] = [...p.nodes];
  let src = last;
  if (p.nodes[last]!.masked) {
    nodes.push({ k: "getdata", arg: last, dtype: p.nodes[last]!.dtype, masked: false });
    src = nodes.length - 1;
  }
  nodes.push({ k: "cast", arg: src, dtype: "float64", masked: false });
  return { nodes, nLeaves: p.nLeaves };
}

/**
 * Where a partial's accumulators live: "shared" when the partial leaves the task (it then crosses
 * threads without a copy and later tasks merge into it in place), "scratch" when it is merged or
 * finalized here (reused buffers of this thread: no fresh memory per task).
 */
export type PartialHome = "shared" | "scratch";

const scratchPool = new Map<string, TypedArray>();

function accBuffer(home: PartialHome, slot: string, dtype: DTypeName, n: number): TypedArray {
  if (home === "shared") return allocate(dtype, n, true);
  const key = `${slot}:${dtype}`;
  let buf = scratchPool.get(key);
  if (buf === undefined || buf.length < n) {
    buf = allocate(dtype, n, false);
    scratchPool.set(key, buf);
  }
  const view = buf.subarray(0, n) as TypedArray;
  view.fill((DTYPES[dtype].big ? 0n : 0) as never);
  return view;
}

/**
 * The incoming partial of a chain link, when this link can add its block straight into it (the
 * same unmasked accumulator): no partial of its own and no merge pass over it afterwards.
 */
function continuable(args: ReduceArgs, inputs: readonly Partial[]): AccPartial | undefined {
  if (inputs.length !== 1 || isArgFn(args.fn)) return undefined;
  const p = inputs[0]!;
  const last = args.program.nodes[args.program.nodes.length - 1]!;
  const pfn = partialFnOf(args.fn);
  if (!isAcc(p) || p.fn !== pfn || pfn === "moments" || last.masked || p.c !== undefined) return undefined;
  const nOut = args.shape.reduce((a, s, i) => (args.reduced[i] ? a : a * s), 1);
  return p.a.length === nOut && DTYPES[accDType(pfn, last.dtype)].ctor === p.a.constructor ? p : undefined;
}

export function runPartial(args: ReduceArgs, home: PartialHome = "shared", into?: AccPartial): AccPartial {
  const pfn = partialFnOf(args.fn);
  const outShape = args.shape.filter((_, i) => !args.reduced[i]);
  const nOut = outShape.reduce((a, b) => a * b, 1);
  const nPer = args.shape.reduce((a, s, i) => (args.reduced[i] ? a * s : a), 1);
  const resDType = args.program.nodes[args.program.nodes.length - 1]!.dtype;
  const masked = args.program.nodes[args.program.nodes.length - 1]!.masked;
  const aType = accDType(pfn, resDType);
  const given = into === undefined && pfn === "sum" && !masked && aType === "float64" && args.accInto?.length === nOut ? args.accInto.fill(0) : undefined;
  const acc: Accumulators = { a: into?.a ?? given ?? accBuffer(home, "a", aType, nOut) };
  if (given !== undefined || into?.arena === true) acc.arena = true;
  const init = initValue(pfn, resDType);
  if (into === undefined && init !== 0 && init !== 0n) acc.a.fill(init as never);
  if (masked) acc.c = accBuffer(home, "c", "float64", nOut) as Float64Array;
  // Accumulator index space: C-order over the output region, stride 0 on reduced axes.
  const accStrides = new Array<number>(args.shape.length).fill(0);
  let st = 1;
  for (let i = args.shape.length - 1; i >= 0; i--) {
    if (!args.reduced[i]) {
      accStrides[i] = st;
      st *= args.shape[i]!;
    }
  }
  const accOp: Operand = { data: acc.a, offset: 0, strides: accStrides };
  if (pfn === "moments") {
    acc.q = accBuffer("scratch", "q", "float64", nOut) as Float64Array;
    acc.sh = accBuffer("scratch", "sh", "float64", nOut) as Float64Array;
    const firstShape = args.shape.map((s, i) => (args.reduced[i] ? Math.min(s, 1) : s));
    const ops = [...args.leaves, { data: acc.sh, offset: 0, strides: accStrides }];
    const c0 = coalesce(firstShape, ops);
    runCompiled(compileMap(shiftProgram(args.program), c0.shape.length), ops.map((o, j) => ({ ...o, strides: c0.strides[j]! })), c0.shape);
    for (let i = 0; i < nOut; i++) if (!Number.isFinite(acc.sh[i]!)) acc.sh[i] = 0;
  }
  if (nPer > 0 && nOut > 0) {
    const ops = [...args.leaves, accOp];
    // Walk the region in tiles whose accumulators stay in cache: with the reduced axes outside,
    // every pass over the reduced extent re-reads the accumulators.
    const arrays = 1 + (acc.c === undefined ? 0 : 1) + (pfn === "moments" ? 2 : 0);
    for (const t of accTiles(args.shape, args.reduced, Math.floor(TILE / arrays))) {
      const tops = ops.map((o) => ({ ...o, offset: o.offset + t.start.reduce((s, v, d) => s + v * o.strides[d]!, 0) }));
      const c = coalesce(t.shape, tops);
      const nd = c.shape.length;
      const innerReduced = nd > 0 && c.strides[ops.length - 1]![nd - 1] === 0;
      if (simdReduce(args.program, pfn, tops.slice(0, ops.length - 1), tops[ops.length - 1]!.offset, acc, c)) continue;
      const f = compileReduce(args.program, nd, pfn, innerReduced);
      runCompiled(f, tops.map((o, j) => ({ ...o, strides: c.strides[j]! })), c.shape, acc);
    }
  }
  if (into !== undefined) {
    into.n += nPer;
    return into;
  }
  const part: AccPartial = { fn: pfn, a: acc.a, n: nPer };
  if (acc.arena === true) part.arena = true;
  if (acc.c !== undefined) part.c = acc.c;
  if (pfn === "moments") {
    // shifted sums → (mean, M2)
    const mean = acc.a as Float64Array, q = acc.q!, sh = acc.sh!;
    const m2 = accBuffer(home, "m2", "float64", nOut) as Float64Array;
    for (let i = 0; i < nOut; i++) {
      const n = acc.c !== undefined ? acc.c[i]! : nPer;
      const s = mean[i]!;
      if (n > 0) {
        mean[i] = sh[i]! + s / n;
        m2[i] = Math.max(q[i]! - (s * s) / n, 0);
      } else {
        mean[i] = 0;
        m2[i] = 0;
      }
    }
    part.m2 = m2;
  }
  return part;
}

/**
 * Accumulator elements per tile, over all of a tile's accumulator arrays (256 KiB of float64: half
 * of this machine's L2). Tiles of 32 KiB fitted L1 but cut each input plane into runs so short
 * that reading 16 planes × 2 bands at once missed the prefetchers: B1's computes took 25-40 %
 * longer than with this size.
 */
const TILE = 32768;

/** Split the kept axes so each tile holds at most `tile` output elements; reduced axes stay whole. */
function accTiles(shape: readonly number[], reduced: readonly boolean[], tile: number): Block[] {
  const b = [...shape];
  let kept = shape.reduce((n, s, i) => (reduced[i] ? n : n * s), 1);
  if (kept <= tile || !reduced.some((r) => r)) return [{ index: [], start: shape.map(() => 0), shape: [...shape] }];
  for (let d = 0; d < shape.length && kept > tile; d++) {
    if (reduced[d] || b[d]! <= 1) continue;
    const rest = kept / b[d]!;
    b[d] = Math.max(1, Math.floor(tile / rest));
    kept = rest * b[d]!;
  }
  return enumerateBlocks(shape, b);
}

const isAcc = (p: Partial): p is AccPartial => !isArgFn(p.fn) && p.fn !== "unique";

const countAt = (p: AccPartial, i: number): number => (p.c !== undefined ? p.c[i]! : p.n);

/**
 * Merge `src` into `target` in place when both are unmasked float accumulators (the common case in
 * chains); false when the general combine is needed.
 */
function mergeIntoFast(target: Partial, src: Partial): boolean {
  if (target.fn !== src.fn || !isAcc(target) || !isAcc(src)) return false;
  if (target.c !== undefined || src.c !== undefined || typeof target.a[0] === "bigint") return false;
  const a = target.a as Float64Array, x = src.a as Float64Array;
  const n = a.length;
  switch (target.fn) {
    case "sum":
      for (let i = 0; i < n; i++) a[i] = a[i]! + x[i]!;
      break;
    case "min":
      for (let i = 0; i < n; i++) { const v = x[i]!; if (v < a[i]! || v !== v) a[i] = v; }
      break;
    case "max":
      for (let i = 0; i < n; i++) { const v = x[i]!; if (v > a[i]! || v !== v) a[i] = v; }
      break;
    case "moments": {
      // Chan et al.: the same counts everywhere, so the weights are scalars
      const n0 = target.n, n1 = src.n, tot = n0 + n1;
      if (tot === 0) break;
      const w = n1 / tot, w2 = (n0 * n1) / tot;
      const m2 = target.m2!, s2 = src.m2!;
      for (let i = 0; i < n; i++) {
        const d = x[i]! - a[i]!;
        a[i] = a[i]! + d * w;
        m2[i] = m2[i]! + s2[i]! + d * d * w2;
      }
      break;
    }
    default:
      return false;
  }
  target.n += src.n;
  return true;
}

/**
 * Merge this task's partial into the incoming ones. The first input (shared memory, owned by this
 * chain) is updated in place, so a chain passes one buffer along instead of copying a new one.
 */
export function mergeChain(inputs: readonly Partial[], own: Partial): Partial {
  let acc = inputs[0]!;
  for (const p of [...inputs.slice(1), own]) if (!mergeIntoFast(acc, p)) acc = combinePartials([acc, p]);
  return acc;
}

/** Merge partials of the same output region. */
export function combinePartials(parts: readonly Partial[]): Partial {
  const first = parts[0]!;
  if (parts.length === 1) return first;
  if (first.fn === "unique") return mergeRuns(parts as readonly UniqueRun[]);
  if (!isAcc(first)) return combineArg(parts as readonly ArgPartial[]);
  const accs = parts as readonly AccPartial[];
  const nOut = first.a.length;
  const fn = first.fn;
  const anyCounts = accs.some((p) => p.c !== undefined);
  const a = first.a.slice() as TypedArray;
  const c = anyCounts ? new Float64Array(nOut) : undefined;
  if (c !== undefined) for (let i = 0; i < nOut; i++) c[i] = countAt(first, i);
  const m2 = first.m2 !== undefined ? first.m2.slice() : undefined;
  let n = first.n;
  for (let k = 1; k < accs.length; k++) {
    const p = accs[k]!;
    const pa = p.a;
    for (let i = 0; i < nOut; i++) {
      const ni = countAt(p, i);
      if (ni === 0) continue;
      const x = pa[i]!;
      switch (fn) {
        // number + number or bigint + bigint, whichever the accumulator holds
        case "sum": a[i] = ((a[i] as number) + (x as number)) as never; break;
        case "prod": a[i] = (typeof x === "bigint" ? BigInt.asIntN(64, (a[i] as bigint) * x) : (a[i] as number) * x) as never; break;
        case "min": if (x < a[i]! || x !== x) a[i] = x as never; break;
        case "max": if (x > a[i]! || x !== x) a[i] = x as never; break;
        case "all": if (!x) a[i] = 0 as never; break;
        case "any": if (x) a[i] = 1 as never; break;
        case "count": break;
        case "moments": {
          const n0 = c !== undefined ? c[i]! : n;
          const tot = n0 + ni;
          const delta = (x as number) - (a[i] as number);
          (a as Float64Array)[i] = (a[i] as number) + (delta * ni) / tot;
          m2![i] = m2![i]! + p.m2![i]! + (delta * delta * n0 * ni) / tot;
          break;
        }
      }
      if (c !== undefined) c[i] = c[i]! + ni;
    }
    n += p.n;
  }
  const out: AccPartial = { fn, a, n };
  if (c !== undefined) out.c = c;
  if (m2 !== undefined) out.m2 = m2;
  return out;
}

/** Write final values (and the mask: no values behind an element) into the output operand. */
export function finalize(p: Partial, cfn: CombineFn, ddof: number, out: Operand, outShape: readonly number[], outDType: DTypeName): void {
  if (p.fn === "unique") return writeUnique(p, out);
  if (!isAcc(p)) return finalizeArg(p, out, outShape);
  const fn = cfn as ReduceFn;
  const big = DTYPES[outDType].big;
  if (!big && p.c === undefined && out.mask === undefined && finalizeFast(p, fn, ddof, out, outShape)) return;
  const n = outShape.length;
  const idx = new Array<number>(n).fill(0);
  let pos = out.offset;
  const total = p.a.length;
  for (let k = 0; k < total; k++) {
    const cnt = countAt(p, k);
    let v: number | bigint;
    const x = p.a[k]!;
    switch (fn) {
      case "mean": v = cnt > 0 ? Number(x) / cnt : NaN; break;
      case "var": case "std": {
        const dof = cnt - ddof;
        const vv = dof > 0 ? p.m2![k]! / dof : NaN;
        v = fn === "std" ? Math.sqrt(vv) : vv;
        break;
      }
      case "count": v = cnt; break;
      default: v = x;
    }
    if (big) v = typeof v === "bigint" ? v : Number.isFinite(v) ? BigInt(Math.round(v)) : 0n;
    else if (typeof v === "bigint") v = Number(v);
    out.data[pos] = v as never;
    if (out.mask !== undefined) out.mask[pos] = cnt === 0 || ((fn === "var" || fn === "std") && cnt - ddof <= 0) ? 1 : 0;
    for (let d = n - 1; d >= 0; d--) {
      idx[d]!++;
      pos += out.strides[d]!;
      if (idx[d]! < outShape[d]!) break;
      pos -= out.strides[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
}

/**
 * The common case (unmasked, ≤32-bit or float results) without per-element dispatch: the output is
 * written a row (last axis) at a time, so a block of a larger result (strided rows) is fast too.
 */
function finalizeFast(p: AccPartial, fn: ReduceFn, ddof: number, out: Operand, outShape: readonly number[]): boolean {
  if (typeof p.a[0] === "bigint" || fn === "count") return false;
  const nd = outShape.length;
  const rowLen = nd === 0 ? 1 : outShape[nd - 1]!;
  const step = nd === 0 ? 1 : out.strides[nd - 1]!;
  if (rowLen === 0 || p.a.length === 0) return true;
  const rows = p.a.length / rowLen;
  const idx = new Array<number>(Math.max(0, nd - 1)).fill(0);
  let base = out.offset;
  for (let r = 0; r < rows; r++) {
    finalizeRow(p, fn, ddof, out.data as Float64Array, base, step, r * rowLen, rowLen);
    for (let d = nd - 2; d >= 0; d--) {
      base += out.strides[d]!;
      if (++idx[d]! < outShape[d]!) break;
      base -= out.strides[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
  return true;
}

/** One output row: `len` results from accumulator index `k0` to `o[base + i * step]`. */
function finalizeRow(p: AccPartial, fn: ReduceFn, ddof: number, o: Float64Array, base: number, step: number, k0: number, len: number): void {
  const x = p.a as Float64Array;
  switch (fn) {
    case "mean": {
      const inv = 1 / p.n;
      if (p.n > 0 && Number.isFinite(inv) && (p.n & (p.n - 1)) === 0) for (let i = 0; i < len; i++) o[base + i * step] = x[k0 + i]! * inv;
      else for (let i = 0; i < len; i++) o[base + i * step] = x[k0 + i]! / p.n;
      return;
    }
    case "var": case "std": {
      const dof = p.n - ddof;
      const m2 = p.m2!;
      for (let i = 0; i < len; i++) {
        const v = dof > 0 ? m2[k0 + i]! / dof : NaN;
        o[base + i * step] = fn === "std" ? Math.sqrt(v) : v;
      }
      return;
    }
    default:
      for (let i = 0; i < len; i++) o[base + i * step] = x[k0 + i]!;
  }
}

function argIndexOf(args: ReduceArgs): ArgIndex {
  if (args.argIndex === undefined) throw new Error(`${args.fn}: the task carries no index base`);
  return args.argIndex;
}

export function runReduce(args: ReduceArgs, inputs: readonly Partial[] = []): Partial | null {
  // This task's own partial leaves the task only when nothing is merged or finalized here.
  const home: PartialHome = args.out === null && inputs.length === 0 ? "shared" : "scratch";
  const into = continuable(args, inputs);
  const own = isArgFn(args.fn) ? runArgPartial(args.fn, args.program, args.shape, args.leaves, args.reduced, argIndexOf(args), home === "shared") : runPartial(args, home, into);
  const part = inputs.length === 0 || own === into ? own : mergeChain(inputs, own);
  if (args.out === null) return part;
  const outShape = args.shape.filter((_, i) => !args.reduced[i]);
  finalize(part, args.fn, args.ddof, args.out, outShape, args.outDType);
  return null;
}
