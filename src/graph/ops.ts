/**
 * The closed set of ops. Passes ask an op's category, never match on names.
 * Elementwise function names (the `fn` attr of `map` nodes) are the closed table in `ufuncs.ts`.
 */
export type OpName =
  // sources
  | "literal" | "source"
  // elementwise
  | "const" | "map" | "cast" | "where" | "make_masked" | "getdata" | "getmask" | "filled"
  // movement (affine views: no data moves until a kernel reads through them)
  | "view" | "broadcast" | "transpose" | "reshape"
  // reductions
  | "reduce"
  // data-dependent indexing
  | "take" | "select" | "compressed"
  // concatenation along an axis
  | "concat";

export type OpCategory = "source" | "elementwise" | "movement" | "reduction" | "indexing" | "join";

export const OP_CATEGORY: Readonly<Record<OpName, OpCategory>> = {
  literal: "source",
  source: "source",
  const: "elementwise",
  map: "elementwise",
  cast: "elementwise",
  where: "elementwise",
  make_masked: "elementwise",
  getdata: "elementwise",
  getmask: "elementwise",
  filled: "elementwise",
  view: "movement",
  broadcast: "movement",
  transpose: "movement",
  reshape: "movement",
  reduce: "reduction",
  take: "indexing",
  select: "indexing",
  compressed: "indexing",
  concat: "join",
};

export const isElementwise = (op: OpName): boolean => OP_CATEGORY[op] === "elementwise";
export const isMovement = (op: OpName): boolean => OP_CATEGORY[op] === "movement";
export const isSource = (op: OpName): boolean => OP_CATEGORY[op] === "source";

/** Reduction functions (the `fn` attr of `reduce` nodes). */
export type ReduceFn = "sum" | "prod" | "min" | "max" | "mean" | "var" | "std" | "count" | "median" | "all" | "any";

export const REDUCE_FNS: readonly ReduceFn[] = ["sum", "prod", "min", "max", "mean", "var", "std", "count", "median", "all", "any"];

/** Reductions that need the whole reduced extent in one task (no associative combine). */
export const WHOLE_AXIS_REDUCTIONS: ReadonlySet<ReduceFn> = new Set<ReduceFn>(["median"]);
