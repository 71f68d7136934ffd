/**
 * Imagery in graph documents: an Image or ImageCollection is its node plus, as the document's
 * `meta`, its properties and bands; a GeoContext is a value document holding its options.
 * Loading checks them, so a tampered document is refused naming the field.
 */
import { isDTypeName } from "../core/dtype.js";
import { GraphDocumentError, type GraphDocument } from "../graph/document.js";
import type { LoadedGraph, LoadedValue } from "../graph/deserialize.js";
import { saveGraph, saveValue } from "../graph/serialize.js";
import type { JSValue } from "../proxy/small.js";
import { decodeJs, encodeJs } from "../proxy/value-doc.js";
import { ImageCollectionProxy } from "./collection.js";
import { GeoContext, type GeoContextOptions } from "./geocontext.js";
import { ImageProxy } from "./image.js";
import type { BandDescription, Properties } from "./results.js";

const fail = (msg: string): never => {
  throw new GraphDocumentError(msg);
};

const isObject = (x: unknown): x is { readonly [k: string]: unknown } => typeof x === "object" && x !== null && !Array.isArray(x);

export function imageryDocument(p: ImageProxy | ImageCollectionProxy): GraphDocument {
  const meta = { properties: p.properties, bands: p.bands } as unknown as JSValue;
  return saveGraph(p.node, { proxy: p instanceof ImageProxy ? "Image" : "ImageCollection", meta: encodeJs(meta) });
}

function band(x: unknown, i: number): BandDescription {
  const where = `meta: band ${i}`;
  if (!isObject(x)) return fail(`${where} must be an object`);
  const { name, dtype, nodata, dataRange, description } = x;
  if (typeof name !== "string" || !isDTypeName(dtype) || typeof description !== "string") fail(`${where} needs a string name and description and a dtype`);
  if (nodata !== null && typeof nodata !== "number") fail(`${where}: nodata must be a number or null`);
  if (dataRange !== null && !(Array.isArray(dataRange) && dataRange.length === 2 && dataRange.every((v) => typeof v === "number"))) fail(`${where}: dataRange must be [min, max] or null`);
  return x as unknown as BandDescription;
}

/** The Image or ImageCollection a loaded graph document of that proxy stands for. */
export function imageryProxyOf(g: LoadedGraph): ImageProxy | ImageCollectionProxy {
  const image = g.result.proxy === "Image";
  const meta = g.meta === undefined ? fail(`an ${g.result.proxy} document needs its properties and bands (meta)`) : decodeJs(g.meta);
  if (!isObject(meta)) return fail("meta must be an object {properties, bands}");
  const bandAxis = image ? 0 : 1;
  if (g.root.kind !== "array" || !g.root.masked || g.root.shape.length !== (image ? 3 : 4)) {
    fail(`an ${g.result.proxy} is a masked ${image ? "(band, y, x)" : "(image, band, y, x)"} array, got shape (${g.root.shape.join(", ")})`);
  }
  const bands = Array.isArray(meta["bands"]) ? meta["bands"].map(band) : fail("meta.bands must be a list");
  if (bands.length !== g.root.shape[bandAxis]) fail(`meta.bands lists ${bands.length} bands for ${g.root.shape[bandAxis]}`);
  const props = meta["properties"];
  if (image) return isObject(props) ? new ImageProxy(g.root, props as Properties, bands) : fail("meta.properties of an Image must be an object");
  if (!Array.isArray(props) || props.length !== g.root.shape[0] || !props.every(isObject)) fail(`meta.properties of an ImageCollection must be one object per image (${g.root.shape[0]})`);
  return new ImageCollectionProxy(g.root, props as unknown as Properties[], bands);
}

export function geoContextDocument(g: GeoContext): GraphDocument {
  const options = g.toOptions() as unknown as JSValue;
  return saveValue([], () => ({ k: "lit", v: encodeJs(options) }), { proxy: "GeoContext", params: [] });
}

/** A GeoContext document: a literal of its options, checked by the GeoContext constructor. */
export function geoContextOf(v: LoadedValue): GeoContext {
  const w = v.value;
  if (!isObject(w) || w["k"] !== "lit" || Object.keys(w).length !== 2 || v.nodes.size > 0 || v.params.length > 0) return fail("a GeoContext document holds one literal of its options");
  try {
    return new GeoContext(decodeJs(w["v"] as never) as unknown as GeoContextOptions);
  } catch (e) {
    return fail(`GeoContext: ${(e as Error).message}`);
  }
}
