/** `wf.numpy` ufuncs under NumPy's names, generated from the closed ufunc table. */
import type { Node } from "../graph/node.js";
import { UFUNCS, type UfuncName } from "../graph/ufuncs.js";
import type { ArrayProxy } from "../proxy/array.js";
import { ufunc, type ArrayLike } from "../proxy/operand.js";
import { wrapNode } from "../proxy/wrap.js";

export type UnaryUfunc = (x: ArrayLike) => ArrayProxy;
export type BinaryUfunc = (x: ArrayLike, y: ArrayLike) => ArrayProxy;

const ALIASES: Readonly<Record<string, UfuncName>> = {
  divide: "div", mod: "mod", abs: "abs", bitwise_not: "invert", degrees: "rad2deg", radians: "deg2rad",
  conjugate: "pos",
};

function make1(fn: UfuncName): UnaryUfunc {
  return (x) => wrapNode<ArrayProxy>(ufunc(fn, [x]));
}
function make2(fn: UfuncName): BinaryUfunc {
  return (x, y) => wrapNode<ArrayProxy>(ufunc(fn, [x, y]));
}

export function ufuncTable(): Record<string, UnaryUfunc | BinaryUfunc> {
  const out: Record<string, UnaryUfunc | BinaryUfunc> = {};
  for (const [name, info] of Object.entries(UFUNCS) as [UfuncName, (typeof UFUNCS)[UfuncName]][]) {
    out[info.numpy] = info.arity === 1 ? make1(name) : make2(name);
  }
  for (const [alias, name] of Object.entries(ALIASES)) out[alias] = UFUNCS[name].arity === 1 ? make1(name) : make2(name);
  return out;
}

export type { Node };
