/**
 * What each op's attributes must hold, checked before a loaded node is built: type inference trusts
 * attributes that the proxies made, a document may hold anything. Ops without an entry here take
 * any JSON attributes (inference still checks what it reads).
 */
import { isDTypeName } from "../core/dtype.js";
import type { AttrValue, Attrs, Node } from "./node.js";
import { REDUCE_FNS, type OpName, type ReduceFn } from "./ops.js";
import { UFUNCS, isUfuncName } from "./ufuncs.js";
import { CHECK_ERRORS, isCheckName } from "./checks.js";
import { SEARCH_MODES, isSearchMode } from "./search.js";
import { READERS } from "../../workers/readers/index.js";
import { GraphDocumentError } from "./document.js";

/** The largest element count a document may declare for one array (2^48: far past any memory). */
const MAX_ELEMENTS = 2 ** 48;
const MAX_DIMS = 32;

type Check = (attrs: Attrs, args: readonly Node[], where: string) => void;

const bad = (where: string, msg: string): never => {
  throw new GraphDocumentError(`${where}: ${msg}`);
};

function int(v: AttrValue | undefined, where: string, name: string, lo = -Number.MAX_SAFE_INTEGER, hi = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < lo || v > hi) bad(where, `attribute '${name}' must be an integer in [${lo}, ${hi}], got ${JSON.stringify(v ?? null)}`);
  return v as number;
}

function ints(v: AttrValue | undefined, where: string, name: string, lo?: number, hi?: number): number[] {
  if (!Array.isArray(v) || v.length > MAX_DIMS) bad(where, `attribute '${name}' must be a list of at most ${MAX_DIMS} integers`);
  return (v as AttrValue[]).map((x) => int(x, where, name, lo, hi));
}

function bool(v: AttrValue | undefined, where: string, name: string, optional = true): void {
  if (v === undefined && optional) return;
  if (typeof v !== "boolean") bad(where, `attribute '${name}' must be a boolean`);
}

function dtype(v: AttrValue | undefined, where: string): void {
  if (!isDTypeName(v)) bad(where, `data type ${JSON.stringify(v ?? null)} not understood`);
}

/** A shape: sizes, -1 for one that data decides when `unknownOk`, and a bounded element count. */
function shape(v: AttrValue | undefined, where: string, name: string, unknownOk: boolean): number[] {
  const dims = ints(v, where, name, unknownOk ? -1 : 0, MAX_ELEMENTS);
  const total = dims.reduce((a, d) => a * Math.max(d, 1), 1);
  if (total > MAX_ELEMENTS) throw new GraphDocumentError(`${where}: shape (${dims.join(", ")}) has more than 2^48 elements`, "too_large");
  return dims;
}

function chunks(v: AttrValue | undefined, dims: readonly number[], where: string): void {
  const c = ints(v, where, "chunks", 1, MAX_ELEMENTS);
  if (c.length !== dims.length) bad(where, `attribute 'chunks' gives ${c.length} sizes for ${dims.length} axes`);
}

function axes(v: AttrValue | undefined, ndim: number, where: string, name: string): number[] {
  const a = ints(v, where, name, 0, Math.max(ndim - 1, 0));
  if (ndim === 0 && a.length > 0) bad(where, `attribute '${name}' names axes of a 0-d array`);
  if (new Set(a).size !== a.length) bad(where, `attribute '${name}' repeats an axis`);
  return a;
}

const PARAM_TYPES: readonly string[] = ["Int", "Float", "Bool", "Str", "Array", "MaskedArray", "Scalar"];

const CONST_STRING = /^(nan|inf|-inf|-?\d{1,40})$/;

function viewItem(it: AttrValue, where: string): void {
  if (!Array.isArray(it) || it.length === 0) return bad(where, "a view item must be a non-empty list");
  const [k, ...rest] = it as AttrValue[];
  if (k === "n" && rest.length === 0) return;
  if (k === "i" && rest.length === 1) {
    int(rest[0], where, "items");
    return;
  }
  if (k === "s" && rest.length === 3) {
    for (const x of rest) if (x !== null) int(x, where, "items");
    if (rest[2] === 0) bad(where, "slice step cannot be zero");
    return;
  }
  bad(where, `bad view item ${JSON.stringify(it)}`);
}

const ndimOf = (args: readonly Node[], i = 0): number => args[i]?.shape.length ?? 0;

const CHECKS: Partial<Record<OpName, Check>> = {
  literal: (a, _, w) => {
    const dims = shape(a["shape"], w, "shape", false);
    dtype(a["dtype"], w);
    bool(a["masked"], w, "masked", false);
    chunks(a["chunks"], dims, w);
    if (typeof a["token"] !== "string") bad(w, "attribute 'token' must be a string");
  },
  source: (a, _, w) => {
    const reader = a["reader"];
    if (typeof reader !== "string" || !Object.prototype.hasOwnProperty.call(READERS, reader)) {
      bad(w, `unknown source reader ${JSON.stringify(reader ?? null)}; known readers: ${Object.keys(READERS).join(", ")}`);
    }
    const p = a["params"];
    if (typeof p !== "object" || p === null || Array.isArray(p)) bad(w, "attribute 'params' must be an object");
    const dims = shape(a["shape"], w, "shape", true);
    dtype(a["dtype"], w);
    bool(a["masked"], w, "masked", false);
    chunks(a["chunks"], dims, w);
  },
  param: (a, _, w) => {
    if (typeof a["name"] !== "string" || !/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(a["name"])) bad(w, `parameter name ${JSON.stringify(a["name"] ?? null)} is not an identifier`);
    if (typeof a["type"] !== "string" || !PARAM_TYPES.includes(a["type"])) bad(w, `parameter type ${JSON.stringify(a["type"] ?? null)} is not one of ${PARAM_TYPES.join(", ")}`);
    if (a["kind"] !== "array" && a["kind"] !== "scalar") bad(w, `attribute 'kind' must be "array" or "scalar"`);
    shape(a["shape"], w, "shape", true);
    dtype(a["dtype"], w);
    bool(a["masked"], w, "masked");
  },
  const: (a, _, w) => {
    dtype(a["dtype"], w);
    const v = a["value"];
    const ok = typeof v === "boolean" || typeof v === "number" || (typeof v === "string" && CONST_STRING.test(v));
    if (!ok) bad(w, `constant ${JSON.stringify(v ?? null)} is not a number`);
  },
  map: (a, args, w) => {
    const fn = a["fn"];
    if (typeof fn !== "string" || !isUfuncName(fn)) return bad(w, `unknown function ${JSON.stringify(fn ?? null)}`);
    if (args.length !== UFUNCS[fn].arity) bad(w, `function '${fn}' takes ${UFUNCS[fn].arity} arguments, got ${args.length}`);
  },
  cast: (a, _, w) => dtype(a["dtype"], w),
  check: (a, _, w) => {
    if (!isCheckName(a["error"])) bad(w, `unknown check ${JSON.stringify(a["error"] ?? null)}; known checks: ${Object.keys(CHECK_ERRORS).join(", ")}`);
  },
  view: (a, _, w) => {
    const items = a["items"];
    if (!Array.isArray(items) || items.length > MAX_DIMS * 2) return bad(w, "attribute 'items' must be a list of view items");
    for (const it of items as AttrValue[]) viewItem(it, w);
  },
  broadcast: (a, _, w) => void shape(a["shape"], w, "shape", true),
  transpose: (a, args, w) => void axes(a["axes"], ndimOf(args), w, "axes"),
  reshape: (a, _, w) => void shape(a["shape"], w, "shape", true),
  reduce: (a, args, w) => {
    if (!REDUCE_FNS.includes(a["fn"] as ReduceFn)) bad(w, `unknown reduction ${JSON.stringify(a["fn"] ?? null)}`);
    const ax = axes(a["axes"], ndimOf(args), w, "axes");
    bool(a["keepdims"], w, "keepdims");
    bool(a["scalar"], w, "scalar");
    if (a["scalar"] === true && (ax.length !== ndimOf(args) || a["keepdims"] === true)) bad(w, "a scalar reduction must reduce every axis");
    const ddof = a["ddof"];
    if (ddof !== undefined && !(typeof ddof === "number" && ddof >= 0)) bad(w, "attribute 'ddof' must be a non-negative number");
  },
  take: (a, args, w) => {
    const ax = axes(a["axes"], ndimOf(args), w, "axes");
    int(a["at"], w, "at", 0, Math.max(ndimOf(args) - ax.length, 0));
  },
  select: (a, args, w) => {
    if (a["axis"] !== undefined && a["axis"] !== null) int(a["axis"], w, "axis", 0, Math.max(ndimOf(args) - 1, 0));
  },
  search: (a, _, w) => {
    if (!isSearchMode(a["mode"])) bad(w, `unknown search mode ${JSON.stringify(a["mode"] ?? null)}; known modes: ${SEARCH_MODES.join(", ")}`);
  },
  concat: (a, args, w) => void int(a["axis"], w, "axis", 0, Math.max(ndimOf(args) - 1, 0)),
};

/** Refuse attributes an op cannot take (`where` names the node in the message). */
export function checkAttrs(op: OpName, attrs: Attrs, args: readonly Node[], where: string): void {
  CHECKS[op]?.(attrs, args, where);
}
