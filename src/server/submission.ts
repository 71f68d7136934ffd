/**
 * A job or inspect request body, checked: the graph (loaded, validated, confined to the roots), the
 * arguments (arrays and graphs decoded), the format and the other options. Everything wrong is a 4xx.
 */
import { ProxyTypeError } from "../core/errors.js";
import { decodeResult, resolveFormat, type FormatSpec } from "../formats/index.js";
import { decodeDocument, decodeDocumentValue } from "../graph/document-codec.js";
import { loadGraph, type LoadedGraph } from "../graph/deserialize.js";
import { GraphDocumentError } from "../graph/document.js";
import type { Node } from "../graph/node.js";
import { HttpError } from "./http-error.js";
import type { Roots } from "./paths.js";
import { applyPolicy, confineDestination } from "./policy.js";

export interface Limits {
  readonly roots: Roots;
  readonly maxNodeBytes: number;
}

export interface Submission {
  readonly graph: LoadedGraph;
  readonly root: Node;
  readonly arguments: Record<string, unknown>;
  readonly format: FormatSpec;
  readonly options: Record<string, unknown>;
}

const OPTIONS = ["cache", "numRetries", "timeout", "geoctx"] as const;
const FIELDS = new Set(["graph", "arguments", "format", "destination", ...OPTIONS]);

function record(x: unknown, what: string): Record<string, unknown> {
  if (typeof x !== "object" || x === null || Array.isArray(x) || x instanceof Uint8Array) throw new HttpError(400, `${what} must be an object`);
  return x as Record<string, unknown>;
}

/** A graph document inside a request: MessagePack bytes, JSON text, or (in a JSON body) the JSON form itself. */
export function loadRequestGraph(g: unknown, form: "msgpack" | "json", limits: Limits): { graph: LoadedGraph; root: Node } {
  if (g === undefined) throw new HttpError(400, "the request has no graph");
  try {
    const doc = g instanceof Uint8Array || typeof g === "string" ? decodeDocument(g) : decodeDocumentValue(g, form);
    const graph = loadGraph(doc);
    return { graph, root: applyPolicy(graph.root, limits.roots, limits.maxNodeBytes) };
  } catch (e) {
    if (e instanceof GraphDocumentError) throw new HttpError(e.reason === "too_large" ? 413 : 400, e.message, "GraphDocumentError");
    throw e;
  }
}

function decodeArgument(name: string, v: unknown, form: "msgpack" | "json", limits: Limits): unknown {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
  const o = v as Record<string, unknown>;
  if ("$array" in o) {
    if (!(o["$array"] instanceof Uint8Array)) throw new HttpError(400, `argument '${name}': $array must be binary`);
    try {
      return decodeResult(o["$array"], { type: "msgpack" });
    } catch (e) {
      throw new HttpError(400, `argument '${name}': ${(e as Error).message}`);
    }
  }
  if ("$graph" in o) return { node: loadRequestGraph(o["$graph"], form, limits).root };
  throw new HttpError(400, `argument '${name}' is an object; send arrays as nested lists or {$array}, proxies as {$graph}`);
}

function parseFormat(f: unknown): FormatSpec {
  try {
    return resolveFormat(f as never);
  } catch (e) {
    if (e instanceof ProxyTypeError) throw new HttpError(400, e.message, "ProxyTypeError");
    throw e;
  }
}

export function parseSubmission(value: unknown, form: "msgpack" | "json", limits: Limits): Submission {
  const body = record(value, "the request body");
  for (const k of Object.keys(body)) if (!FIELDS.has(k)) throw new HttpError(400, `unknown field '${k}'; fields: ${[...FIELDS].join(", ")}`);
  const { graph, root } = loadRequestGraph(body["graph"], form, limits);
  const rawArgs = body["arguments"] === undefined ? {} : record(body["arguments"], "arguments");
  const args: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rawArgs)) args[k] = decodeArgument(k, v, form, limits);
  const options: Record<string, unknown> = {};
  for (const k of OPTIONS) if (body[k] !== undefined) options[k] = body[k];
  const destination = confineDestination(body["destination"], limits.roots);
  if (destination !== undefined) options["destination"] = destination;
  // a destination other than download answers with what it wrote, and picks its own default format
  const elsewhere = destination !== undefined && (destination as { type?: unknown }).type !== "download";
  let format = parseFormat(body["format"] ?? (elsewhere ? "native" : "msgpack"));
  if (format.type === "native" && !elsewhere) format = { type: "msgpack" };
  if (!elsewhere || body["format"] !== undefined) options["format"] = format;
  return { graph, root, arguments: args, format, options };
}
