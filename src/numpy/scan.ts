/** Cumulative sums and products along an axis (the `along` op's scan kernel), and their nan forms. */
import { ProxyTypeError } from "../core/errors.js";
import type { Node } from "../graph/node.js";
import { make } from "../graph/make.js";
import type { ArrayProxy } from "../proxy/array.js";
import { normalizeAxis } from "../proxy/axes.js";
import { castTo, checkOptions, dtypeOption, nodeOf, wrap, type ArrayLike } from "./args.js";
import { constOf, isFloatNode, uf } from "./nodes.js";
import { reshapeNode } from "./shape.js";
import { blockedScan } from "./blocked-scan.js";
import { chunksOf } from "../../scheduler/chunks.js";

/** Scans whose axis holds more than this many elements per line of other axes run in segments with carries. */
export const SEGMENT = 1 << 20;

function segmentOf(x: Node, axis: number): number {
  const c = chunksOf(x)[axis]!;
  return c < x.shape[axis]! && c >= 1024 ? c : SEGMENT;
}

/** Whole-axis tasks are fine unless one line of the scan alone is big. */
function longScan(x: Node, axis: number): boolean {
  return !x.shape.includes(-1) && x.shape[axis]! > SEGMENT;
}

export interface ScanOptions {
  axis?: number | null;
  dtype?: string;
}

function scan(fname: string, fn: "cumsum" | "cumprod", nanIdentity: number | null) {
  return (a: ArrayLike, opts: ScanOptions | number = {}): ArrayProxy => {
    const o = typeof opts === "number" ? { axis: opts } : opts;
    checkOptions(fname, o, ["axis", "dtype"]);
    let x: Node = nodeOf(a);
    const dt = dtypeOption(fname, o.dtype);
    if (dt !== undefined) x = castTo(x, dt);
    if (nanIdentity !== null && isFloatNode(x)) x = make("where", [uf("isnan", x), constOf(nanIdentity, x.dtype), x], {});
    if (o.axis === undefined || o.axis === null) x = reshapeNode(x, [-1]);
    if (x.shape.length === 0) throw new ProxyTypeError(`${fname}: axis 0 is out of bounds for array of dimension 0`);
    const axis = normalizeAxis(o.axis ?? 0, x.shape.length);
    let r = longScan(x, axis) ? blockedScan(x, axis, fn, segmentOf(x, axis)) : make("along", [x], { fn, axes: [axis] });
    if (dt !== undefined) r = castTo(r, dt);
    return wrap(r);
  };
}

export const cumsum = scan("cumsum", "cumsum", null);
export const cumprod = scan("cumprod", "cumprod", null);
export const nancumsum = scan("nancumsum", "cumsum", 0);
export const nancumprod = scan("nancumprod", "cumprod", 1);
