/**
 * The `nan*` reductions: NaN is skipped like a masked element (the masked reductions do the work),
 * and an all-NaN slice gives what NumPy gives (0 for sums, 1 for products, NaN otherwise).
 */
import type { Node } from "../graph/node.js";
import { make } from "../graph/make.js";
import type { ReduceFn } from "../graph/ops.js";
import { checkOptions, dtypeOption, castTo, nodeOf, wrap, type ArrayLike } from "./args.js";
import { constOf, getdata, isFloatNode, maskWhere, uf } from "./nodes.js";
import { finish, reduceNode, wideInts, type Axis, type Reduced, type ReduceOptions } from "./reduce.js";

/** NaN replaced by `v` (sums and products: NumPy's nansum of an all-NaN slice is 0). */
function nanReplaced(fname: string, fn: ReduceFn, v: number) {
  return (a: ArrayLike, opts: ReduceOptions = {}): Reduced => {
    checkOptions(fname, opts, ["axis", "keepdims", "dtype"]);
    const dt = dtypeOption(fname, opts.dtype);
    let n = nodeOf(a);
    if (isFloatNode(n)) n = make("where", [uf("isnan", n), constOf(v, n.dtype), n], {});
    if (dt !== undefined) n = castTo(n, dt);
    if (fn === "prod") n = wideInts(n);
    let r = reduceNode(fn, n, opts, dt === undefined);
    if (dt !== undefined) r = finish(castTo(r, dt), opts);
    return wrap(r);
  };
}

/** NaN skipped; where nothing is left the result is NaN (masked only where the input's own mask covers the slice). */
export function skipNaN(fn: ReduceFn, n: Node, o: { axis?: Axis; keepdims?: boolean; ddof?: number }): Node {
  if (!isFloatNode(n)) return finish(reduceNode(fn, n, o), o);
  const r = reduceNode(fn, maskWhere(n, uf("isnan", getdata(n))), o);
  let out = make("filled", [r, make("const", [], { value: "nan", dtype: r.dtype })], {});
  if (n.masked) out = make("make_masked", [out, uf("eq", reduceNode("count", n, o), 0)], {});
  return finish(out, o);
}

function nanSkipping(fname: string, fn: ReduceFn) {
  const allowed = ["axis", "keepdims", ...(fn === "var" || fn === "std" ? ["ddof"] : []), ...(fn === "min" || fn === "max" || fn === "median" ? [] : ["dtype"])];
  return (a: ArrayLike, opts: ReduceOptions = {}): Reduced => {
    checkOptions(fname, opts, allowed);
    const dt = dtypeOption(fname, opts.dtype);
    let n = nodeOf(a);
    if (dt !== undefined) n = castTo(n, dt);
    return wrap(skipNaN(fn, n, opts));
  };
}

export const nanReductions = {
  nansum: nanReplaced("nansum", "sum", 0),
  nanprod: nanReplaced("nanprod", "prod", 1),
  nanmin: nanSkipping("nanmin", "min"),
  nanmax: nanSkipping("nanmax", "max"),
  nanmean: nanSkipping("nanmean", "mean"),
  nanvar: nanSkipping("nanvar", "var"),
  nanstd: nanSkipping("nanstd", "std"),
  nanmedian: nanSkipping("nanmedian", "median"),
};
