/** `wf.Image`: one image as a MaskedArray (band, y, x), its properties and bandinfo. */
import { slice } from "../graph/index-parse.js";
import type { Node } from "../graph/node.js";
import { buildGet } from "../proxy/indexing.js";
import { wrapNode } from "../proxy/wrap.js";
import type { Resampler } from "../../workers/readers/geotiff/params.js";
import { axisSet, reduceNode, type AxisArg, type Reducer } from "./axes.js";
import { bandIndices, oneBand, retyped } from "./bands.js";
import { getImage } from "./catalog/lookup.js";
import { ImageryProxy } from "./proxy-base.js";
import { bandInfoMap, ImageResult, type BandDescription, type Properties } from "./results.js";
import type { Wrap } from "./run.js";
import { checkResampler, imagerySource, type Selection } from "./source.js";
import { ImageryValues } from "./values.js";

export class ImageProxy extends ImageryProxy<ImageProxy | ImageryValues | ReturnType<typeof wrapNode>> {
  constructor(
    /** (band, y, x), masked. */
    node: Node,
    readonly properties: Properties,
    bands: readonly BandDescription[],
    private readonly selection?: Selection,
  ) {
    super(node, bands);
  }

  /** An image of the catalog by its id, "<productId>:<imageId>". */
  static fromId(imageId: string, o: { resampler?: Resampler } = {}): ImageProxy {
    const { product, dir, image } = getImage(imageId);
    const sel: Selection = { dir, images: [image], bandIndex: product.bands.map((_, i) => i), bands: product.bands, resampler: checkResampler(o.resampler) };
    const props: Properties = { ...image.properties, id: imageId, product: product.id, date: image.date };
    return new ImageProxy(buildGet(imagerySource(sel), [0]), props, product.bands, sel);
  }

  pickBands(names: string | readonly string[]): ImageProxy {
    const idx = bandIndices(names, this.bands);
    const bands = idx.map((i) => this.bands[i]!);
    if (this.selection !== undefined) {
      const sel: Selection = { ...this.selection, bandIndex: idx.map((i) => this.selection!.bandIndex[i]!), bands };
      return new ImageProxy(buildGet(imagerySource(sel), [0]), this.properties, bands, sel);
    }
    return new ImageProxy(buildGet(this.node, [idx, slice(), slice()]), this.properties, bands);
  }

  /** Reduce over "bands" and/or "pixels" (both when no axis is given). */
  override reduce(fn: Reducer, axis?: AxisArg): ImageProxy | ImageryValues | ReturnType<typeof wrapNode> {
    const set = axisSet(axis, ["bands", "pixels"]);
    const B = set.has("bands"), P = set.has("pixels");
    if (B && P) return wrapNode(reduceNode(this.node, fn, [0, 1, 2], false, true));
    if (P) return new ImageryValues(reduceNode(this.node, fn, [1, 2], false), "band", this.bands.map((b) => b.name));
    const n = reduceNode(this.node, fn, [0], true);
    return new ImageProxy(n, this.properties, [oneBand(fn, n.dtype, `${fn} over bands`)]);
  }

  protected override result: Wrap = (a, geo) => new ImageResult(a, this.properties, bandInfoMap(retyped(this.bands, a.dtype)), geo);

  override toString(): string {
    return `Image(bands ${this.bands.map((b) => b.name).join(", ")})`;
  }
}
