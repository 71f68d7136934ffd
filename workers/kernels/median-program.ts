/**
 * Median of a fused chain (NDVI of two masked bands, say) over reduced axes, a tile of output
 * elements at a time. The chain's generated loop writes a tile's values straight into a small
 * scratch with each output element's run side by side (reduced positions outer, the tile's
 * elements inner, so the leaves are read along their rows); short runs then go through a sorting
 * network (median-network.ts), long ones are compacted past their masked values and sorted. No
 * whole-block temporary is built. A float32 chain over runs of at most 16 values writes its values
 * (and masks) straight into the planes of the WebAssembly SIMD median (median16.ts) instead.
 */
import { DTYPES } from "../../src/core/dtype.js";
import type { PNode, Program } from "../../scheduler/program.js";
import { compileMap, runCompiled, type Operand } from "../codegen/loops.js";
import type { MedianArgs } from "./median.js";
import { NETWORK_MAX, networkMedian } from "./median-network.js";
import { median16Planes, type Median16Planes } from "./median16.js";

/** Scratch values per tile: a tile's runs stay in L1 while they are sorted. */
const TILE_VALUES = 2048;

/** Whether this kernel takes the task: a program whose values are plain numbers. */
export function programMedianApplies(a: Pick<MedianArgs, "program" | "outDType">): boolean {
  const last = a.program.nodes[a.program.nodes.length - 1];
  return last !== undefined && !DTYPES[last.dtype].big && !DTYPES[a.outDType].big;
}

function asFloat64(p: Program): Program {
  const last = p.nodes.length - 1;
  const d = p.nodes[last]!;
  if (d.dtype === "float64") return p;
  const nodes: PNode[] = [...p.nodes, { k: "cast", arg: last, dtype: "float64", masked: d.masked }];
  return { nodes, nLeaves: p.nLeaves };
}

/** Medians of `t` long runs of `w` values (masked ones skipped) into `out` from `pos`, every `so`. */
function sortedRuns(s: Float64Array, sm: Uint8Array | undefined, t: number, w: number, out: Operand, pos: number, so: number, f32: boolean): void {
  const O = out.data as Float64Array | Float32Array;
  const OM = out.mask;
  for (let k = 0, lo = 0; k < t; k++, lo += w, pos += so) {
    let n = lo;
    let nan = false;
    if (sm === undefined) {
      for (let r = lo; r < lo + w; r++) if (s[r] !== s[r]) nan = true;
      n = lo + w;
    } else {
      for (let r = lo; r < lo + w; r++) {
        if (sm[r] !== 0) continue;
        const v = s[r]!;
        if (v !== v) nan = true;
        s[n++] = v;
      }
    }
    const count = n - lo;
    let med = NaN;
    if (count > 0 && !nan) {
      s.subarray(lo, n).sort();
      const h = lo + (count >> 1);
      med = count & 1 ? s[h]! : f32 ? Math.fround(Math.fround(s[h - 1]! + s[h]!) / 2) : (s[h - 1]! + s[h]!) / 2;
    }
    O[pos] = med + 0; // a zero median is +0, as NumPy's
    if (OM !== undefined) OM[pos] = count === 0 ? 1 : 0;
  }
}

/** The SIMD planes when the chain's float32 values go straight into them, else undefined. */
function simdPlanes(args: MedianArgs, w: number, masked: boolean): Median16Planes | undefined {
  const last = args.program.nodes[args.program.nodes.length - 1]!;
  if (last.dtype !== "float32" || args.outDType !== "float32" || !(args.out.data instanceof Float32Array)) return undefined;
  return median16Planes(w, masked);
}

/** Copies `t` medians from the planes' output to `out` from `pos`, every `so`. */
export function storePlanes(p: Median16Planes, t: number, out: Operand, pos: number, so: number): void {
  const O = out.data as Float32Array, OM = out.mask;
  if (so === 1) {
    O.set(p.out.subarray(0, t), pos);
    OM?.set(p.outMask.subarray(0, t), pos);
    return;
  }
  for (let k = 0; k < t; k++, pos += so) {
    O[pos] = p.out[k]!;
    if (OM !== undefined) OM[pos] = p.outMask[k]!;
  }
}

export function runProgramMedian(args: MedianArgs): void {
  const { shape, reduced, leaves, out } = args;
  const masked = args.program.nodes[args.program.nodes.length - 1]!.masked;
  const kept = shape.map((_, i) => i).filter((i) => !reduced[i]);
  const red = shape.map((_, i) => i).filter((i) => reduced[i]);
  const w = red.reduce((a, i) => a * shape[i]!, 1);
  const planes = simdPlanes(args, w, masked);
  // float32 values go into the planes as they are; the JavaScript runs hold float64
  const prog = planes === undefined ? asFloat64(args.program) : args.program;
  // the innermost kept axis is tiled; the others are walked one index at a time
  const inner = kept.length > 0 ? kept[kept.length - 1]! : -1;
  const outer = kept.slice(0, -1);
  const n = inner >= 0 ? shape[inner]! : 1;
  const tile = Math.max(1, Math.min(n, planes !== undefined ? planes.tile : Math.floor(TILE_VALUES / Math.max(1, w))));
  // loop axes: the reduced ones (scratch offsets in C order within a run), then the tile's elements
  const loopShape = [...red.map((i) => shape[i]!), tile];
  const runStrides: number[] = new Array<number>(red.length);
  for (let j = red.length - 1, acc = 1; j >= 0; j--) {
    runStrides[j] = acc;
    acc *= shape[red[j]!]!;
  }
  const ops: Operand[] = leaves.map((l) => ({ data: l.data, mask: l.mask, offset: 0, strides: [...red.map((i) => l.strides[i]!), inner >= 0 ? l.strides[inner]! : 0] }));
  const s = planes === undefined ? new Float64Array(tile * w) : undefined;
  const sm = planes === undefined && masked ? new Uint8Array(tile * w) : undefined;
  if (planes !== undefined) ops.push({ data: planes.data, mask: planes.mask, offset: 0, strides: [...runStrides.map((v) => v * planes.plane), 1] });
  else ops.push({ data: s!, mask: sm, offset: 0, strides: [...runStrides, w] });
  const fn = compileMap(prog, loopShape.length);
  const f32 = args.outDType === "float32";
  const network = planes === undefined && w >= 1 && w <= NETWORK_MAX ? networkMedian(w, masked) : undefined;
  const outInner = inner >= 0 ? out.strides[kept.length - 1]! : 0;
  const nOuter = outer.reduce((a, i) => a * shape[i]!, 1);
  const idx = new Array<number>(outer.length).fill(0);
  for (let q = 0; q < nOuter; q++) {
    let pos = out.offset;
    const base = leaves.map((l) => l.offset);
    outer.forEach((ax, j) => {
      pos += idx[j]! * out.strides[j]!;
      leaves.forEach((l, k) => (base[k]! += idx[j]! * l.strides[ax]!));
    });
    for (let k0 = 0; k0 < n; k0 += tile) {
      const t = Math.min(tile, n - k0);
      loopShape[loopShape.length - 1] = t;
      leaves.forEach((l, k) => (ops[k]!.offset = base[k]! + (inner >= 0 ? k0 * l.strides[inner]! : 0)));
      runCompiled(fn, ops, loopShape);
      if (planes !== undefined) {
        planes.medians(t);
        storePlanes(planes, t, out, pos + k0 * outInner, outInner);
      } else if (network !== undefined) network(s!, sm, t, out.data, out.mask, pos + k0 * outInner, outInner, f32);
      else sortedRuns(s!, sm, t, w, out, pos + k0 * outInner, outInner, f32);
    }
    for (let j = outer.length - 1; j >= 0; j--) {
      if (++idx[j]! < shape[outer[j]!]!) break;
      idx[j] = 0;
    }
  }
}
