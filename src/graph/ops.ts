/**
 * The closed set of ops. Passes ask an op's category, never match on names.
 * Elementwise function names (the `fn` attr of `map` nodes) are the closed table in `ufuncs.ts`.
 */
export type OpName =
  // sources
  | "literal" | "source" | "param"
  // elementwise
  | "const" | "map" | "cast" | "where" | "make_masked" | "getdata" | "getmask" | "filled"
  // a data-dependent error: passes its second argument through, fails where the first holds (checks.ts)
  | "check"
  // movement (affine views: no data moves until a kernel reads through them)
  | "view" | "broadcast" | "transpose" | "reshape"
  // reductions
  | "reduce"
  // whole-axis kernels: scans, quantiles, unique, bincount (src/graph/along.ts)
  | "along"
  // data-dependent indexing
  | "take" | "select" | "compressed"
  // binary search of each element in a sorted table (src/graph/search.ts)
  | "search"
  // concatenation along an axis
  | "concat";

export type OpCategory = "source" | "elementwise" | "movement" | "reduction" | "indexing" | "join";

export const OP_CATEGORY: Readonly<Record<OpName, OpCategory>> = {
  literal: "source",
  source: "source",
  /** A `wf.parameter` placeholder, replaced by its argument before a graph runs. */
  param: "source",
  const: "elementwise",
  map: "elementwise",
  cast: "elementwise",
  where: "elementwise",
  make_masked: "elementwise",
  getdata: "elementwise",
  getmask: "elementwise",
  filled: "elementwise",
  check: "elementwise",
  view: "movement",
  broadcast: "movement",
  transpose: "movement",
  reshape: "movement",
  reduce: "reduction",
  along: "reduction",
  take: "indexing",
  select: "indexing",
  compressed: "indexing",
  search: "indexing",
  concat: "join",
};

/** How many arguments each op takes (`max` undefined: any number from `min`); `map`'s exact count is its ufunc's arity. */
export const OP_ARITY: Readonly<Record<OpName, { readonly min: number; readonly max?: number }>> = {
  literal: { min: 0, max: 0 },
  source: { min: 0, max: 0 },
  param: { min: 0, max: 0 },
  const: { min: 0, max: 0 },
  map: { min: 1, max: 2 },
  cast: { min: 1, max: 1 },
  where: { min: 3, max: 3 },
  make_masked: { min: 2, max: 2 },
  getdata: { min: 1, max: 1 },
  getmask: { min: 1, max: 1 },
  filled: { min: 2, max: 2 },
  check: { min: 2, max: 2 },
  view: { min: 1, max: 1 },
  broadcast: { min: 1, max: 1 },
  transpose: { min: 1, max: 1 },
  reshape: { min: 1, max: 1 },
  reduce: { min: 1, max: 1 },
  along: { min: 1, max: 1 },
  take: { min: 2 },
  select: { min: 2, max: 2 },
  compressed: { min: 1, max: 1 },
  search: { min: 2, max: 2 },
  concat: { min: 1 },
};

export function isOpName(x: unknown): x is OpName {
  return typeof x === "string" && Object.prototype.hasOwnProperty.call(OP_CATEGORY, x);
}

export const isElementwise = (op: OpName): boolean => OP_CATEGORY[op] === "elementwise";
export const isMovement = (op: OpName): boolean => OP_CATEGORY[op] === "movement";
export const isSource = (op: OpName): boolean => OP_CATEGORY[op] === "source";

/** Reduction functions (the `fn` attr of `reduce` nodes). */
export type ReduceFn = "sum" | "prod" | "min" | "max" | "mean" | "var" | "std" | "count" | "median" | "all" | "any" | ArgFn;

/**
 * One-pass arg reductions: the int64 index of the extreme value, flat in C order over the reduced
 * axes (first occurrence on ties; NaN wins for argmin/argmax, is skipped by the nan forms, which
 * give -1 for a slice holding only NaN). Their input must be unmasked (numpy.ma fills it first).
 */
export type ArgFn = "argmin" | "argmax" | "nanargmin" | "nanargmax";

export const ARG_FNS: readonly ArgFn[] = ["argmin", "argmax", "nanargmin", "nanargmax"];

export const isArgFn = (fn: string): fn is ArgFn => (ARG_FNS as readonly string[]).includes(fn);

export const REDUCE_FNS: readonly ReduceFn[] = ["sum", "prod", "min", "max", "mean", "var", "std", "count", "median", "all", "any", ...ARG_FNS];

/** Reductions that need the whole reduced extent in one task (no associative combine). */
export const WHOLE_AXIS_REDUCTIONS: ReadonlySet<ReduceFn> = new Set<ReduceFn>(["median"]);
