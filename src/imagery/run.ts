/**
 * compute() and inspect() of Image and ImageCollection: the job system runs the expression (bound
 * to the GeoContext) and `wrap` shapes the array into the result, which the formats and
 * destinations then take (geotiff, png, a file, the catalog, or the ndarray in any array format).
 */
import { MaskedNDArray, NDArray } from "../core/ndarray.js";
import type { Node } from "../graph/node.js";
import { computeNode, type ComputeOptions, type InspectOptions } from "../compute/run.js";
import type { ImageCollectionResult, ImageResult, GeoContextInfo } from "./results.js";

export type Wrap = (a: MaskedNDArray, geo: GeoContextInfo | null) => ImageResult | ImageCollectionResult;

function asMasked(v: NDArray | MaskedNDArray): MaskedNDArray {
  return v instanceof MaskedNDArray ? v : new MaskedNDArray(v.data, new Uint8Array(v.data.length), v.shape, v.dtype);
}

export function computeImagery(node: Node, opts: ComputeOptions | InspectOptions, mode: "compute" | "inspect", wrap: Wrap): Promise<unknown> {
  return computeNode(node, opts, mode, (v, geo) => wrap(asMasked(v), geo));
}
