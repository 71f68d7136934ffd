/**
 * Which float values of a program are small integers, so float32 rounding of them can be skipped.
 * A float32 holds every integer up to 2^24 exactly, and a sum, difference or product of integers
 * within that bound is one too, so `Math.fround` of it is the identity (NDVI over uint16 bands:
 * the cast of each band and `nir - red`, `nir + red` need no rounding, only the division does).
 * Skipping those calls is ~35 % of such a chain's time and gives the same bits.
 */
import { DTYPES, type DTypeName } from "../../src/core/dtype.js";
import type { Program } from "../../scheduler/program.js";

/** The largest integer magnitude float32 holds exactly (and every integer below it). */
const F32_EXACT = 2 ** 24;
const F64_EXACT = 2 ** 53;

function exactLimit(d: DTypeName): number {
  return d === "float32" ? F32_EXACT : d === "float64" ? F64_EXACT : Infinity;
}

/** The magnitude bound of any value of an integer (or bool) dtype; Infinity for floats and 64-bit ints. */
function dtypeBound(d: DTypeName): number {
  const info = DTYPES[d];
  if (info.kind === "f" || info.big) return Infinity;
  return Math.max(Math.abs(Number(info.min)), Math.abs(Number(info.max)));
}

/**
 * For each node, a bound B such that every value it takes (masked or not) is an integer with
 * |v| ≤ B exactly representable in the node's dtype, or Infinity when no such bound is known.
 */
export function integerBounds(p: Program): number[] {
  const b: number[] = [];
  const within = (v: number, d: DTypeName): number => (v <= exactLimit(d) ? v : Infinity);
  for (const n of p.nodes) {
    switch (n.k) {
      case "leaf":
        b.push(dtypeBound(n.dtype));
        break;
      case "const":
        b.push(typeof n.value === "number" && Number.isInteger(n.value) ? within(Math.abs(n.value), n.dtype) : typeof n.value === "boolean" ? 1 : Infinity);
        break;
      case "cast":
        b.push(DTYPES[n.dtype].kind === "f" ? within(b[n.arg]!, n.dtype) : dtypeBound(n.dtype));
        break;
      case "map": {
        if (DTYPES[n.dtype].kind !== "f") {
          b.push(dtypeBound(n.dtype));
          break;
        }
        const [x, y] = [b[n.args[0]!]!, n.args.length > 1 ? b[n.args[1]!]! : Infinity];
        // the operands are cast to the compute dtype first: they must be exact in it too
        const ok = n.compute === n.dtype && x <= exactLimit(n.compute) && y <= exactLimit(n.compute);
        const r = !ok ? Infinity : n.fn === "add" || n.fn === "sub" ? x + y : n.fn === "mul" ? x * y : Infinity;
        b.push(within(r, n.dtype));
        break;
      }
      case "where":
        b.push(DTYPES[n.dtype].kind === "f" ? within(Math.max(b[n.args[1]]!, b[n.args[2]]!), n.dtype) : dtypeBound(n.dtype));
        break;
      case "make_masked":
        b.push(b[n.args[0]]!);
        break;
      case "getdata":
        b.push(b[n.arg]!);
        break;
      case "getmask":
        b.push(1);
        break;
      case "check":
        b.push(b[n.args[1]]!);
        break;
      case "filled":
        b.push(DTYPES[n.dtype].kind === "f" ? within(Math.max(b[n.args[0]]!, b[n.args[1]]!), n.dtype) : dtypeBound(n.dtype));
        break;
    }
  }
  return b;
}

/** Whether node `i` (a float32 add, sub or mul, or a cast to float32) may skip its `Math.fround`. */
export function skipsRounding(p: Program, bounds: readonly number[], i: number): boolean {
  const n = p.nodes[i]!;
  if (n.dtype !== "float32" || bounds[i] === Infinity) return false;
  if (n.k === "cast") return true;
  return n.k === "map" && n.compute === "float32" && (n.fn === "add" || n.fn === "sub" || n.fn === "mul");
}
