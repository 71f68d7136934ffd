/**
 * Median of a float32 chain over runs of up to 16 values when its operands live in the arena (a
 * task's source boxes and their masks, leased together): the chain runs in WebAssembly SIMD
 * (codegen/wasm/chain.ts) and writes values and masks straight into median16's planes, which sit
 * in this thread's arena slot, so no value passes through JavaScript until the medians. Kept axes
 * that are contiguous in every operand are walked as one, a tile of up to 2048 elements at a time.
 * Anything else (operands outside the arena, other programs, SIMD off) is left to
 * median-program.ts, whose values these equal bit for bit.
 */
import { DTYPES } from "../../src/core/dtype.js";
import { programSignature } from "../../scheduler/program.js";
import { chainBytes, chainRefusal } from "../codegen/wasm/chain.js";
import { arenaKernel } from "../codegen/wasm/runtime.js";
import type { Operand } from "../codegen/loops.js";
import type { MedianArgs } from "./median.js";
import { storePlanes } from "./median-program.js";
import { median16ArenaPlanes } from "./median16.js";

let tiles = 0;

/** Tiles this thread has run through the arena chain (for tests that must know which path ran). */
export function chainMedianTiles(): number {
  return tiles;
}

/** A kept axis after merging: its extent and each leaf's stride, and the output's. */
interface Dim {
  n: number;
  leaf: number[];
  out: number;
}

/** The kept axes, the innermost merged with the ones outside it while every operand is contiguous across them. */
function keptDims(args: MedianArgs, kept: readonly number[]): Dim[] {
  const dims: Dim[] = kept.map((ax, j) => ({ n: args.shape[ax]!, leaf: args.leaves.map((l) => l.strides[ax]!), out: args.out.strides[j]! }));
  while (dims.length >= 2) {
    const a = dims[dims.length - 2]!, b = dims[dims.length - 1]!;
    if (a.out !== b.out * b.n || a.leaf.some((s, k) => s !== b.leaf[k]! * b.n)) break;
    dims.splice(dims.length - 2, 2, { n: a.n * b.n, leaf: b.leaf, out: b.out });
  }
  return dims;
}

/** Whether leaf k's data (and mask, when the program reads it) can be addressed in the arena. */
function inArena(l: Operand, masked: boolean): boolean {
  return l.arena === true && (!masked || (l.mask !== undefined && l.maskArena === true));
}

/** Runs the median when the arena chain applies and returns true; false, having touched nothing, when not. */
export function runArenaChainMedian(args: MedianArgs): boolean {
  const { program, shape, reduced, leaves, out } = args;
  const result = program.nodes[program.nodes.length - 1];
  if (result === undefined || args.outDType !== "float32" || !(out.data instanceof Float32Array) || leaves.length !== program.nLeaves) return false;
  const leafMasked = leaves.map(() => false);
  const bytes = leaves.map((l) => l.data.BYTES_PER_ELEMENT);
  for (const n of program.nodes) {
    if (n.k !== "leaf") continue;
    if (n.masked) leafMasked[n.leaf] = true;
    if (DTYPES[n.dtype].bytes !== bytes[n.leaf]) return false;
  }
  if (leaves.some((l, k) => !inArena(l, leafMasked[k]!)) || chainRefusal(program) !== null) return false;
  const kept = shape.map((_, i) => i).filter((i) => !reduced[i]);
  const red = shape.map((_, i) => i).filter((i) => reduced[i]);
  const w = red.reduce((a, i) => a * shape[i]!, 1);
  const dims = keptDims(args, kept);
  const inner = dims[dims.length - 1];
  // the chain reads each leaf along a contiguous run
  if (inner !== undefined && inner.n > 1 && inner.leaf.some((s) => s !== 1)) return false;
  const planes = median16ArenaPlanes(w, result.masked);
  const run = planes === undefined ? null : arenaKernel(`chain|${programSignature(program)}`, (max) => chainBytes(program, max));
  if (planes === undefined || run === null) return false;

  // each leaf's element offset at every reduced position (C order over the reduced axes)
  const redOffsets = leaves.map(() => new Array<number>(w).fill(0));
  for (let r = 0; r < w; r++) {
    let rest = r;
    for (let j = red.length - 1; j >= 0; j--) {
      const ax = red[j]!, i = rest % shape[ax]!;
      rest = Math.floor(rest / shape[ax]!);
      leaves.forEach((l, k) => (redOffsets[k]![r]! += i * l.strides[ax]!));
    }
  }
  const n = inner?.n ?? 1;
  const outer = dims.slice(0, -1);
  const nOuter = outer.reduce((a, d) => a * d.n, 1);
  const idx = new Array<number>(outer.length).fill(0);
  const callArgs = new Array<number>(3 + 2 * leaves.length).fill(0);
  for (let q = 0; q < nOuter; q++) {
    let pos = out.offset;
    const base = leaves.map((l) => l.offset);
    outer.forEach((d, j) => {
      pos += idx[j]! * d.out;
      d.leaf.forEach((s, k) => (base[k]! += idx[j]! * s));
    });
    for (let k0 = 0; k0 < n; k0 += planes.tile) {
      const t = Math.min(planes.tile, n - k0);
      callArgs[0] = t;
      for (let r = 0; r < w; r++) {
        leaves.forEach((l, k) => {
          const at = base[k]! + redOffsets[k]![r]! + k0;
          callArgs[1 + 2 * k] = l.data.byteOffset + at * bytes[k]!;
          callArgs[2 + 2 * k] = leafMasked[k] ? l.mask!.byteOffset + at : 0;
        });
        callArgs[1 + 2 * leaves.length] = planes.dataAt + r * planes.plane * 4;
        callArgs[2 + 2 * leaves.length] = planes.maskAt + r * planes.plane;
        run(...(callArgs as [number, ...number[]]));
      }
      planes.medians(t);
      storePlanes(planes, t, out, pos + k0 * (inner?.out ?? 0), inner?.out ?? 0);
      tiles++;
    }
    for (let j = outer.length - 1; j >= 0; j--) {
      if (++idx[j]! < outer[j]!.n) break;
      idx[j] = 0;
    }
  }
  return true;
}
