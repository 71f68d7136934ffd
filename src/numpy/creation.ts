/** Array creation: arange, linspace, zeros/ones/full/empty and their `*_like` forms, eye, identity. */
import { DTYPES, allocate, type DTypeName } from "../core/dtype.js";
import { ProxyTypeError } from "../core/errors.js";
import type { Node } from "../graph/node.js";
import { make } from "../graph/make.js";
import type { ArrayProxy } from "../proxy/array.js";
import { literalNode } from "../proxy/literal.js";
import { castTo, checkOptions, dtypeOption, nodeOf, wrap, type ArrayLike } from "./args.js";
import { broadcastTo, constOf, ramp, uf } from "./nodes.js";

const proxy = (n: Node): ArrayProxy => wrap<ArrayProxy>(n);

type Shape = number | number[];

function shapeArg(fname: string, s: Shape): number[] {
  const shape = typeof s === "number" ? [s] : [...s];
  if (shape.some((d) => !Number.isInteger(d))) throw new ProxyTypeError(`${fname}: shape must be integers, got ${JSON.stringify(s)}`);
  if (shape.some((d) => d < 0)) throw new ProxyTypeError("negative dimensions are not allowed");
  return shape;
}

function valueDType(v: number | boolean | bigint): DTypeName {
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return "int64";
  return Number.isInteger(v) ? "int64" : "float64";
}

function coerce(v: number | boolean | bigint, d: DTypeName): number | boolean | bigint {
  const k = DTYPES[d].kind;
  if (k === "b") return typeof v === "boolean" ? v : Number(v) !== 0;
  if (k === "f") return Number(v);
  const x = typeof v === "boolean" ? (v ? 1 : 0) : typeof v === "bigint" ? v : Math.trunc(v);
  return DTYPES[d].big ? BigInt(x) : Number(x);
}

/** A constant broadcast over a shape: no memory until a kernel writes the result. */
export function filledNode(shape: readonly number[], v: number | boolean | bigint, d: DTypeName): Node {
  // always a broadcast node: a bare constant would be a Scalar, and zeros(()) is a 0-d Array
  return make("broadcast", [constOf(coerce(v, d), d)], { shape: [...shape] });
}

export interface DTypeOpt {
  dtype?: string;
}

export function zeros(shape: Shape, opts: DTypeOpt = {}): ArrayProxy {
  checkOptions("zeros", opts, ["dtype"]);
  return proxy(filledNode(shapeArg("zeros", shape), 0, dtypeOption("zeros", opts.dtype) ?? "float64"));
}
export function ones(shape: Shape, opts: DTypeOpt = {}): ArrayProxy {
  checkOptions("ones", opts, ["dtype"]);
  return proxy(filledNode(shapeArg("ones", shape), 1, dtypeOption("ones", opts.dtype) ?? "float64"));
}
export const empty = zeros;

export function full(shape: Shape, fillValue: number | boolean | bigint, opts: DTypeOpt = {}): ArrayProxy {
  checkOptions("full", opts, ["dtype"]);
  return proxy(filledNode(shapeArg("full", shape), fillValue, dtypeOption("full", opts.dtype) ?? valueDType(fillValue)));
}

export interface LikeOptions extends DTypeOpt {
  shape?: Shape;
}

/** `*_like`: the prototype's shape and dtype; a masked prototype's mask is kept, as NumPy keeps it. */
function like(fname: string, a: ArrayLike, v: number | boolean | bigint, opts: LikeOptions): ArrayProxy {
  checkOptions(fname, opts, ["dtype", "shape"]);
  const n = nodeOf(a);
  const d = dtypeOption(fname, opts.dtype) ?? n.dtype;
  const shape = opts.shape === undefined ? n.shape : shapeArg(fname, opts.shape);
  const out = filledNode(shape, v, d);
  if (n.masked && opts.shape === undefined) return proxy(make("make_masked", [out, make("getmask", [n], {})], {}));
  return proxy(out);
}
export const zeros_like = (a: ArrayLike, opts: LikeOptions = {}): ArrayProxy => like("zeros_like", a, 0, opts);
export const ones_like = (a: ArrayLike, opts: LikeOptions = {}): ArrayProxy => like("ones_like", a, 1, opts);
export const empty_like = (a: ArrayLike, opts: LikeOptions = {}): ArrayProxy => like("empty_like", a, 0, opts);
export const full_like = (a: ArrayLike, fillValue: number | boolean | bigint, opts: LikeOptions = {}): ArrayProxy =>
  like("full_like", a, fillValue, opts);

function literal1d(values: readonly number[], d: DTypeName): Node {
  const data = allocate(d, values.length, true);
  values.forEach((v, i) => (data[i] = coerce(v, d) as never));
  return literalNode(data, [values.length], d);
}

/** arange([start,] stop[, step], {dtype}): NumPy fills start + i * ((start + step) - start). */
export function arange(...args: (number | DTypeOpt | undefined)[]): ArrayProxy {
  const last = args[args.length - 1];
  const opts: DTypeOpt = typeof last === "object" ? (args.pop() as DTypeOpt) : {};
  checkOptions("arange", opts, ["dtype"]);
  const nums = args.filter((x): x is number => x !== undefined);
  if (nums.length === 0 || nums.length > 3) throw new ProxyTypeError("arange() requires stop to be specified.");
  const [start, stop, step] = nums.length === 1 ? [0, nums[0]!, 1] : [nums[0]!, nums[1]!, nums[2] ?? 1];
  if (step === 0) throw new ProxyTypeError("Maximum allowed size exceeded");
  const isInt = [start, stop, step].every((v) => Number.isInteger(v));
  const d = dtypeOption("arange", opts.dtype) ?? (isInt ? "int64" : "float64");
  const len = Math.max(0, Math.ceil((stop - start) / step));
  const delta = isInt ? step : start + step - start;
  const values = Array.from({ length: len }, (_, i) => start + i * delta);
  return proxy(literal1d(values, d));
}

export interface LinspaceOptions extends DTypeOpt {
  endpoint?: boolean;
  retstep?: boolean;
}

export function linspace(start: number, stop: number, num: number | LinspaceOptions = 50, opts: LinspaceOptions = {}): ArrayProxy | [ArrayProxy, number] {
  const o = typeof num === "object" ? num : opts;
  const n = typeof num === "number" ? num : 50;
  checkOptions("linspace", o, ["dtype", "endpoint", "retstep"]);
  if (!Number.isInteger(n) || n < 0) throw new ProxyTypeError(`Number of samples, ${n}, must be non-negative.`);
  const endpoint = o.endpoint ?? true;
  const div = endpoint ? n - 1 : n;
  const delta = stop - start;
  const step = div > 0 ? delta / div : NaN;
  const values = Array.from({ length: n }, (_, i) => {
    if (div <= 0) return i * delta + start;
    return step === 0 ? (i / div) * delta + start : i * step + start;
  });
  if (endpoint && n > 1) values[n - 1] = stop;
  const d = dtypeOption("linspace", o.dtype) ?? "float64";
  const out = DTYPES[d].kind === "f" ? literal1d(values, d) : literal1d(values.map(Math.floor), d);
  return o.retstep === true ? [proxy(out), step] : proxy(out);
}

export interface EyeOptions extends DTypeOpt {
  k?: number;
  M?: number | null;
}

/** Ones on the k-th diagonal, as a fused comparison of two ramps (no literal of N × M). */
export function eye(N: number, M?: number | null | EyeOptions, opts: EyeOptions = {}): ArrayProxy {
  const o = typeof M === "object" && M !== null ? M : opts;
  checkOptions("eye", o, ["dtype", "k", "M"]);
  const cols = typeof M === "number" ? M : o.M ?? N;
  const k = o.k ?? 0;
  shapeArg("eye", [N, cols]);
  const d = dtypeOption("eye", o.dtype) ?? "float64";
  const hit = uf("eq", uf("add", ramp(N, 0, 2), k), ramp(cols, 1, 2));
  return proxy(castTo(broadcastTo(hit, [N, cols]), d));
}

export function identity(n: number, opts: DTypeOpt = {}): ArrayProxy {
  return eye(n, null, opts);
}

export function tri(N: number, M?: number | null, opts: EyeOptions = {}): ArrayProxy {
  const cols = M ?? N;
  const hit = uf("ge", uf("add", ramp(N, 0, 2), opts.k ?? 0), ramp(cols, 1, 2));
  return proxy(castTo(broadcastTo(hit, [N, cols]), dtypeOption("tri", opts.dtype) ?? "float64"));
}
