/**
 * The options of `compute` and `inspect` (API.md section 5), every one checked before any work
 * starts: an unknown option or a bad value is a `ProxyTypeError` naming it.
 */
import type { Writable } from "node:stream";
import { ProxyTypeError } from "../core/errors.js";
import { resolveDestination, type DestinationInput, type DestinationSpec } from "../destinations/spec.js";
import { FormatNotAvailableError, PENDING_FORMATS, resolveFormat, type FormatInput, type FormatSpec } from "../formats/index.js";

export interface InspectOptions {
  geoctx?: unknown;
  format?: FormatInput | string;
  /** Shorthand for `destination: {type: "file", path}` (or a writable stream). */
  file?: string | Writable;
  cache?: boolean;
  /** Seconds (inspect: default 60). */
  timeout?: number;
  client?: unknown;
  arguments?: Record<string, unknown>;
}

export interface ComputeOptions extends InspectOptions {
  destination?: DestinationInput;
  block?: boolean;
  /** Default: drawn on stderr when it is a terminal; `true` forces it, a stream draws there. */
  progressBar?: boolean | Writable;
  numRetries?: number;
}

export interface RunOptions {
  readonly format: FormatSpec;
  readonly destination: DestinationSpec;
  readonly timeout: number | undefined;
  readonly block: boolean;
  readonly progressBar: Writable | undefined;
  readonly cache: boolean;
  readonly numRetries: number;
  readonly arguments: Readonly<Record<string, unknown>>;
  readonly geoctx: unknown;
}

const INSPECT_KEYS = ["geoctx", "format", "file", "cache", "timeout", "client", "arguments"] as const;
const COMPUTE_KEYS = [...INSPECT_KEYS, "destination", "block", "progressBar", "numRetries"] as const;

/** Retries of a task whose worker died or hit a transient error, when `numRetries` is not given. */
export const DEFAULT_RETRIES = 1;
export const INSPECT_TIMEOUT = 60;

function bool(o: Record<string, unknown>, k: string, dflt: boolean): boolean {
  const v = o[k];
  if (v === undefined) return dflt;
  if (typeof v !== "boolean") throw new ProxyTypeError(`option '${k}' must be a boolean, got ${typeof v}`);
  return v;
}

function isWritable(v: unknown): v is Writable {
  return typeof v === "object" && v !== null && typeof (v as { write?: unknown }).write === "function";
}

function progressStream(v: unknown): Writable | undefined {
  if (v === undefined) return process.stderr.isTTY ? process.stderr : undefined;
  if (v === true) return process.stderr;
  if (v === false) return undefined;
  if (isWritable(v)) return v;
  throw new ProxyTypeError(`option 'progressBar' must be a boolean or a writable stream, got ${typeof v}`);
}

function destinationOf(o: Record<string, unknown>): DestinationSpec {
  const file = o["file"];
  if (file === undefined) return resolveDestination(o["destination"] as DestinationInput | undefined);
  if (o["destination"] !== undefined) throw new ProxyTypeError(`give 'file' or 'destination', not both`);
  if (typeof file === "string") return resolveDestination({ type: "file", path: file });
  if (isWritable(file)) return resolveDestination({ type: "file", stream: file });
  throw new ProxyTypeError(`option 'file' must be a path or a writable stream, got ${typeof file}`);
}

/** Bytes formats only: a file holds bytes, and the format defaults to `npy` there. */
function formatFor(dest: DestinationSpec, given: unknown): FormatSpec {
  const spec = resolveFormat(given as FormatInput | undefined);
  if (PENDING_FORMATS.includes(spec.type)) throw new FormatNotAvailableError(`format "${spec.type}" is not available yet (it arrives with imagery results)`);
  if (dest.type === "file") {
    if (given === undefined) return { type: "npy" };
    if (spec.type === "native") throw new ProxyTypeError(`a file destination needs a bytes format ("npy", "arrow", "msgpack" or "json"), not "native"`);
  }
  if (dest.type === "catalog" && spec.type !== "native" && spec.type !== "geotiff") {
    throw new ProxyTypeError(`a catalog destination stores a GeoTIFF; it takes no format but "geotiff" (got "${spec.type}")`);
  }
  if (dest.type === "zarr" && spec.type !== "native") {
    throw new ProxyTypeError(`a zarr destination writes Zarr chunks; it takes no format (got "${spec.type}")`);
  }
  return spec;
}

export function resolveOptions(opts: unknown, mode: "compute" | "inspect"): RunOptions {
  if (opts === undefined) opts = {};
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) {
    throw new ProxyTypeError(`${mode} options must be an object, got ${opts === null ? "null" : Array.isArray(opts) ? "an array" : typeof opts}`);
  }
  const o = opts as Record<string, unknown>;
  const known: readonly string[] = mode === "compute" ? COMPUTE_KEYS : INSPECT_KEYS;
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) throw new ProxyTypeError(`unknown ${mode} option '${k}'; valid options: ${known.join(", ")}`);
  }
  if (o["client"] !== undefined) throw new ProxyTypeError(`option 'client' is not available yet: only the embedded client runs jobs`);
  const geoctx = o["geoctx"];
  if (geoctx !== undefined && (geoctx === null || typeof geoctx !== "object")) throw new ProxyTypeError(`option 'geoctx' must be a GeoContext`);
  const timeout = o["timeout"];
  if (timeout !== undefined && !(typeof timeout === "number" && timeout > 0 && Number.isFinite(timeout))) {
    throw new ProxyTypeError(`option 'timeout' must be a positive number of seconds, got ${String(timeout)}`);
  }
  const retries = o["numRetries"];
  if (retries !== undefined && !(typeof retries === "number" && Number.isInteger(retries) && retries >= 0)) {
    throw new ProxyTypeError(`option 'numRetries' must be a non-negative integer, got ${String(retries)}`);
  }
  const args = o["arguments"];
  if (args !== undefined && (args === null || typeof args !== "object" || Array.isArray(args))) {
    throw new ProxyTypeError(`option 'arguments' must be an object of parameter values`);
  }
  const destination = destinationOf(o);
  return {
    format: formatFor(destination, o["format"]),
    destination,
    timeout: (timeout as number | undefined) ?? (mode === "inspect" ? INSPECT_TIMEOUT : undefined),
    block: bool(o, "block", true),
    progressBar: mode === "compute" ? progressStream(o["progressBar"]) : undefined,
    cache: bool(o, "cache", true),
    numRetries: mode === "compute" ? ((retries as number | undefined) ?? DEFAULT_RETRIES) : 0,
    arguments: (args as Record<string, unknown> | undefined) ?? {},
    geoctx,
  };
}
