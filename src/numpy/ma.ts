/** `wf.numpy.ma`: masks from conditions and values, filling, and the masked weighted average. */
import { DTYPES, defaultFillValue } from "../core/dtype.js";
import type { Element } from "../core/ndarray.js";
import { make } from "../graph/make.js";
import type { Node } from "../graph/node.js";
import type { ArrayProxy } from "../proxy/array.js";
import { MaskedArrayProxy } from "../proxy/masked.js";
import { constNode, ufunc, type ArrayLike } from "../proxy/operand.js";
import { castTo, nodeOf, wrap } from "./args.js";
import { isclose } from "./elementwise.js";
import { getdata, uf } from "./nodes.js";
import { average as plainAverage, type AverageOptions, type Reduced } from "./reduce.js";

/** Mask where `condition` holds, OR-ed with any mask `a` already has. */
export function masked_where(condition: ArrayLike, a: ArrayLike, fillValue?: Element): MaskedArrayProxy {
  const c = castTo(getdata(nodeOf(condition)), "bool");
  const an = nodeOf(a);
  const m = an.masked ? uf("or", c, make("getmask", [an], {})) : c;
  const node = make("make_masked", [getdata(an), m], {});
  return fillValue === undefined ? new MaskedArrayProxy(node) : new MaskedArrayProxy(node, { fillValue });
}

const byCompare = (fn: string) => (a: ArrayLike, value: number): MaskedArrayProxy => {
  const n = nodeOf(a);
  return masked_where(wrap<ArrayProxy>(ufunc(fn, [{ node: getdata(n) }, value])), a, fn === "eq" ? value : undefined);
};
export const masked_equal = byCompare("eq");
export const masked_not_equal = byCompare("ne");
export const masked_greater = byCompare("gt");
export const masked_greater_equal = byCompare("ge");
export const masked_less = byCompare("lt");
export const masked_less_equal = byCompare("le");

function invalid(n: Node): Node {
  return uf("logical_not", uf("isfinite", getdata(n)));
}

export function masked_invalid(a: ArrayLike): MaskedArrayProxy {
  const n = nodeOf(a);
  return masked_where(wrap<ArrayProxy>(invalid(n)), a);
}

export function masked_inside(a: ArrayLike, v1: number, v2: number): MaskedArrayProxy {
  const [lo, hi] = v1 <= v2 ? [v1, v2] : [v2, v1];
  const d = getdata(nodeOf(a));
  return masked_where(wrap<ArrayProxy>(uf("logical_and", uf("ge", d, lo), uf("le", d, hi))), a);
}
export function masked_outside(a: ArrayLike, v1: number, v2: number): MaskedArrayProxy {
  const [lo, hi] = v1 <= v2 ? [v1, v2] : [v2, v1];
  const d = getdata(nodeOf(a));
  return masked_where(wrap<ArrayProxy>(uf("logical_or", uf("lt", d, lo), uf("gt", d, hi))), a);
}

/** Floats: mask values close to `value` (isclose); integers: exactly equal. */
export function masked_values(x: ArrayLike, value: number, opts: { rtol?: number; atol?: number } = {}): MaskedArrayProxy {
  const d = getdata(nodeOf(x));
  if (DTYPES[d.dtype].kind !== "f") return masked_where(wrap<ArrayProxy>(uf("eq", d, value)), x, value);
  return masked_where(isclose(wrap<ArrayProxy>(d), value, { rtol: opts.rtol ?? 1e-5, atol: opts.atol ?? 1e-8 }), x, value);
}

/** Invalid (NaN, inf) elements masked and their data replaced by the fill value. */
export function fix_invalid(a: ArrayLike, opts: { fill_value?: number } = {}): MaskedArrayProxy {
  const n = nodeOf(a);
  const bad = invalid(n);
  const fill = opts.fill_value ?? (defaultFillValue(n.dtype) as number);
  const d = getdata(n);
  const data = DTYPES[d.dtype].kind === "f" ? make("where", [bad, constNode(fill, d.dtype), d], {}) : d;
  const m = n.masked ? uf("or", bad, make("getmask", [n], {})) : bad;
  return new MaskedArrayProxy(make("make_masked", [data, m], {}), { fillValue: fill });
}

export function filled(a: ArrayLike, fillValue?: Element): ArrayProxy {
  const n = nodeOf(a);
  if (!n.masked) return wrap(n);
  return new MaskedArrayProxy(n).filled(fillValue);
}

/** numpy.ma.average: masked elements (and their weights) left out. */
export function average(a: ArrayLike, opts: AverageOptions = {}): Reduced | [Reduced, Reduced] {
  let n = nodeOf(a);
  // with weights numpy.ma divides masked sums (masking NaN); without, a mask-free mean stays plain
  if (!n.masked && opts.weights !== undefined) n = make("make_masked", [n, make("broadcast", [constNode(false, "bool")], { shape: [...n.shape] })], {});
  const r = plainAverage(wrap<ArrayProxy>(n), opts);
  if (n.masked) return r;
  // numpy.ma's result is masked even when nothing was (and then it keeps NaN unmasked)
  const masked = (p: Reduced): Reduced => {
    const x = p.node.kind === "scalar" ? p.node : make("make_masked", [p.node, make("broadcast", [constNode(false, "bool")], { shape: [...p.node.shape] })], {});
    return wrap<Reduced>(x);
  };
  return Array.isArray(r) ? [masked(r[0]), masked(r[1])] : masked(r);
}
