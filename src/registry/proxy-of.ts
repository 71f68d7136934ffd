/** The proxy a loaded document stands for: a Function when it has parameters. */
import { decodeDocument } from "../graph/document-codec.js";
import { GraphDocumentError } from "../graph/document.js";
import { loadGraph, loadValue, type LoadedGraph, type LoadedValue } from "../graph/deserialize.js";
import { geoContextOf, imageryProxyOf } from "../imagery/publish-doc.js";
import { FunctionProxy } from "../params/function.js";
import { valueProxyOf } from "../proxy/value-doc.js";
import { wrapNode } from "../proxy/wrap.js";

export type Loaded = LoadedGraph | LoadedValue;

/** A graph or a value document, checked and rebuilt. */
export function loadAny(bytes: Uint8Array | string): Loaded {
  const doc = decodeDocument(bytes);
  return doc.result.kind === "value" ? loadValue(doc) : loadGraph(doc);
}

/** Array proxies rebuilt from their node alone. */
const NODE_PROXIES = new Set(["Array", "MaskedArray", "Scalar"]);

function objectOf(g: Loaded): unknown {
  if (!("root" in g)) return g.result.proxy === "GeoContext" ? geoContextOf(g) : valueProxyOf(g);
  if (g.result.proxy === "Image" || g.result.proxy === "ImageCollection") return imageryProxyOf(g);
  if (!NODE_PROXIES.has(g.result.proxy)) throw new GraphDocumentError(`unknown proxy ${JSON.stringify(g.result.proxy)} for an array graph`);
  return wrapNode(g.root);
}

/** The proxy a document stands for; what it holds besides its nodes is checked here. */
export function proxyOf(g: Loaded): unknown {
  const obj = objectOf(g);
  return g.params.length > 0 ? FunctionProxy.fromObject(obj) : obj;
}
