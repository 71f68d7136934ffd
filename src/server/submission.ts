/**
 * A job or inspect request body, checked: the graph (loaded, validated, confined to the roots), the
 * arguments (arrays and graphs decoded), the format and the other options. Everything wrong is a 4xx.
 */
import { ProxyTypeError } from "../core/errors.js";
import { decodeResult, resolveFormat, type FormatSpec } from "../formats/index.js";
import { decodeDocument, decodeDocumentValue, encodeDocument } from "../graph/document-codec.js";
import { loadGraph, loadValue, type LoadedGraph } from "../graph/deserialize.js";
import { GraphDocumentError, type GraphDocument } from "../graph/document.js";
import { saveGraph } from "../graph/serialize.js";
import { proxyOf } from "../registry/proxy-of.js";
import { documentOf, type Publishable } from "../registry/publish.js";
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

/** A document inside a request: MessagePack bytes, JSON text, or (in a JSON body) the JSON form itself. */
function requestDocument(g: unknown, form: "msgpack" | "json"): GraphDocument {
  if (g === undefined) throw new HttpError(400, "the request has no graph");
  return g instanceof Uint8Array || typeof g === "string" ? decodeDocument(g) : decodeDocumentValue(g, form);
}

/** A document's errors as HTTP answers: 413 for what is too large, 400 for the rest. */
function answering<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof GraphDocumentError) throw new HttpError(e.reason === "too_large" ? 413 : 400, e.message, "GraphDocumentError");
    throw e;
  }
}

/** The graph of a request, loaded, validated and confined to the roots. */
export function loadRequestGraph(g: unknown, form: "msgpack" | "json", limits: Limits): { graph: LoadedGraph; root: Node } {
  return answering(() => {
    const graph = loadGraph(requestDocument(g, form));
    return { graph, root: applyPolicy(graph.root, limits.roots, limits.maxNodeBytes) };
  });
}

/**
 * A document to publish, checked like a job's graph (a small value's too: its nodes are confined
 * like a graph's), in the form the registry stores.
 */
export function publishedDocument(g: unknown, form: "msgpack" | "json", limits: Limits): Uint8Array {
  return answering(() => {
    const doc = requestDocument(g, form);
    if (doc.result.kind === "value") {
      const loaded = loadValue(doc);
      const proxy = proxyOf(loaded) as Publishable;
      for (const n of loaded.nodes.values()) applyPolicy(n, limits.roots, limits.maxNodeBytes);
      return documentOf(proxy);
    }
    const graph = loadGraph(doc);
    proxyOf(graph); // checks what the proxy holds besides its node (an Image's bands, say)
    const root = applyPolicy(graph.root, limits.roots, limits.maxNodeBytes);
    return encodeDocument(saveGraph(root, { params: graph.params, proxy: graph.result.proxy, ...(graph.meta === undefined ? {} : { meta: graph.meta }) }));
  });
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
