/**
 * `Array.toImagery(properties?, bandinfo?)`: a 3-d (band, y, x) array as a collection of one image,
 * a 4-d (image, band, y, x) array as a collection. Properties: one object (given to every image)
 * or a list with one per image; bandinfo: one entry per band (an object keyed by band name, or a
 * list of {name, ...}); default names band_1…band_N. Anything else is a ProxyTypeError.
 */
import type { DTypeName } from "../core/dtype.js";
import { ProxyTypeError } from "../core/errors.js";
import { make } from "../graph/make.js";
import type { Node } from "../graph/node.js";
import { constNode } from "../proxy/operand.js";
import { newAxis } from "./axes.js";
import { ImageCollectionProxy } from "./collection.js";
import type { BandDescription, Properties } from "./results.js";

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function propertiesList(p: unknown, images: number): Properties[] {
  if (p === undefined || p === null) return Array.from({ length: Math.max(images, 0) }, () => ({}));
  if (isPlainObject(p)) return Array.from({ length: Math.max(images, 0) }, () => ({ ...(p as Properties) }));
  if (Array.isArray(p)) {
    if (images !== -1 && p.length !== images) throw new ProxyTypeError(`toImagery: properties is a list of ${p.length}, but the array holds ${images} image${images === 1 ? "" : "s"}`);
    p.forEach((x, i) => {
      if (!isPlainObject(x)) throw new ProxyTypeError(`toImagery: properties[${i}] must be an object, got ${x === null ? "null" : typeof x}`);
    });
    return p.map((x) => ({ ...(x as Properties) }));
  }
  throw new ProxyTypeError(`toImagery: properties must be an object or a list of objects, got ${typeof p}`);
}

function band(name: unknown, info: Record<string, unknown>, dtype: DTypeName, where: string): BandDescription {
  if (typeof name !== "string" || name === "") throw new ProxyTypeError(`toImagery: ${where} needs a non-empty band name`);
  const nodata = info["nodata"] ?? null;
  if (nodata !== null && typeof nodata !== "number") throw new ProxyTypeError(`toImagery: ${where}.nodata must be a number or null`);
  const range = info["dataRange"] ?? info["data_range"] ?? null;
  if (range !== null && !(Array.isArray(range) && range.length === 2 && range.every((v) => typeof v === "number"))) {
    throw new ProxyTypeError(`toImagery: ${where}.dataRange must be [low, high]`);
  }
  const description = info["description"] ?? "";
  if (typeof description !== "string") throw new ProxyTypeError(`toImagery: ${where}.description must be a string`);
  return { name, dtype, nodata, dataRange: range as [number, number] | null, description };
}

function bandList(b: unknown, count: number, dtype: DTypeName): BandDescription[] {
  if (b === undefined || b === null) {
    if (count === -1) throw new ProxyTypeError("toImagery: the number of bands is not known yet; pass bandinfo");
    return Array.from({ length: count }, (_, i) => band(`band_${i + 1}`, {}, dtype, "bandinfo"));
  }
  let out: BandDescription[];
  if (Array.isArray(b)) {
    out = b.map((x, i) => {
      if (!isPlainObject(x)) throw new ProxyTypeError(`toImagery: bandinfo[${i}] must be an object`);
      return band(x["name"], x, dtype, `bandinfo[${i}]`);
    });
  } else if (isPlainObject(b)) {
    out = Object.entries(b).map(([name, x]) => {
      if (!isPlainObject(x)) throw new ProxyTypeError(`toImagery: bandinfo.${name} must be an object`);
      return band(name, x, dtype, `bandinfo.${name}`);
    });
  } else {
    throw new ProxyTypeError(`toImagery: bandinfo must be an object keyed by band name or a list, got ${typeof b}`);
  }
  if (count !== -1 && out.length !== count) throw new ProxyTypeError(`toImagery: bandinfo names ${out.length} band${out.length === 1 ? "" : "s"}, but the band axis has ${count}`);
  const names = new Set(out.map((x) => x.name));
  if (names.size !== out.length) throw new ProxyTypeError("toImagery: band names must be unique");
  return out;
}

export function toImageryOf(node: Node, properties?: unknown, bandinfo?: unknown): ImageCollectionProxy {
  const nd = node.shape.length;
  if (node.kind !== "array" || (nd !== 3 && nd !== 4)) {
    throw new ProxyTypeError(`toImagery takes a 3-d (band, y, x) or 4-d (image, band, y, x) array, got ${nd} dimension${nd === 1 ? "" : "s"}`);
  }
  let n = node.masked ? node : make("make_masked", [node, constNode(false, "bool")], {});
  if (nd === 3) n = newAxis(n);
  const images = n.shape[0]!;
  const props = propertiesList(properties, images === -1 ? -1 : images);
  const bands = bandList(bandinfo, n.shape[1]!, n.dtype);
  return new ImageCollectionProxy(n, props, bands);
}

