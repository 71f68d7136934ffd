/**
 * The structure of a graph document, checked field by field: anything a decoder produced goes in,
 * a well-formed `GraphDocument` comes out, or a `GraphDocumentError` naming the field.
 */
import { isDTypeName } from "../core/dtype.js";
import type { AttrValue, Attrs } from "./node.js";
import {
  GRAPH_FORMAT, GRAPH_VERSION, GraphDocumentError, MAX_ATTR_DEPTH, MAX_KEY_CHARS, MAX_NODES, MAX_PARAMS, MAX_VALUE_DEPTH,
  type DataRef, type DocNode, type DocParam, type GraphDocument, type ResultType, type ValueResultType,
} from "./document.js";

const fail = (msg: string, reason: "invalid" | "too_large" = "invalid"): never => {
  throw new GraphDocumentError(msg, reason);
};

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x) && !(x instanceof Uint8Array);
}

function record(x: unknown, what: string): Record<string, unknown> {
  if (!isRecord(x)) fail(`${what} must be an object`);
  return x as Record<string, unknown>;
}

function str(x: unknown, what: string, max = MAX_KEY_CHARS): string {
  if (typeof x !== "string") fail(`${what} must be a string`);
  if ((x as string).length > max) fail(`${what} is longer than ${max} characters`, "too_large");
  return x as string;
}

function list(x: unknown, what: string, max: number): unknown[] {
  if (!Array.isArray(x)) fail(`${what} must be a list`);
  if ((x as unknown[]).length > max) fail(`${what} has ${(x as unknown[]).length} entries, more than the limit of ${max}`, "too_large");
  return x as unknown[];
}

function onlyKeys(o: Record<string, unknown>, keys: readonly string[], what: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail(`${what}: unknown field '${k}'`);
}

/** Plain JSON data of bounded depth (attrs come from JSON.parse, so no other types reach here). */
function attrValue(x: unknown, depth: number, what: string, maxDepth = MAX_ATTR_DEPTH): AttrValue {
  if (depth > maxDepth) fail(`${what} is nested deeper than ${maxDepth} levels`);
  if (x === null || typeof x === "string" || typeof x === "boolean") return x as AttrValue;
  if (typeof x === "number") {
    if (!Number.isFinite(x)) fail(`${what} holds a non-finite number`);
    return x;
  }
  if (Array.isArray(x)) return x.map((v) => attrValue(v, depth + 1, what, maxDepth));
  if (isRecord(x) && (Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null)) {
    const out: Record<string, AttrValue> = {};
    for (const [k, v] of Object.entries(x)) {
      if (k === "__proto__") fail(`${what} holds the key __proto__`);
      out[k] = attrValue(v, depth + 1, what, maxDepth);
    }
    return out;
  }
  return fail(`${what} holds a value that is not JSON data`);
}

function dataRef(x: unknown, blobs: number, what: string): DataRef {
  const o = record(x, what);
  if ("inline" in o) {
    onlyKeys(o, ["inline"], what);
    if (!(o["inline"] instanceof Uint8Array)) fail(`${what}.inline must be binary`);
    return { inline: o["inline"] as Uint8Array };
  }
  onlyKeys(o, ["blob"], what);
  const b = o["blob"];
  if (typeof b !== "number" || !Number.isInteger(b) || b < 0 || b >= blobs) fail(`${what} refers to blob ${String(b)}, but the document has ${blobs} blobs`);
  return { blob: b as number };
}

function docNode(x: unknown, i: number, blobs: number): DocNode {
  const o = record(x, `node #${i}`);
  onlyKeys(o, ["key", "op", "args", "attrs", "data", "mask"], `node #${i}`);
  const key = str(o["key"], `node #${i}: key`);
  const where = `node ${key}`;
  const op = str(o["op"], `${where}: op`);
  const args = list(o["args"], `${where}: args`, MAX_NODES).map((a, j) => str(a, `${where}: argument ${j}`));
  const attrs = attrValue(o["attrs"] ?? {}, 0, `${where}: attrs`);
  if (!isRecord(attrs)) fail(`${where}: attrs must be an object`);
  const node: DocNode = { key, op, args, attrs: attrs as Attrs };
  return {
    ...node,
    ...(o["data"] === undefined ? {} : { data: dataRef(o["data"], blobs, `${where}: data`) }),
    ...(o["mask"] === undefined ? {} : { mask: dataRef(o["mask"], blobs, `${where}: mask`) }),
  };
}

function resultType(x: unknown): ResultType | ValueResultType {
  const o = record(x, "result");
  if (o["kind"] === "value") {
    onlyKeys(o, ["kind", "proxy"], "result");
    return { kind: "value", proxy: str(o["proxy"], "result.proxy") };
  }
  onlyKeys(o, ["kind", "shape", "dtype", "masked", "proxy"], "result");
  const kind = o["kind"];
  if (kind !== "array" && kind !== "scalar") fail(`result.kind must be "array", "scalar" or "value"`);
  const shape = list(o["shape"], "result.shape", 64).map((d) => {
    if (typeof d !== "number" || !Number.isInteger(d) || d < -1) fail(`result.shape must be a list of sizes`);
    return d as number;
  });
  if (!isDTypeName(o["dtype"])) fail(`result.dtype ${JSON.stringify(o["dtype"])} is not a dtype`);
  if (typeof o["masked"] !== "boolean") fail("result.masked must be a boolean");
  return { kind: kind as "array" | "scalar", shape, dtype: o["dtype"] as ResultType["dtype"], masked: o["masked"] as boolean, proxy: str(o["proxy"], "result.proxy") };
}

function docParam(x: unknown, i: number): DocParam {
  const o = record(x, `parameter #${i}`);
  onlyKeys(o, ["name", "type", "spec"], `parameter #${i}`);
  const name = str(o["name"], `parameter #${i}: name`);
  const type = str(o["type"], `parameter ${name}: type`);
  return o["spec"] === undefined ? { name, type } : { name, type, spec: str(o["spec"], `parameter ${name}: spec`, 4096) };
}

export function checkDocument(x: unknown): GraphDocument {
  const o = record(x, "graph document");
  if (o["format"] !== GRAPH_FORMAT) fail(`not a graph document: format is ${JSON.stringify(o["format"] ?? null)}, expected "${GRAPH_FORMAT}"`);
  if (o["version"] !== GRAPH_VERSION) fail(`unsupported graph document version ${JSON.stringify(o["version"] ?? null)}: this tesserae reads version ${GRAPH_VERSION}`);
  onlyKeys(o, ["format", "version", "root", "value", "meta", "result", "params", "nodes", "blobs"], "graph document");
  const blobs = list(o["blobs"] ?? [], "blobs", MAX_NODES).map((b, i) => {
    if (!(b instanceof Uint8Array)) fail(`blob #${i} must be binary`);
    return b as Uint8Array;
  });
  const nodes = list(o["nodes"], "nodes", MAX_NODES).map((n, i) => docNode(n, i, blobs.length));
  const result = resultType(o["result"]);
  const head = { format: GRAPH_FORMAT, version: GRAPH_VERSION, result, params: list(o["params"] ?? [], "params", MAX_PARAMS).map(docParam), nodes, blobs } as const;
  if (result.kind === "value") {
    if (o["root"] !== undefined || o["meta"] !== undefined) fail("a value document (result.kind \"value\") has no root and no meta");
    if (o["value"] === undefined) fail("a value document needs its value expression");
    return { ...head, value: attrValue(o["value"], 0, "value", MAX_VALUE_DEPTH) };
  }
  if (o["value"] !== undefined) fail(`a graph document (result.kind "${result.kind}") holds no value expression`);
  if (nodes.length === 0) fail("graph document has no nodes");
  const meta = o["meta"] === undefined ? {} : { meta: attrValue(o["meta"], 0, "meta", MAX_VALUE_DEPTH) };
  return { ...head, ...meta, root: str(o["root"], "root") };
}
