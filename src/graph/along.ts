/**
 * The `along` op: kernels that need every value along some axes in one task (no associative partial
 * with a fixed-size state): scans (cumsum, cumprod), quantiles (sorted runs), unique (a sorted
 * whole array), and bincount (a scatter into a fixed number of bins, combined like a sum).
 */
import { DTYPES, floatResult, sumDType, type DTypeName } from "../core/dtype.js";
import { ProxyTypeError } from "../core/errors.js";
import type { AttrValue, Attrs, Node, NodeType } from "./node.js";

export type AlongFn = "cumsum" | "cumprod" | "quantile" | "unique" | "bincount";

export const ALONG_FNS: readonly AlongFn[] = ["cumsum", "cumprod", "quantile", "unique", "bincount"];

/** Kernel parameters carried from the node's attributes to the task (plain JSON). */
export interface AlongParams {
  readonly fn: AlongFn;
  /** quantile: fractions in [0, 1]; a list puts a leading q axis on the output. */
  readonly q?: readonly number[];
  readonly qList?: boolean;
  /** quantile: NaN skipped (nanquantile) instead of propagated. */
  readonly skipnan?: boolean;
  /** bincount: number of bins; indices outside [0, length) are dropped when `drop`, else an error. */
  readonly length?: number;
  readonly drop?: boolean;
}

function nums(v: AttrValue | undefined, what: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === "number")) throw new ProxyTypeError(`along: '${what}' must be a list of numbers`);
  return v as number[];
}

export function alongParams(attrs: Attrs): AlongParams {
  const fn = attrs["fn"];
  if (typeof fn !== "string" || !(ALONG_FNS as readonly string[]).includes(fn)) throw new ProxyTypeError(`unknown along function '${String(fn)}'`);
  const p: { -readonly [K in keyof AlongParams]: AlongParams[K] } = { fn: fn as AlongFn };
  if (attrs["q"] !== undefined) p.q = nums(attrs["q"], "q");
  if (attrs["qList"] === true) p.qList = true;
  if (attrs["skipnan"] === true) p.skipnan = true;
  if (typeof attrs["length"] === "number") p.length = attrs["length"];
  if (attrs["drop"] === true) p.drop = true;
  return p;
}

export function scanDType(fn: "cumsum" | "cumprod", d: DTypeName): DTypeName {
  void fn;
  return sumDType(d);
}

export function inferAlong(args: readonly Node[], attrs: Attrs): NodeType {
  if (args.length !== 1) throw new ProxyTypeError(`along takes 1 argument, got ${args.length}`);
  const x = args[0]!;
  const p = alongParams(attrs);
  const axes = nums(attrs["axes"], "axes");
  const keep = attrs["keepdims"] === true;
  const reduced = (): number[] => (keep ? x.shape.map((s, i) => (axes.includes(i) ? 1 : s)) : x.shape.filter((_, i) => !axes.includes(i)));
  switch (p.fn) {
    case "cumsum":
    case "cumprod":
      if (axes.length !== 1) throw new ProxyTypeError("a scan runs along exactly one axis");
      return { kind: "array", shape: x.shape, dtype: scanDType(p.fn, x.dtype), masked: x.masked };
    case "quantile": {
      const q = p.q ?? [];
      const shape = [...(p.qList === true ? [q.length] : []), ...reduced()];
      // a list of q is a float64 array to NumPy, which promotes float32 data; a single q is weak
      const dtype = DTYPES[x.dtype].kind === "f" && p.qList !== true ? x.dtype : floatResult("int64");
      return { kind: attrs["scalar"] === true ? "scalar" : "array", shape, dtype, masked: x.masked };
    }
    case "unique":
      return { kind: "array", shape: [x.shape.reduce((a, b) => (a === -1 || b === -1 ? -1 : a * b), 1)], dtype: x.dtype, masked: true };
    case "bincount": {
      const k = DTYPES[x.dtype].kind;
      if (k !== "i" && k !== "u" && k !== "b") throw new ProxyTypeError(`Cannot cast array data from dtype('${x.dtype}') to dtype('int64') according to the rule 'safe'`);
      return { kind: "array", shape: [p.length ?? -1], dtype: "int64", masked: false };
    }
  }
}
