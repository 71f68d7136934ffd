/**
 * Builds the tesserae expression of a fixture case with the public API (API.md names only)
 * and runs it. The expression format is described in fixtures.ts.
 */
import * as wf from "../../src/index.js";
import { decodeArr, type ArrJSON, type Case, type Expr, type JSONValue, type Outcome } from "./fixtures.js";

type ArrayProxy = wf.Array | wf.MaskedArray;
type ArrayValue = ConstructorParameters<typeof wf.Array>[0];
type MaskedData = ConstructorParameters<typeof wf.MaskedArray>[0];
type MaskOption = NonNullable<ConstructorParameters<typeof wf.MaskedArray>[1]>["mask"];

function call(target: unknown, name: string, args: unknown[]): unknown {
  const f = (target as Record<string, unknown> | null)?.[name];
  if (typeof f !== "function") throw new TypeError(`${String(target)} has no method '${name}'`);
  return (f as (...a: unknown[]) => unknown).apply(target, args);
}

function input(a: ArrJSON): ArrayProxy {
  const d = decodeArr(a);
  const opts = d.chunks ? { dtype: d.dtype, chunks: d.chunks } : { dtype: d.dtype };
  const data = wf.Array.from(d.data, d.shape, opts);
  if (!d.mask) return data;
  const mask = wf.Array.from(d.mask, d.shape, d.chunks ? { dtype: "bool", chunks: d.chunks } : { dtype: "bool" });
  return new wf.MaskedArray(data, { mask });
}

function weakNumber(x: JSONValue): number {
  if (x === "nan") return NaN;
  if (x === "inf") return Infinity;
  if (x === "-inf") return -Infinity;
  return x as number;
}

/** An index item: number, null, "...", a NumPy index string, a slice, a list, or `["input", i]`. */
function indexItem(it: JSONValue, inputs: ArrayProxy[]): unknown {
  if (Array.isArray(it)) return it[0] === "input" ? inputs[it[1] as number] : it;
  if (it !== null && typeof it === "object") {
    const [start, stop, step] = it["slice"] as (number | null)[];
    return wf.slice(start ?? undefined, stop ?? undefined, step ?? undefined);
  }
  return it;
}

const NO_ARGS = new Set(["neg", "pos", "abs", "invert", "flatten", "getdata", "getmaskarray", "compressed"]);
const RAW_ARGS = new Set(["sum", "min", "max", "mean", "median", "std", "count", "reshape", "astype"]);

const EXPR_TAGS = new Set(["input", "num", "bool", "nested", "array", "ragged", "masked", "np", "m", "list", "item", "opts"]);

/** An options object: plain JSON values stay as they are, tagged expressions are built. */
function buildOpts(o: { [k: string]: JSONValue }, inputs: ArrayProxy[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    const tagged = Array.isArray(v) && typeof v[0] === "string" && EXPR_TAGS.has(v[0]);
    out[k] = tagged ? build(v as Expr, inputs) : v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v;
  }
  return out;
}

function build(e: Expr, inputs: ArrayProxy[]): unknown {
  // raw JSON scalars (null, numbers, strings such as einsum subscripts) stand for themselves
  if (!Array.isArray(e)) return e;
  const [op, ...rest] = e;
  switch (op) {
    case "input":
      return inputs[rest[0] as number];
    case "num":
      return weakNumber(rest[0]!);
    case "bool":
    case "nested":
      return rest[0];
    case "array":
    case "ragged":
      return new wf.Array(rest[0] as ArrayValue);
    case "masked": {
      const data = build(rest[0] as Expr, inputs) as MaskedData;
      return new wf.MaskedArray(data, { mask: build(rest[1] as Expr, inputs) as MaskOption });
    }
    case "np": {
      // "ma.masked_where" reaches wf.numpy.ma
      const path = (rest[0] as string).split(".");
      const target = path.slice(0, -1).reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], wf.numpy);
      return call(target, path[path.length - 1]!, rest.slice(1).map((a) => build(a as Expr, inputs)));
    }
    case "opts":
      return buildOpts(rest[0] as { [k: string]: JSONValue }, inputs);
    case "list":
      return rest.map((a) => build(a as Expr, inputs));
    case "item":
      return (build(rest[0] as Expr, inputs) as unknown[])[rest[1] as number];
    case "m": {
      const name = rest[0] as string;
      const target = build(rest[1] as Expr, inputs);
      const args = rest.slice(2);
      if (NO_ARGS.has(name)) return call(target, name, []);
      // Axes, the reshape shape list and dtype names are plain JS values, not expressions.
      if (RAW_ARGS.has(name)) return call(target, name, args);
      if (name === "get") return call(target, name, args.map((a) => indexItem(a, inputs)));
      // Operators and filled(value): the arguments are expressions.
      return call(target, name, args.map((a) => build(a as Expr, inputs)));
    }
    default:
      throw new Error(`unknown expression ${JSON.stringify(e)}`);
  }
}

/** The case's expression built with the public API (throws the build-time errors). */
export function buildCase(c: Case): unknown {
  return build(c.expr, c.inputs.map(input));
}

/** Build the case's expression (errors here are build-time errors) and run it. */
export async function runCase(c: Case, mode: "compute" | "inspect" = "compute"): Promise<Outcome> {
  let proxy: unknown;
  try {
    proxy = buildCase(c);
  } catch (error) {
    return { ok: false, error, phase: "build" };
  }
  try {
    return { ok: true, value: await call(proxy, mode, []) };
  } catch (error) {
    return { ok: false, error, phase: "compute" };
  }
}
