/** percentile / quantile and their nan forms: NumPy's default linear interpolation, whole reduced extent per task. */
import { ProxyTypeError } from "../core/errors.js";
import { make } from "../graph/make.js";
import { normalizeAxes } from "../proxy/axes.js";
import { checkOptions, nodeOf, wrap, type ArrayLike } from "./args.js";
import type { Axis, Reduced } from "./reduce.js";

export interface QuantileOptions {
  axis?: Axis;
  keepdims?: boolean;
  method?: string;
  overwrite_input?: boolean;
}

function quantileFn(fname: string, scale: 100 | 1, skipnan: boolean) {
  return (a: ArrayLike, q: number | number[], opts: QuantileOptions = {}): Reduced => {
    checkOptions(fname, opts, ["axis", "keepdims", "method", "overwrite_input"]);
    if (opts.method !== undefined && opts.method !== "linear") throw new ProxyTypeError(`${fname}: method '${opts.method}' is not supported (only 'linear')`);
    const x = nodeOf(a);
    if (x.dtype === "bool") throw new ProxyTypeError(`${fname}: bool arrays are not supported (NumPy cannot subtract booleans)`);
    const list = Array.isArray(q);
    const qs = (list ? q : [q]).map((v) => {
      if (typeof v !== "number" || !(v >= 0 && v <= scale)) throw new ProxyTypeError(scale === 100 ? "Percentiles must be in the range [0, 100]" : "Quantiles must be in the range [0, 1]");
      return v / scale;
    });
    const axes = normalizeAxes(opts.axis ?? undefined, x.shape.length);
    const keepdims = opts.keepdims === true;
    const scalar = !list && !keepdims && axes.length === x.shape.length;
    return wrap(make("along", [x], { fn: "quantile", axes, keepdims, q: qs, qList: list, skipnan, scalar }));
  };
}

export const percentile = quantileFn("percentile", 100, false);
export const quantile = quantileFn("quantile", 1, false);
export const nanpercentile = quantileFn("nanpercentile", 100, true);
export const nanquantile = quantileFn("nanquantile", 1, true);
