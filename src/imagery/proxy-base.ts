/**
 * What `wf.Image` and `wf.ImageCollection` share: the masked array behind them, bandinfo, the
 * reducer shortcuts, and compute/inspect shaping the computed array into their result class.
 */
import type { Node } from "../graph/node.js";
import type { MaskedArrayProxy } from "../proxy/masked.js";
import { wrapNode } from "../proxy/wrap.js";
import type { ComputeOptions, InspectOptions } from "../compute/run.js";
import type { AxisArg, Reducer } from "./axes.js";
import { bandInfoMap, type BandDescription, type BandInfoMap } from "./results.js";
import { computeImagery, type Wrap } from "./run.js";
import type { PublishOptions } from "../registry/publish.js";
import type { Workflow } from "../registry/workflow.js";

export abstract class ImageryProxy<Reduced> {
  constructor(
    /** Masked: (band, y, x) for an image, (image, band, y, x) for a collection. */
    readonly node: Node,
    readonly bands: readonly BandDescription[],
  ) {}

  get ndarray(): MaskedArrayProxy {
    return wrapNode(this.node);
  }
  get bandinfo(): BandInfoMap {
    return bandInfoMap(this.bands);
  }
  get literalValue(): undefined {
    return undefined;
  }
  get params(): string[] {
    return [];
  }

  abstract reduce(fn: Reducer, axis?: AxisArg): Reduced;

  min(axis?: AxisArg): Reduced { return this.reduce("min", axis); }
  max(axis?: AxisArg): Reduced { return this.reduce("max", axis); }
  mean(axis?: AxisArg): Reduced { return this.reduce("mean", axis); }
  median(axis?: AxisArg): Reduced { return this.reduce("median", axis); }
  sum(axis?: AxisArg): Reduced { return this.reduce("sum", axis); }
  std(axis?: AxisArg): Reduced { return this.reduce("std", axis); }
  count(axis?: AxisArg): Reduced { return this.reduce("count", axis); }

  /** The computed array as this proxy's result (ImageResult or ImageCollectionResult). */
  protected abstract result: Wrap;

  compute(opts: ComputeOptions = {}): Promise<unknown> {
    return computeImagery(this.node, opts, "compute", this.result);
  }
  inspect(opts: InspectOptions = {}): Promise<unknown> {
    return computeImagery(this.node, opts, "inspect", this.result);
  }

  /** Save as a versioned workflow: the graph with its properties and bands (the registry loads only when publishing). */
  async publish(id: string, version: string, opts: PublishOptions = {}): Promise<Workflow> {
    const { publish } = await import("../registry/publish.js");
    return publish(this, id, version, opts);
  }
}

