/**
 * `wf.ImageCollection`: images of one product (or an array made imagery), as a MaskedArray
 * (image, band, y, x) with one properties object per image and bandinfo keyed by band name.
 */
import { ProxyTypeError } from "../core/errors.js";
import type { Node } from "../graph/node.js";
import { slice } from "../graph/index-parse.js";
import { buildGet } from "../proxy/indexing.js";
import { wrapNode } from "../proxy/wrap.js";
import type { Resampler } from "../../workers/readers/geotiff/params.js";
import { axisSet, newAxis, reduceNode, type AxisArg, type Reducer } from "./axes.js";
import { bandIndices, oneBand, retyped } from "./bands.js";
import { getProduct, imagesBetween } from "./catalog/lookup.js";
import type { CatalogImage, Product } from "./catalog/types.js";
import { ImageProxy } from "./image.js";
import { ImageryProxy } from "./proxy-base.js";
import { bandInfoMap, ImageCollectionResult, type BandDescription, type Properties } from "./results.js";
import type { Wrap } from "./run.js";
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

export class ImageCollectionProxy extends ImageryProxy<ImageCollectionProxy | ImageProxy | ImageryValues | ReturnType<typeof wrapNode>> {
  constructor(
    /** (image, band, y, x), masked. */
    node: Node,
    readonly properties: readonly Properties[],
    bands: readonly BandDescription[],
    /** Set when the collection reads the catalog directly: picking bands then reads fewer. */
    private readonly selection?: Selection,
  ) {
    super(node, bands);
  }

  static fromId(productId: string, o: CollectionOptions = {}): ImageCollectionProxy {
    const { product, dir } = getProduct(productId);
    const images = imagesBetween(product, o.startDatetime, o.endDatetime, o.limit);
    const sel: Selection = { dir, images, bandIndex: product.bands.map((_, i) => i), bands: product.bands, resampler: checkResampler(o.resampler) };
    return new ImageCollectionProxy(imagerySource(sel), images.map((i) => imageProperties(product, i)), product.bands, sel);
  }

  /** Number of images. */
  get length(): number {
    return this.node.shape[0]!;
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
  override reduce(fn: Reducer, axis?: AxisArg): ImageCollectionProxy | ImageProxy | ImageryValues | ReturnType<typeof wrapNode> {
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

  protected override result: Wrap = (a, geo) => new ImageCollectionResult(a, this.properties, bandInfoMap(retyped(this.bands, a.dtype)), geo);

  override toString(): string {
    return `ImageCollection(${this.length} images, bands ${this.bands.map((b) => b.name).join(", ")})`;
  }
}
