/** The proxy a loaded document stands for: a Function when it has parameters. */
import { decodeDocument } from "../graph/document-codec.js";
import { loadGraph, loadValue, type LoadedGraph, type LoadedValue } from "../graph/deserialize.js";
import { FunctionProxy } from "../params/function.js";
import { valueProxyOf } from "../proxy/value-doc.js";
import { wrapNode } from "../proxy/wrap.js";

export type Loaded = LoadedGraph | LoadedValue;

/** A graph or a value document, checked and rebuilt. */
export function loadAny(bytes: Uint8Array | string): Loaded {
  const doc = decodeDocument(bytes);
  return doc.result.kind === "value" ? loadValue(doc) : loadGraph(doc);
}

export function proxyOf(g: Loaded): unknown {
  const obj = "root" in g ? wrapNode(g.root) : valueProxyOf(g);
  return g.params.length > 0 ? FunctionProxy.fromObject(obj) : obj;
}
