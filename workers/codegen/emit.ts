/**
 * Program → JS statements evaluating one element. Temporaries are `t<i>` (value) and `m<i>` (mask, 0/1);
 * leaf loads read `D<j>[p<j>]` and `K<j>[p<j>]` through the index expression the loop supplies.
 */
import { DTYPES } from "../../src/core/dtype.js";
import { UFUNCS } from "../../src/graph/ufuncs.js";
import type { Program } from "../../scheduler/program.js";
import { constLiteral } from "./literal.js";
import { integerBounds, skipsRounding } from "./exact.js";
import { cast, domainExpr, ufuncExpr } from "./templates.js";

const PLAIN_OPS: Readonly<Record<string, string>> = { add: "+", sub: "-", mul: "*" };

export interface EmittedElement {
  /** Statements to place inside the innermost loop. */
  readonly body: string;
  /** Name of the result value and of its mask (or null when unmasked). */
  readonly value: string;
  readonly mask: string | null;
  /** Constants hoisted out of the loop. */
  readonly prelude: string;
}

/** `index(j)` gives the element index expression of leaf j at the current position. */
export function emitElement(p: Program, index: (leaf: number) => string): EmittedElement {
  const lines: string[] = [];
  const prelude: string[] = [];
  const masked: (string | null)[] = [];
  const bounds = integerBounds(p);
  p.nodes.forEach((n, i) => {
    const exact = skipsRounding(p, bounds, i);
    const t = `t${i}`;
    const m = `m${i}`;
    switch (n.k) {
      case "leaf":
        lines.push(`const ${t} = D${n.leaf}[${index(n.leaf)}];`);
        if (n.masked) {
          lines.push(`const ${m} = K${n.leaf}[${index(n.leaf)}];`);
          masked.push(m);
        } else masked.push(null);
        break;
      case "const":
        prelude.push(`const ${t} = ${constLiteral(n.value, n.dtype)};`);
        masked.push(null);
        break;
      case "cast": {
        const src = p.nodes[n.arg]!;
        lines.push(`const ${t} = ${exact ? `t${n.arg}` : cast(src.dtype, n.dtype, `t${n.arg}`)};`);
        masked.push(masked[n.arg]!);
        break;
      }
      case "map": {
        const info = UFUNCS[n.fn];
        const args = n.args.map((a) => cast(p.nodes[a]!.dtype, n.compute, `t${a}`));
        const [a, b] = [args[0]!, args[1] ?? ""];
        // an exact small-integer result needs no float32 rounding (exact.ts)
        const expr = (x: string, y: string): string => (exact ? `(${x} ${PLAIN_OPS[n.fn]!} ${y})` : ufuncExpr(n.fn, n.compute, n.dtype, x, y));
        const ins = n.args.map((a) => masked[a]!).filter((x): x is string => x !== null);
        if (!n.masked) {
          lines.push(`const ${t} = ${expr(a, b)};`);
          masked.push(null);
          break;
        }
        // Masked: NumPy keeps the first operand's data where the result is masked.
        lines.push(`const a${i} = ${a};`);
        if (info.arity === 2) lines.push(`const b${i} = ${b};`);
        const raw = `r${i}`;
        lines.push(`const ${raw} = ${expr(`a${i}`, info.arity === 2 ? `b${i}` : "")};`);
        // integer operands: |a| * tiny < 1 <= |b| unless b is 0, and the quotient is finite, so only b === 0 masks
        const intDiv = n.fn === "div" && DTYPES[n.compute].kind === "f" && n.args.every((a) => bounds[a]! <= 2 ** 53);
        const dom = intDiv ? `((b${i}) === 0 ? 1 : 0)` : domainExpr(n.fn, n.compute, `a${i}`, `b${i}`, raw);
        const parts = [...ins, ...(dom === undefined ? [] : [dom])];
        lines.push(`const ${m} = ${parts.length === 0 ? "0" : parts.join(" | ")};`);
        lines.push(`const ${t} = ${m} ? ${cast(n.compute, n.dtype, `a${i}`)} : ${raw};`);
        masked.push(m);
        break;
      }
      case "where": {
        const [c, x, y] = n.args;
        const cv = p.nodes[c]!.dtype === "bool" ? `t${c}` : cast(p.nodes[c]!.dtype, "bool", `t${c}`);
        lines.push(`const ${t} = ${cv} ? ${cast(p.nodes[x]!.dtype, n.dtype, `t${x}`)} : ${cast(p.nodes[y]!.dtype, n.dtype, `t${y}`)};`);
        if (n.masked) {
          const mc = masked[c] ?? "0";
          const pick = `(${cv} ? ${masked[x] ?? "0"} : ${masked[y] ?? "0"})`;
          lines.push(`const ${m} = ${mc} | ${pick};`);
          masked.push(m);
        } else masked.push(null);
        break;
      }
      case "make_masked": {
        const [d, k] = n.args;
        lines.push(`const ${t} = t${d};`);
        const own = masked[d];
        lines.push(`const ${m} = ${own === null || own === undefined ? "" : `${own} | `}(t${k} ? 1 : 0)${masked[k] ? ` | ${masked[k]}` : ""};`);
        masked.push(m);
        break;
      }
      case "getdata":
        lines.push(`const ${t} = t${n.arg};`);
        masked.push(null);
        break;
      case "getmask":
        lines.push(`const ${t} = ${masked[n.arg] ?? "0"};`);
        masked.push(null);
        break;
      case "check": {
        const [c, x] = n.args;
        // the code is a key of the closed CHECK_ERRORS table, so it is safe to inline
        lines.push(`if (t${c}) H.fail(${JSON.stringify(n.error)});`);
        lines.push(`const ${t} = t${x};`);
        masked.push(masked[x] ?? null);
        break;
      }
      case "filled": {
        const [x, f] = n.args;
        const mx = masked[x];
        lines.push(`const ${t} = ${mx ? `${mx} ? ${cast(p.nodes[f]!.dtype, n.dtype, `t${f}`)} : t${x}` : `t${x}`};`);
        masked.push(null);
        break;
      }
    }
  });
  const last = p.nodes.length - 1;
  return { body: lines.join("\n"), value: `t${last}`, mask: masked[last] ?? null, prelude: prelude.join("\n") };
}

/** Whether values of the program's result are bigints. */
export function resultIsBig(p: Program): boolean {
  return DTYPES[p.nodes[p.nodes.length - 1]!.dtype].big;
}
