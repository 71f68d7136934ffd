/**
 * Median over reduced axes: every task holds the whole reduced extent of its output elements.
 * The chain is evaluated once into a float64 scratch, then each output element's values are
 * gathered, masked ones skipped, and the middle found by sorting the (usually short) run.
 */
import { DTYPES, type DTypeName } from "../../src/core/dtype.js";
import type { PNode, Program } from "../../scheduler/program.js";
import { coalesce } from "../codegen/coalesce.js";
import { compileMap, runCompiled, type Operand } from "../codegen/loops.js";
import { programMedianApplies, runProgramMedian } from "./median-program.js";
import { directOperands, runDirect } from "./median-direct.js";
import { runArenaChainMedian } from "./median-chain.js";

export interface MedianArgs {
  program: Program;
  shape: number[];
  leaves: Operand[];
  reduced: boolean[];
  out: Operand;
  outDType: DTypeName;
}

function asFloat64(p: Program): Program {
  const last = p.nodes.length - 1;
  const d = p.nodes[last]!;
  const nodes: PNode[] = [...p.nodes];
  if (d.dtype !== "float64") nodes.push({ k: "cast", arg: last, dtype: "float64", masked: d.masked });
  return { nodes, nLeaves: p.nLeaves };
}

function insertionSort(a: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > x) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = x;
  }
}

export function runMedian(args: MedianArgs): void {
  const direct = DTYPES[args.outDType].big ? undefined : directOperands(args.program, args.leaves);
  if (direct !== undefined) {
    runDirect(args, direct);
    return;
  }
  // a float32 chain over arena operands: evaluated in WebAssembly straight into median16's planes
  if (runArenaChainMedian(args)) return;
  // a fused chain: evaluated a tile at a time into the runs' scratch (no whole-block temporary)
  if (programMedianApplies(args)) {
    runProgramMedian(args);
    return;
  }
  const { shape, reduced } = args;
  const total = shape.reduce((a, b) => a * b, 1);
  const prog = asFloat64(args.program);
  const masked = prog.nodes[prog.nodes.length - 1]!.masked;
  const scratch = new Float64Array(total);
  const smask = masked ? new Uint8Array(total) : undefined;
  const cst: number[] = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    cst[i] = acc;
    acc *= shape[i]!;
  }
  const ops: Operand[] = [...args.leaves, { data: scratch, mask: smask, offset: 0, strides: cst }];
  const c = coalesce(shape, ops);
  runCompiled(compileMap(prog, c.shape.length), ops.map((o, j) => ({ ...o, strides: c.strides[j]! })), c.shape);

  const outAxes = shape.map((_, i) => i).filter((i) => !reduced[i]);
  const redAxes = shape.map((_, i) => i).filter((i) => reduced[i]);
  const nRed = redAxes.reduce((a, i) => a * shape[i]!, 1);
  // Offsets of the reduced run relative to an output element's first value.
  const runOffsets = new Float64Array(nRed);
  {
    const idx = new Array<number>(redAxes.length).fill(0);
    for (let k = 0; k < nRed; k++) {
      let off = 0;
      for (let r = 0; r < redAxes.length; r++) off += idx[r]! * cst[redAxes[r]!]!;
      runOffsets[k] = off;
      for (let r = redAxes.length - 1; r >= 0; r--) {
        if (++idx[r]! < shape[redAxes[r]!]!) break;
        idx[r] = 0;
      }
    }
  }
  const buf = new Float64Array(nRed);
  const f32 = args.outDType === "float32";
  const big = DTYPES[args.outDType].big;
  const oidx = new Array<number>(outAxes.length).fill(0);
  const nOut = outAxes.reduce((a, i) => a * shape[i]!, 1);
  let base = 0;
  let pos = args.out.offset;
  for (let k = 0; k < nOut; k++) {
    let n = 0;
    let nan = false;
    for (let r = 0; r < nRed; r++) {
      const at = base + runOffsets[r]!;
      if (smask !== undefined && smask[at]) continue;
      const v = scratch[at]!;
      if (v !== v) nan = true;
      buf[n++] = v;
    }
    let med: number;
    if (n === 0 || nan) med = NaN;
    else {
      insertionSortOrSelect(buf, n);
      const h = n >> 1;
      if (n & 1) med = buf[h]!;
      else med = f32 ? Math.fround(Math.fround(buf[h - 1]! + buf[h]!) / 2) : (buf[h - 1]! + buf[h]!) / 2;
    }
    args.out.data[pos] = (big ? BigInt(Math.round(med)) : med) as never;
    if (args.out.mask !== undefined) args.out.mask[pos] = n === 0 ? 1 : 0;
    for (let d = outAxes.length - 1; d >= 0; d--) {
      const ax = outAxes[d]!;
      base += cst[ax]!;
      pos += args.out.strides[d]!;
      if (++oidx[d]! < shape[ax]!) break;
      base -= cst[ax]! * shape[ax]!;
      pos -= args.out.strides[d]! * shape[ax]!;
      oidx[d] = 0;
    }
  }
}

function insertionSortOrSelect(a: Float64Array, n: number): void {
  if (n <= 48) insertionSort(a, n);
  else a.subarray(0, n).sort();
}
