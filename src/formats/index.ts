/** Result encoders of `compute({format})`: the surface the engine and the job server use. */
export { resolveFormat, FORMAT_NAMES, PENDING_FORMATS } from "./spec.js";
export type { FormatSpec, FormatName, FormatInput, GeoTiffOptions } from "./spec.js";
export { encodeResult, decodeResult } from "./encode.js";
export type { EncodeOptions, BytesFormatSpec } from "./encode.js";
export type { ComputeResult, ScalarResult, ArrayResult } from "./result.js";
export { FormatDecodeError, FormatNotAvailableError } from "./errors.js";
export { writeZip, readZip } from "./zip.js";
export { numpyHeader } from "./npy.js";
