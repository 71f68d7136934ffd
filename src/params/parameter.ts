/**
 * `wf.parameter(name, type)`: a placeholder of a proxy type whose value is given later, as
 * `compute({arguments})` or `fn.invoke({...})`. Arrays declare their dtype (default float64) and
 * shape, where -1 is a size known only from the argument (default: one axis of unknown length).
 */
import { ProxyTypeError } from "../core/errors.js";
import { ArrayProxy } from "../proxy/array.js";
import { MaskedArrayProxy } from "../proxy/masked.js";
import { ScalarProxy } from "../proxy/scalar.js";
import { BoolProxy, FloatProxy, IntProxy, StrProxy } from "../proxy/small.js";
import { wrapNode } from "../proxy/wrap.js";
import { checkParamName, dtypeOption, paramNode } from "./spec.js";

export interface ParameterOptions {
  /** Arrays and Scalars: the dtype the argument must have or cast to safely (default float64). */
  dtype?: string;
  /** Arrays: the shape, -1 where any size is accepted (default `[-1]`). */
  shape?: readonly number[];
  /** Arrays: shorthand for `shape` of that many unknown sizes. */
  ndim?: number;
}

type SmallCtor = typeof IntProxy | typeof FloatProxy | typeof BoolProxy | typeof StrProxy;
const SMALL = new Map<unknown, "Int" | "Float" | "Bool" | "Str">([[IntProxy, "Int"], [FloatProxy, "Float"], [BoolProxy, "Bool"], [StrProxy, "Str"]]);

function arrayShape(name: string, o: ParameterOptions): number[] {
  if (o.shape !== undefined && o.ndim !== undefined) throw new ProxyTypeError(`parameter '${name}': give 'shape' or 'ndim', not both`);
  if (o.ndim !== undefined) {
    if (!Number.isInteger(o.ndim) || o.ndim < 0) throw new ProxyTypeError(`parameter '${name}': 'ndim' must be a non-negative integer`);
    return new Array<number>(o.ndim).fill(-1);
  }
  const shape = o.shape ?? [-1];
  if (!Array.isArray(shape) || !shape.every((s) => Number.isInteger(s) && s >= -1)) {
    throw new ProxyTypeError(`parameter '${name}': 'shape' must be a list of sizes (-1 for any), got ${JSON.stringify(shape)}`);
  }
  return [...shape];
}

export function parameter(name: string, type: typeof IntProxy): IntProxy;
export function parameter(name: string, type: typeof FloatProxy): FloatProxy;
export function parameter(name: string, type: typeof BoolProxy): BoolProxy;
export function parameter(name: string, type: typeof StrProxy): StrProxy;
export function parameter(name: string, type: typeof ScalarProxy, opts?: ParameterOptions): ScalarProxy;
export function parameter(name: string, type: typeof MaskedArrayProxy, opts?: ParameterOptions): MaskedArrayProxy;
export function parameter(name: string, type: typeof ArrayProxy, opts?: ParameterOptions): ArrayProxy;
export function parameter(name: string, type: unknown, opts?: ParameterOptions): unknown;
export function parameter(name: string, type: unknown, opts: ParameterOptions = {}): unknown {
  checkParamName(name);
  const small = SMALL.get(type);
  if (small !== undefined) {
    if (Object.keys(opts).length > 0) throw new ProxyTypeError(`parameter '${name}': a ${small} parameter takes no options`);
    return new (type as SmallCtor)({ k: "param", name, type: small });
  }
  if (type === ScalarProxy) {
    if (opts.shape !== undefined || opts.ndim !== undefined) throw new ProxyTypeError(`parameter '${name}': a Scalar has no shape`);
    return wrapNode(paramNode(name, "Scalar", { shape: [], dtype: dtypeOption(opts.dtype, "float64") }));
  }
  if (type === ArrayProxy || type === MaskedArrayProxy) {
    const masked = type === MaskedArrayProxy;
    return wrapNode(paramNode(name, masked ? "MaskedArray" : "Array", { shape: arrayShape(name, opts), dtype: dtypeOption(opts.dtype, "float64"), masked }));
  }
  const what = typeof type === "function" ? type.name : typeof type;
  throw new ProxyTypeError(`parameter '${name}': parameters of type ${what} are not supported (use Int, Float, Bool, Str, Scalar, Array or MaskedArray)`);
}
