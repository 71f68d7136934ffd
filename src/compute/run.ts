/**
 * compute() and inspect(): every option checked before any work starts, the parameters bound,
 * then a Job on the worker pool (compute) or the low-latency path (inspect).
 */
import { ProxyTypeError } from "../core/errors.js";
import type { Node } from "../graph/node.js";
import { resolveOptions, type ComputeOptions, type InspectOptions, type RunOptions } from "../jobs/options.js";
import { runInspect, submitJob } from "../jobs/run-job.js";
import { bindArguments } from "../params/bind.js";
import { Client } from "../client/client.js";
import { gridOfOption } from "../imagery/bind.js";
import { bindImagery } from "../imagery/source.js";
import type { ResultView } from "../imagery/deliver.js";

export type { ComputeOptions, InspectOptions } from "../jobs/options.js";

function checkAgainst(node: Node, o: RunOptions): void {
  const d = o.destination;
  if (d.type === "zarr" && d.chunks !== undefined && d.chunks.length !== node.shape.length) {
    throw new ProxyTypeError(`destination "zarr": "chunks" [${d.chunks.join(", ")}] must give one size per axis of a ${node.shape.length}-d result`);
  }
}

/** `view` (Image and ImageCollection) shapes the computed array into the proxy's result. */
export async function computeNode(node: Node, opts: ComputeOptions | InspectOptions, mode: "compute" | "inspect", view?: ResultView): Promise<unknown> {
  const client = (opts as { client?: unknown }).client;
  // a job server's client runs the graph there (it is checked and bound on the server)
  if (client instanceof Client) return client.run(node, opts as Record<string, unknown>, mode);
  const o = resolveOptions(opts, mode);
  const args = bindArguments(node, o.arguments);
  // imagery sources take the GeoContext's grid (and so their y and x sizes) before anything is planned
  const bound = { ...args, node: bindImagery(args.node, gridOfOption(o.geoctx)) };
  checkAgainst(bound.node, o);
  return mode === "inspect" ? runInspect(bound, o, view) : submitJob(bound, o, view);
}
