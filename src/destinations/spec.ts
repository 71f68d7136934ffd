/**
 * `compute({destination})`: the accepted spellings, resolved and checked before any work starts.
 * Unknown types and options are `ProxyTypeError`s that list what is valid.
 */
import type { Writable } from "node:stream";
import { resolve as resolvePath } from "node:path";
import { ProxyTypeError } from "../core/errors.js";

export type DestinationSpec =
  | { readonly type: "download" }
  | { readonly type: "file"; readonly path: string }
  | { readonly type: "file"; readonly stream: Writable }
  | { readonly type: "zarr"; readonly path: string; readonly version: 2 | 3; readonly chunks?: readonly number[] }
  | { readonly type: "catalog"; readonly productId: string; readonly imageId: string };

export type DestinationInput = string | { type: string; [option: string]: unknown };

export const DESTINATION_TYPES = ["download", "file", "zarr", "catalog"] as const;

/** The options each destination type accepts besides `type`. */
const OPTIONS: Readonly<Record<string, readonly string[]>> = {
  download: [],
  file: ["path", "stream"],
  zarr: ["path", "version", "chunks"],
  catalog: ["productId", "imageId"],
};

const quote = (xs: readonly string[]): string => xs.map((x) => `"${x}"`).join(", ");

function pathOption(type: string, v: unknown): string {
  if (typeof v !== "string" || v.trim() === "") {
    throw new ProxyTypeError(`destination "${type}" needs a non-empty string "path", got ${v === undefined ? "none" : typeof v}`);
  }
  return resolvePath(v);
}

function isWritable(v: unknown): v is Writable {
  return typeof v === "object" && v !== null && typeof (v as { write?: unknown }).write === "function";
}

function chunksOption(v: unknown): readonly number[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((c) => Number.isInteger(c) && (c as number) >= 1)) {
    throw new ProxyTypeError(`destination "zarr": "chunks" must be a list of positive integers, got ${JSON.stringify(v)}`);
  }
  return v as number[];
}

/** Resolve and validate a `destination` argument; `undefined` means `download`. */
export function resolveDestination(d: DestinationInput | undefined): DestinationSpec {
  if (d === undefined || d === "download") return { type: "download" };
  if (typeof d === "string") {
    throw new ProxyTypeError(`unknown destination "${d}"; give "download" or {type, ...options} with type one of ${quote(DESTINATION_TYPES)}`);
  }
  if (d === null || typeof d !== "object" || Array.isArray(d)) {
    throw new ProxyTypeError(`destination must be "download" or {type, ...options}, got ${d === null ? "null" : Array.isArray(d) ? "an array" : typeof d}`);
  }
  const type = d.type;
  const allowed = typeof type === "string" ? OPTIONS[type] : undefined;
  if (allowed === undefined) throw new ProxyTypeError(`unknown destination type ${JSON.stringify(type)}; valid types: ${quote(DESTINATION_TYPES)}`);
  for (const [k, v] of Object.entries(d)) {
    if (k === "type" || v === undefined || allowed.includes(k)) continue;
    throw new ProxyTypeError(`unknown option "${k}" for destination "${type}"; ${allowed.length ? `valid options: ${quote(allowed)}` : "it takes no options"}`);
  }
  switch (type) {
    case "download":
      return { type };
    case "file": {
      if (d["stream"] !== undefined) {
        if (d["path"] !== undefined) throw new ProxyTypeError(`destination "file" takes a "path" or a "stream", not both`);
        if (!isWritable(d["stream"])) throw new ProxyTypeError(`destination "file": "stream" must be a writable stream`);
        return { type, stream: d["stream"] };
      }
      return { type, path: pathOption(type, d["path"]) };
    }
    case "catalog": {
      const { productId, imageId } = d;
      if (typeof productId !== "string" || productId === "" || typeof imageId !== "string" || imageId === "") {
        throw new ProxyTypeError(`destination "catalog" needs non-empty string "productId" and "imageId"`);
      }
      return { type, productId, imageId };
    }
    default: {
      const version = d["version"] ?? 2;
      if (version !== 2 && version !== 3) throw new ProxyTypeError(`destination "zarr": "version" must be 2 or 3, got ${JSON.stringify(version)}`);
      const chunks = chunksOption(d["chunks"]);
      const path = pathOption(type, d["path"]);
      return chunks === undefined ? { type: "zarr", path, version } : { type: "zarr", path, version, chunks };
    }
  }
}

/** Where a destination writes, for error messages. */
export function describeDestination(d: DestinationSpec): string {
  if (d.type === "download") return "download";
  if (d.type === "catalog") return `catalog image ${d.productId}:${d.imageId}`;
  return "path" in d ? d.path : "a stream";
}
