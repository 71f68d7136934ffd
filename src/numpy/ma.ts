/** `wf.numpy.ma`: constructing masks from conditions, as numpy.ma does. */
import type { ArrayProxy } from "../proxy/array.js";
import { MaskedArrayProxy } from "../proxy/masked.js";
import { ufunc, toOperand, resolveWeak, type ArrayLike } from "../proxy/operand.js";
import { make } from "../graph/make.js";
import { wrapNode } from "../proxy/wrap.js";
import type { Element } from "../core/ndarray.js";

const nodeOf = (x: ArrayLike) => {
  const o = toOperand(x);
  return "weak" in o ? resolveWeak([o])[0]! : o;
};

/** Mask where `condition` holds, OR-ed with any mask `a` already has. */
export function masked_where(condition: ArrayLike, a: ArrayLike): MaskedArrayProxy {
  const c = nodeOf(condition);
  const cb = c.dtype === "bool" ? c : make("cast", [c], { dtype: "bool" });
  const an = nodeOf(a);
  const own = an.masked ? make("getmask", [an], {}) : undefined;
  const m = own === undefined ? cb : ufunc("or", [{ node: cb }, { node: own }]);
  const data = an.masked ? make("getdata", [an], {}) : an;
  return new MaskedArrayProxy(make("make_masked", [data, m], {}));
}

const cmp = (fn: string) => (a: ArrayLike, value: number) => masked_where(wrapNode<ArrayProxy>(ufunc(fn, [a, value])), a);
export const masked_equal = cmp("eq");
export const masked_not_equal = cmp("ne");
export const masked_greater = cmp("gt");
export const masked_greater_equal = cmp("ge");
export const masked_less = cmp("lt");
export const masked_less_equal = cmp("le");

export function masked_invalid(a: ArrayLike): MaskedArrayProxy {
  return masked_where(wrapNode<ArrayProxy>(ufunc("logical_not", [wrapNode<ArrayProxy>(ufunc("isfinite", [a]))])), a);
}
export function masked_inside(a: ArrayLike, v1: number, v2: number): MaskedArrayProxy {
  const [lo, hi] = v1 <= v2 ? [v1, v2] : [v2, v1];
  return masked_where(wrapNode<ArrayProxy>(ufunc("logical_and", [wrapNode<ArrayProxy>(ufunc("ge", [a, lo])), wrapNode<ArrayProxy>(ufunc("le", [a, hi]))])), a);
}
export function masked_outside(a: ArrayLike, v1: number, v2: number): MaskedArrayProxy {
  const [lo, hi] = v1 <= v2 ? [v1, v2] : [v2, v1];
  return masked_where(wrapNode<ArrayProxy>(ufunc("logical_or", [wrapNode<ArrayProxy>(ufunc("lt", [a, lo])), wrapNode<ArrayProxy>(ufunc("gt", [a, hi]))])), a);
}
export function filled(a: ArrayLike, fillValue?: Element): ArrayProxy {
  const n = nodeOf(a);
  if (!n.masked) return wrapNode(n);
  return new MaskedArrayProxy(n).filled(fillValue);
}
