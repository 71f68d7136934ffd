/**
 * Argument handling shared by `wf.numpy` functions: operands to nodes, NumPy's keyword checks,
 * and the refusals (out=, complex and object dtypes) that must never turn into a wrong result.
 */
import { resolveDType, type DTypeName } from "../core/dtype.js";
import { ProxyTypeError } from "../core/errors.js";
import type { Node } from "../graph/node.js";
import { make } from "../graph/make.js";
import { resolveWeak, toOperand, type ArrayLike } from "../proxy/operand.js";
import { wrapNode } from "../proxy/wrap.js";

export type { ArrayLike };

/** Any operand as a node; a lone JS number becomes a NumPy default-typed 0-d constant. */
export function nodeOf(x: ArrayLike): Node {
  const o = toOperand(x);
  return "weak" in o ? resolveWeak([o])[0]! : o;
}

export const wrap = <T>(n: Node): T => wrapNode<T>(n);

const UNSUPPORTED_DTYPE = /^(complex|c8|c16|object|O$|str|U|bytes|S\d|V|datetime|timedelta|M8|m8|float16|half|float128|longdouble)/;

/** A dtype option: our names and NumPy's aliases; complex and object dtypes are refused by name. */
export function dtypeOption(fname: string, d: unknown): DTypeName | undefined {
  if (d === undefined || d === null) return undefined;
  if (typeof d !== "string") throw new ProxyTypeError(`${fname}: dtype must be a dtype name, got ${typeof d}`);
  const r = resolveDType(d);
  if (r !== undefined) return r;
  if (UNSUPPORTED_DTYPE.test(d)) throw new ProxyTypeError(`${fname}: dtype '${d}' is not supported (only bool, integer and float32/float64 dtypes are)`);
  throw new ProxyTypeError(`${fname}: data type '${d}' not understood`);
}

/** Refuse `out=` and keywords the function does not take, naming them as NumPy would. */
export function checkOptions(fname: string, opts: object | undefined, allowed: readonly string[]): void {
  if (opts === undefined || opts === null) return;
  if (typeof opts !== "object" || Array.isArray(opts)) throw new ProxyTypeError(`${fname}: options must be an object, got ${Array.isArray(opts) ? "an array" : typeof opts}`);
  for (const [k, v] of Object.entries(opts)) {
    if (v === undefined) continue;
    if (k === "out") throw new ProxyTypeError(`${fname}: out= is not supported: results are new lazy arrays`);
    if (k === "casting" || k === "order" || k === "subok" || k === "signature" || k === "initial" || k === "where") {
      if (!allowed.includes(k)) throw new ProxyTypeError(`${fname}: the '${k}' argument is not supported`);
    }
    if (!allowed.includes(k)) throw new ProxyTypeError(`${fname}() got an unexpected keyword argument '${k}'`);
  }
}

/** Cast when needed (bool conditions, dtype= options). */
export function castTo(n: Node, d: DTypeName): Node {
  return n.dtype === d ? n : make("cast", [n], { dtype: d });
}

/** A 0-d node as a `Scalar` (what NumPy's full reductions return): an identity reduction over no axes. */
export function asScalar(n: Node): Node {
  if (n.kind === "scalar") return n;
  if (n.shape.length !== 0) throw new Error("asScalar needs a 0-d node");
  return make("reduce", [n], { fn: "max", axes: [], keepdims: false, ddof: 0, scalar: true });
}

/** Remove the Scalar kind again (0-d arrays mixed into array expressions). */
export function shapeOf(x: ArrayLike): readonly number[] {
  return nodeOf(x).shape;
}

export function requireKnown(fname: string, n: Node): void {
  if (n.shape.includes(-1)) throw new ProxyTypeError(`${fname}: the shape of its input is not known until it is computed; compute it first`);
}

/** Reject arrays with a complex or object payload passed as nested JS values. */
export function plainNumber(fname: string, what: string, v: unknown): number {
  if (typeof v === "bigint") return Number(v);
  if (typeof v !== "number") throw new ProxyTypeError(`${fname}: ${what} must be a number, got ${v === null ? "null" : typeof v}`);
  return v;
}
