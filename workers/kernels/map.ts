/** The fused elementwise kernel: one generated loop computes a whole chain over a region. */
import type { Program } from "../../scheduler/program.js";
import { simdMap } from "./simd.js";
import { coalesce } from "../codegen/coalesce.js";
import { compileMap, runCompiled, type Operand } from "../codegen/loops.js";

export interface MapArgs {
  program: Program;
  /** The region's shape; leaves and out are strided over it. */
  shape: number[];
  leaves: Operand[];
  out: Operand;
}

export function runMap(args: MapArgs): void {
  const ops = [...args.leaves, args.out];
  const c = coalesce(args.shape, ops);
  if (simdMap(args.program, args.leaves, args.out, c)) return;
  const f = compileMap(args.program, c.shape.length);
  runCompiled(f, ops.map((o, j) => ({ ...o, strides: c.strides[j]! })), c.shape);
}
