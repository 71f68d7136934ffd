/**
 * tesserae: lazy, chunked n-dimensional arrays with NumPy semantics.
 * The public names of API.md. Classes are defined under internal names (ArrayProxy, ...) so that
 * no module shadows the JS globals `Array` and `Function`.
 */
import type { Node } from "./graph/node.js";
import { ArrayProxy } from "./proxy/array.js";
import { MaskedArrayProxy } from "./proxy/masked.js";
import { ScalarProxy } from "./proxy/scalar.js";
import { setWrapper } from "./proxy/wrap.js";
import { destroyPool } from "../scheduler/executors/pool.js";

setWrapper((node: Node) => {
  if (node.kind === "scalar") return new ScalarProxy(node);
  if (node.masked) return new MaskedArrayProxy(node);
  return new ArrayProxy(node);
});

export { ArrayProxy as Array, MaskedArrayProxy as MaskedArray, ScalarProxy as Scalar };
export type { ArrayOptions, ArrayInput } from "./proxy/array.js";
export type { MaskedOptions } from "./proxy/masked.js";
export {
  IntProxy as Int, FloatProxy as Float, BoolProxy as Bool, StrProxy as Str, ListProxy as List,
  TupleProxy as Tuple, DictProxy as Dict, DTypeProxy as DType,
} from "./proxy/small.js";
export { NDArray, MaskedNDArray } from "./core/ndarray.js";
export type { Element } from "./core/ndarray.js";
export type { DTypeName, TypedArray } from "./core/dtype.js";
export { slice } from "./graph/index-parse.js";
export type { IndexItem, SliceSpec } from "./graph/index-parse.js";
export { numpy } from "./numpy/index.js";
export { Job } from "./jobs/job.js";
export type { JobStage, JobUpdate, JobStats } from "./jobs/job.js";
export { parameter } from "./params/parameter.js";
export type { ParameterOptions } from "./params/parameter.js";
export { FunctionProxy as Function } from "./params/function.js";
export type { ComputeOptions, InspectOptions } from "./compute/run.js";
export { configure, getConfig } from "./config.js";
export { Client } from "./client/client.js";
export type { ClientOptions } from "./client/client.js";
export { ServerError } from "./client/errors.js";
export { Workflow } from "./registry/workflow.js";
export { VersionedGraft } from "./registry/graft.js";
export { use } from "./registry/publish.js";
export type { PublishOptions } from "./registry/publish.js";
export { VersionConflict, WorkflowNotFound } from "./registry/errors.js";
export { GeoContext } from "./imagery/geocontext.js";
export type { GeoContextOptions } from "./imagery/geocontext.js";
export { ImageProxy as Image } from "./imagery/image.js";
export { ImageCollectionProxy as ImageCollection } from "./imagery/collection.js";
export { ImageResult, ImageCollectionResult } from "./imagery/results.js";
export {
  ProxyTypeError, JobComputeError, JobInvalid, JobOOM, JobDeadlineExceeded, JobCancelled,
  JobTimeoutError, RetryError, ResourceExhausted,
} from "./core/errors.js";

export const version = "0.1.0";

/** Stop the worker pool so a script can exit at once (it exits anyway when idle: workers are unref'd). */
export async function shutdown(): Promise<void> {
  await destroyPool();
}
