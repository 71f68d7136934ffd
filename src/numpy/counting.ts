/**
 * Counting and searching: bincount, histogram, digitize, isin, unique. Equal-width bin indices are
 * fused elementwise work; explicit edges, digitize and isin binary-search a sorted table (the
 * `search` op: O(log bins) per element); counting is the `along` op's bincount kernel; unique sorts
 * each block and merges the sorted runs in a combine tree.
 */
import { DTYPES, floatResult, type DTypeName } from "../core/dtype.js";
import { ProxyTypeError } from "../core/errors.js";
import { sizeOf } from "../core/shape.js";
import type { Node } from "../graph/node.js";
import { make } from "../graph/make.js";
import type { ArrayProxy } from "../proxy/array.js";
import { castTo, checkOptions, nodeOf, plainNumber, requireKnown, wrap, type ArrayLike } from "./args.js";
import { constOf, getdata, isFloatNode, ramp, uf } from "./nodes.js";
import { reduceNode } from "./reduce.js";

const proxy = (n: Node): ArrayProxy => wrap<ArrayProxy>(n);

function countBins(idx: Node, length: number): Node {
  return make("along", [idx], { fn: "bincount", axes: idx.shape.map((_, i) => i), length, drop: true });
}

export function bincount(x: ArrayLike, opts: { minlength?: number; weights?: ArrayLike } = {}): ArrayProxy {
  checkOptions("bincount", opts, ["minlength", "weights"]);
  if (opts.weights !== undefined) throw new ProxyTypeError("bincount: weights are not supported");
  const n = nodeOf(x);
  if (n.shape.length !== 1) throw new ProxyTypeError("object too deep for desired array");
  const minlength = opts.minlength ?? 0;
  if (!Number.isInteger(minlength) || minlength < 0) throw new ProxyTypeError("'minlength' must not be negative");
  return proxy(make("along", [n], { fn: "bincount", axes: [0], minlength }));
}

/** The literal values of a small 1-d node, when it is a literal (to check monotonic bins at build time). */
function literalValues(n: Node): number[] | undefined {
  if (n.op !== "literal" || n.payload === undefined) return undefined;
  return Array.from(n.payload.data as Iterable<number | bigint>, Number);
}

/** The values of a 1-d node in reverse order (a view: nothing is copied until a kernel reads it). */
const reversed = (n: Node): Node => make("view", [n], { items: [["s", null, null, -1]] });

/**
 * Computed bins can only be checked once they are known: the table becomes a `check` node that fails
 * with NumPy's error where any edge is below the one before it (literal bins are checked here).
 */
function checkedIncreasing(b: Node): Node {
  const n = b.shape[0]!;
  if (n < 2) return b;
  const head = make("view", [b], { items: [["s", 0, n - 1, null]] }), tail = make("view", [b], { items: [["s", 1, null, null]] });
  const bad = reduceNode("any", uf("lt", tail, head), {});
  return make("check", [bad, b], { error: "bins_not_monotonic" });
}

export function digitize(x: ArrayLike, bins: ArrayLike, opts: { right?: boolean } | boolean = {}): ArrayProxy {
  const right = typeof opts === "boolean" ? opts : opts.right === true;
  const xn = nodeOf(x), b = nodeOf(bins);
  if (b.shape.length !== 1) throw new ProxyTypeError("object too deep for desired array");
  const nb = b.shape[0]!;
  const vals = literalValues(b);
  const increasing = vals === undefined || vals.every((v, i) => i === 0 || v >= vals[i - 1]!);
  if (vals !== undefined && !increasing && !vals.every((v, i) => i === 0 || v <= vals[i - 1]!)) throw new ProxyTypeError("bins must be monotonically increasing or decreasing");
  // NumPy: searchsorted(bins, x, side) increasing, len(bins) - searchsorted(bins[::-1], x, side) decreasing
  const table = getdata(b);
  const mode = right ? "left" : "right";
  const c = make("search", [xn, increasing ? table : reversed(table)], { mode });
  return proxy(increasing ? c : uf("sub", nb, c));
}

export function isin(element: ArrayLike, testElements: ArrayLike, opts: { invert?: boolean; assume_unique?: boolean } = {}): ArrayProxy {
  checkOptions("isin", opts, ["invert", "assume_unique"]);
  const x = nodeOf(element);
  const t = nodeOf(testElements);
  requireKnown("isin", t);
  // the sorted distinct test elements, each x found by binary search; like np.isin, the test
  // elements' data counts whether masked or not
  const hit = make("search", [x, uniqueNode(getdata(t))], { mode: "member" });
  return proxy(opts.invert === true ? uf("logical_not", hit) : hit);
}

export function unique(ar: ArrayLike, opts: { return_index?: boolean; return_inverse?: boolean; return_counts?: boolean; axis?: number | null; equal_nan?: boolean } = {}): ArrayProxy {
  checkOptions("unique", opts, ["return_index", "return_inverse", "return_counts", "axis", "equal_nan"]);
  for (const k of ["return_index", "return_inverse", "return_counts"] as const) if (opts[k] === true) throw new ProxyTypeError(`unique: ${k} is not supported (values only)`);
  if (opts.axis !== undefined && opts.axis !== null) throw new ProxyTypeError("unique: axis is not supported");
  // NaNs always collapse to one here (NumPy's default, equal_nan=True); keeping each NaN is not built
  if (opts.equal_nan === false) throw new ProxyTypeError("unique: equal_nan=false is not supported (NaNs collapse to one, as with NumPy's default equal_nan=True)");
  const x = nodeOf(ar);
  requireKnown("unique", x);
  return proxy(uniqueNode(x));
}

/** Sorted distinct unmasked values of a whole array, 1-d (its length is known once computed). */
function uniqueNode(x: Node): Node {
  return make("compressed", [make("along", [x], { fn: "unique", axes: x.shape.map((_, i) => i) })], {});
}

export interface HistogramOptions {
  bins?: number | ArrayLike;
  range?: [number, number] | null;
  weights?: ArrayLike;
  density?: boolean;
}

/** NumPy's bin index for equal bins: (x - lo) / (hi - lo) * n, truncated, then corrected against the edges. */
function equalBinIndex(x: Node, lo: Node, hi: Node, nb: number, fd: DTypeName): Node {
  const edge = (i: Node) => make("where", [uf("eq", i, nb), hi, uf("add", uf("mul", castTo(i, fd), uf("div", uf("sub", hi, lo), nb)), lo)], {});
  const i0 = castTo(uf("mul", uf("div", uf("sub", x, lo), uf("sub", hi, lo)), nb), "int64");
  const i1 = make("where", [uf("eq", i0, nb), constOf(nb - 1, "int64"), i0], {});
  const i2 = make("where", [uf("lt", x, edge(i1)), uf("sub", i1, 1), i1], {});
  const i3 = make("where", [uf("logical_and", uf("ge", x, edge(uf("add", i2, 1))), uf("ne", i2, nb - 1)), uf("add", i2, 1), i2], {});
  const keep = uf("logical_and", uf("ge", x, lo), uf("le", x, hi));
  return make("where", [keep, i3, constOf(-1, "int64")], {});
}

export function histogram(a: ArrayLike, binsOrOpts: number | ArrayLike | HistogramOptions = {}, maybe: HistogramOptions = {}): [ArrayProxy, ArrayProxy] {
  const isOpts = typeof binsOrOpts === "object" && binsOrOpts !== null && !Array.isArray(binsOrOpts) && !("node" in binsOrOpts);
  const o: HistogramOptions = isOpts ? (binsOrOpts as HistogramOptions) : { ...maybe, bins: binsOrOpts as number | ArrayLike };
  checkOptions("histogram", o, ["bins", "range", "weights", "density"]);
  if (o.weights !== undefined) throw new ProxyTypeError("histogram: weights are not supported");
  if (o.density === true) throw new ProxyTypeError("histogram: density is not supported");
  const x0 = nodeOf(a);
  requireKnown("histogram", x0);
  const fd = isFloatNode(x0) ? x0.dtype : floatResult("int64");
  const x = castTo(x0, fd);
  const bins = o.bins ?? 10;
  if (typeof bins === "number") {
    if (!Number.isInteger(bins) || bins < 1) throw new ProxyTypeError("`bins` must be positive, when an integer");
    let lo: Node, hi: Node;
    if (o.range !== undefined && o.range !== null) {
      const [l, h] = o.range.map((v, i) => plainNumber("histogram", `range[${i}]`, v)) as [number, number];
      if (l > h) throw new ProxyTypeError("max must be larger than min in range parameter.");
      if (!Number.isFinite(l) || !Number.isFinite(h)) throw new ProxyTypeError(`supplied range of [${l}, ${h}] is not finite`);
      lo = constOf(l === h ? l - 0.5 : l, fd);
      hi = constOf(l === h ? h + 0.5 : h, fd);
    } else if (sizeOf(x.shape) === 0) {
      lo = constOf(0, fd);
      hi = constOf(1, fd);
    } else {
      const mn = reduceNode("min", x, {}), mx = reduceNode("max", x, {});
      const same = uf("eq", mn, mx);
      const plain = (n: Node) => (n.masked ? make("filled", [n, constOf(0, fd)], {}) : n);
      lo = plain(make("where", [same, uf("sub", mn, 0.5), mn], {}));
      hi = plain(make("where", [same, uf("add", mx, 0.5), mx], {}));
    }
    const counts = countBins(equalBinIndex(x, lo, hi, bins, fd), bins);
    const i = castTo(ramp(bins + 1), "float64");
    const edges = make("where", [uf("eq", i, bins), castTo(hi, "float64"), uf("add", uf("mul", i, uf("div", castTo(uf("sub", hi, lo), "float64"), bins)), castTo(lo, "float64"))], {});
    return [proxy(counts), proxy(castTo(edges, fd))];
  }
  const b = nodeOf(bins);
  if (b.shape.length !== 1) throw new ProxyTypeError("`bins` must be 1d, when an array");
  const vals = literalValues(b);
  if (vals !== undefined && !vals.every((v, i) => i === 0 || v >= vals[i - 1]!)) throw new ProxyTypeError("`bins` must increase monotonically, when an array");
  const nb = b.shape[0]! - 1;
  const bf = castTo(getdata(b), DTYPES[b.dtype].kind === "f" ? b.dtype : "float64");
  const idx = make("search", [x, vals === undefined ? checkedIncreasing(bf) : bf], { mode: "hist" });
  return [proxy(countBins(idx, nb)), proxy(b)];
}
