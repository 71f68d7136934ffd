/**
 * What pixel reductions of imagery give: per image and band, per band, or per image values, as
 * Workflows returns them (lists of {band: value}, {band: value}, lists of numbers). Masked → null.
 */
import { MaskedNDArray, NDArray } from "../core/ndarray.js";
import type { Node } from "../graph/node.js";
import { computeNode } from "../compute/run.js";
import type { ComputeOptions, InspectOptions } from "../compute/run.js";
import { wrapNode } from "../proxy/wrap.js";
import type { ArrayProxy } from "../proxy/array.js";

export type ValuesLayout = "image-band" | "band" | "image";

type Value = number | null;

function valueAt(a: NDArray | MaskedNDArray, i: number): Value {
  if (a instanceof MaskedNDArray && a.mask[i]) return null;
  return Number(a.data[i]!);
}

export class ImageryValues {
  constructor(
    /** (image, band), (band) or (image). */
    readonly node: Node,
    readonly layout: ValuesLayout,
    readonly bandNames: readonly string[],
  ) {}

  /** The values as an array proxy. */
  get ndarray(): ArrayProxy {
    return wrapNode(this.node);
  }
  get literalValue(): undefined {
    return undefined;
  }
  get params(): string[] {
    return [];
  }

  shape(a: NDArray | MaskedNDArray): unknown {
    const names = this.bandNames;
    switch (this.layout) {
      case "band":
        return Object.fromEntries(names.map((n, b) => [n, valueAt(a, b)]));
      case "image":
        return Array.from({ length: a.shape[0] ?? 0 }, (_, i) => valueAt(a, i));
      case "image-band":
        return Array.from({ length: a.shape[0] ?? 0 }, (_, i) => Object.fromEntries(names.map((n, b) => [n, valueAt(a, i * names.length + b)])));
    }
  }

  /** The values as JS data (native format only: encode the ndarray for bytes). */
  async compute(opts: ComputeOptions = {}): Promise<unknown> {
    const v = await computeNode(this.node, { ...opts, format: "native", block: true }, "compute");
    return this.shape(v as NDArray | MaskedNDArray);
  }
  async inspect(opts: InspectOptions = {}): Promise<unknown> {
    const v = await computeNode(this.node, { ...opts, format: "native" }, "inspect");
    return this.shape(v as NDArray | MaskedNDArray);
  }
}
