/**
 * `wf.ImageCollection`: images of one product (or an array made imagery), as a MaskedArray
 * (image, band, y, x) with one properties object per image and bandinfo keyed by band name.
 */
import { ProxyTypeError } from "../core/errors.js";
import type { Node } from "../graph/node.js";
import { slice } from "../graph/index-parse.js";
import { buildGet } from "../proxy/indexing.js";
import type { MaskedArrayProxy } from "../proxy/masked.js";
import { wrapNode } from "../proxy/wrap.js";
import type { ComputeOptions, InspectOptions } from "../compute/run.js";
import type { Resampler } from "../../workers/readers/geotiff/params.js";
import { axisSet, newAxis, reduceNode, type AxisArg, type Reducer } from "./axes.js";
import { bandIndices, oneBand, retyped } from "./bands.js";
import { getProduct, imagesBetween } from "./catalog/lookup.js";
import type { CatalogImage, Product } from "./catalog/types.js";
import { ImageProxy } from "./image.js";
import { bandInfoMap, ImageCollectionResult, type BandDescription, type BandInfoMap, type Properties } from "./results.js";
import { computeImagery } from "./run.js";
import { checkResampler, imagerySource, type Selection } from "./source.js";
import { ImageryValues } from "./values.js";

export interface CollectionOptions {
  startDatetime?: string | Date;
  endDatetime?: string | Date;
  limit?: number;
  resampler?: Resampler;
}


export function imageProperties(product: Product, image: CatalogImage): Properties {
  return { ...image.properties, id: `${product.id}:${image.id}`, product: product.id, date: image.date };
}

export class ImageCollectionProxy {
  constructor(
    /** (image, band, y, x), masked. */
    readonly node: Node,
    readonly properties: readonly Properties[],
    readonly bands: readonly BandDescription[],
    /** Set when the collection reads the catalog directly: picking bands then reads fewer. */
    private readonly selection?: Selection,
  ) {}

  static fromId(productId: string, o: CollectionOptions = {}): ImageCollectionProxy {
    const { product, dir } = getProduct(productId);
    const images = imagesBetween(product, o.startDatetime, o.endDatetime, o.limit);
    const sel: Selection = { dir, images, bandIndex: product.bands.map((_, i) => i), bands: product.bands, resampler: checkResampler(o.resampler) };
    return new ImageCollectionProxy(imagerySource(sel), images.map((i) => imageProperties(product, i)), product.bands, sel);
  }

  get ndarray(): MaskedArrayProxy {
    return wrapNode(this.node);
  }
  get bandinfo(): BandInfoMap {
    return bandInfoMap(this.bands);
  }
  /** Number of images. */
  get length(): number {
    return this.node.shape[0]!;
  }
  get literalValue(): undefined {
    return undefined;
  }
  get params(): string[] {
    return [];
  }

  pickBands(names: string | readonly string[]): ImageCollectionProxy {
    const idx = bandIndices(names, this.bands);
    const bands = idx.map((i) => this.bands[i]!);
    if (this.selection !== undefined) {
      const sel: Selection = { ...this.selection, bandIndex: idx.map((i) => this.selection!.bandIndex[i]!), bands };
      return new ImageCollectionProxy(imagerySource(sel), this.properties, bands, sel);
    }
    return new ImageCollectionProxy(buildGet(this.node, [slice(), idx]), this.properties, bands);
  }

  /** Reduce over "images", "bands" and/or "pixels" (all three when no axis is given). */
  reduce(fn: Reducer, axis?: AxisArg): ImageCollectionProxy | ImageProxy | ImageryValues | ReturnType<typeof wrapNode> {
    const set = axisSet(axis, ["images", "bands", "pixels"]);
    const I = set.has("images"), B = set.has("bands"), P = set.has("pixels");
    if (I && B && P) return wrapNode(reduceNode(this.node, fn, [0, 1, 2, 3], false, true));
    if (P) {
      const n = reduceNode(this.node, fn, [...(I ? [0] : []), ...(B ? [1] : []), 2, 3], false);
      return new ImageryValues(n, I ? "band" : B ? "image" : "image-band", this.bands.map((b) => b.name));
    }
    if (I && B) {
      const n = newAxis(reduceNode(this.node, fn, [0, 1], false));
      return new ImageProxy(n, {}, [oneBand(fn, n.dtype, `${fn} over images and bands`)]);
    }
    if (I) {
      const n = reduceNode(this.node, fn, [0], false);
      return new ImageProxy(n, {}, retyped(this.bands, n.dtype));
    }
    const n = reduceNode(this.node, fn, [1], true);
    return new ImageCollectionProxy(n, this.properties, [oneBand(fn, n.dtype, `${fn} over bands`)]);
  }

  min(axis?: AxisArg) { return this.reduce("min", axis); }
  max(axis?: AxisArg) { return this.reduce("max", axis); }
  mean(axis?: AxisArg) { return this.reduce("mean", axis); }
  median(axis?: AxisArg) { return this.reduce("median", axis); }
  sum(axis?: AxisArg) { return this.reduce("sum", axis); }
  std(axis?: AxisArg) { return this.reduce("std", axis); }
  count(axis?: AxisArg) { return this.reduce("count", axis); }

  private wrap = (a: ImageCollectionResult["ndarray"], geo: ImageCollectionResult["geocontext"]): ImageCollectionResult =>
    new ImageCollectionResult(a, this.properties, bandInfoMap(retyped(this.bands, a.dtype)), geo);

  compute(opts: ComputeOptions = {}): Promise<unknown> {
    return computeImagery(this.node, opts, "compute", this.wrap);
  }
  inspect(opts: InspectOptions = {}): Promise<unknown> {
    return computeImagery(this.node, opts, "inspect", this.wrap);
  }

  toString(): string {
    return `ImageCollection(${this.length} images, bands ${this.bands.map((b) => b.name).join(", ")})`;
  }
}
