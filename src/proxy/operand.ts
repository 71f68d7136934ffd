/**
 * Operands of operators and ufuncs: proxies become nodes, JS numbers stay weak scalars (NEP 50)
 * until the strong operands decide their dtype.
 */
import { DTYPES, fitsIn, isInteger, promote, promoteWeak, weakDefault, weakKindOf, type DTypeName, type WeakKind } from "../core/dtype.js";
import { ProxyTypeError } from "../core/errors.js";
import type { AttrValue, Node } from "../graph/node.js";
import { make } from "../graph/make.js";
import { isUfuncName, UFUNCS, type UfuncName } from "../graph/ufuncs.js";
import { fromNested, literalNode, type Nested } from "./literal.js";
import { paramNode, type ParamType } from "../params/spec.js";

export interface Weak {
  readonly weak: true;
  readonly value: number | boolean | bigint;
  readonly kind: WeakKind;
  /** A scalar `wf.parameter`: weak like a JS number; its value arrives with the arguments. */
  readonly param?: string;
}

/** A small value proxy (Int, Float, Bool): in array expressions only a `wf.parameter` of those types. */
export interface ValueLike {
  readonly expr: { readonly k: string };
}

const PARAM_KINDS: Readonly<Record<string, WeakKind>> = { Int: "int", Float: "float", Bool: "bool" };
const PARAM_TYPES: Readonly<Record<WeakKind, ParamType>> = { int: "Int", float: "Float", bool: "Bool" };

function scalarParam(x: ValueLike): Weak {
  const e = x.expr as { k: string; name?: unknown; type?: unknown };
  const kind = e.k === "param" && typeof e.type === "string" ? PARAM_KINDS[e.type] : undefined;
  if (kind === undefined || typeof e.name !== "string") {
    throw new ProxyTypeError("only an Array, a number, or a wf.parameter of type Int, Float or Bool can be an array operand");
  }
  return { weak: true, value: 0, kind, param: e.name };
}

/** Anything that can stand for an array in an expression. */
export interface HasNode {
  readonly node: Node;
}

export type ArrayLike = HasNode | number | boolean | bigint | Nested | ValueLike;

export function isHasNode(x: unknown): x is HasNode {
  return typeof x === "object" && x !== null && "node" in x && typeof (x as { node: unknown }).node === "object";
}

export function weakOf(v: number | boolean | bigint): Weak {
  return { weak: true, value: v, kind: weakKindOf(v) };
}

export function toOperand(x: ArrayLike | Weak): Node | Weak {
  if (typeof x === "object" && x !== null && "weak" in x) return x as Weak;
  if (isHasNode(x)) return x.node;
  if (typeof x === "object" && x !== null && "expr" in x) return scalarParam(x as ValueLike);
  if (typeof x === "number" || typeof x === "boolean" || typeof x === "bigint") return weakOf(x);
  if (Array.isArray(x)) {
    const lit = fromNested(x as Nested);
    return literalNode(lit.data, lit.shape, lit.dtype);
  }
  throw new ProxyTypeError(`cannot use ${x === null ? "null" : typeof x} as an array operand`);
}

/** Encode a constant for node attributes: non-finite numbers and bigints as strings. */
export function encodeConst(v: number | boolean | bigint, dtype: DTypeName): AttrValue {
  if (typeof v === "boolean") return v;
  if (typeof v === "bigint") return v.toString();
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  if (DTYPES[dtype].big && Number.isInteger(v)) return BigInt(v).toString();
  return v;
}

export function constNode(v: number | boolean | bigint, dtype: DTypeName): Node {
  return make("const", [], { value: encodeConst(v, dtype), dtype });
}

/** Give weak scalars their dtype from the strong operands (NEP 50), refusing out-of-range integers. */
export function resolveWeak(ops: readonly (Node | Weak)[], comparison = false): Node[] {
  const strong = ops.filter((o): o is Node => !("weak" in o));
  const weakOps = ops.filter((o): o is Weak => "weak" in o);
  let target: DTypeName | undefined = strong.length > 0 ? strong.map((n) => n.dtype).reduce(promote) : undefined;
  if (target === undefined) {
    // only weak scalars: NumPy gives each its default dtype, then promotes
    target = weakOps.map((w) => weakDefault(w.kind)).reduce(promote);
  }
  return ops.map((o) => {
    if (!("weak" in o)) return o;
    const d = promoteWeak(target!, o.kind);
    if (o.param !== undefined) return paramNode(o.param, PARAM_TYPES[o.kind], { shape: [], dtype: d });
    if (o.kind === "int" && isInteger(d) && !fitsIn(d, typeof o.value === "bigint" ? o.value : Number(o.value))) {
      // NumPy 2 compares with an out-of-range Python int exactly instead of refusing it.
      if (comparison) return constNode(o.value, fitsIn("int64", typeof o.value === "bigint" ? o.value : Number(o.value)) ? "int64" : "float64");
      throw new ProxyTypeError(`Python integer ${o.value} out of bounds for ${d}`);
    }
    return constNode(o.value, d);
  });
}

export function ufunc(fn: UfuncName | string, args: readonly (ArrayLike | Weak)[]): Node {
  if (!isUfuncName(fn)) throw new ProxyTypeError(`unknown function '${fn}'`);
  const arity = UFUNCS[fn].arity;
  if (args.length !== arity) throw new ProxyTypeError(`${UFUNCS[fn].numpy}() takes ${arity} argument${arity === 1 ? "" : "s"}, got ${args.length}`);
  return make("map", resolveWeak(args.map(toOperand), UFUNCS[fn].rule === "cmp"), { fn });
}
