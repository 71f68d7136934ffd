/** Zarr v2 / v3 array metadata, read synchronously when a lazy Zarr source is built. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isDTypeName, type DTypeName } from "../core/dtype.js";
import { ProxyTypeError } from "../core/errors.js";

export interface ZarrMeta {
  readonly shape: number[];
  readonly chunks: number[];
  readonly dtype: DTypeName;
  readonly version: 2 | 3;
  /** What the worker-side v2 decoder needs (compressor, key separator, fill value). */
  readonly v2?: { readonly dtype: DTypeName; readonly compressor: { readonly [k: string]: string | number | boolean | null } | null; readonly separator: string; readonly fill: number | string | boolean | null };
}

const V2_DTYPES: Readonly<Record<string, DTypeName>> = {
  "|b1": "bool", "|i1": "int8", "|u1": "uint8", "<i2": "int16", "<u2": "uint16", "<i4": "int32", "<u4": "uint32",
  "<i8": "int64", "<u8": "uint64", "<f4": "float32", "<f8": "float64",
};

function readJson(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch (e) {
    throw new ProxyTypeError(`cannot read Zarr metadata ${path}: ${(e as Error).message}`);
  }
}

function intList(v: unknown, what: string, path: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x) && x >= 0)) throw new ProxyTypeError(`${path}: bad ${what} ${JSON.stringify(v)}`);
  return v as number[];
}

export function readZarrMeta(root: string): ZarrMeta {
  const v2 = join(root, ".zarray");
  const v3 = join(root, "zarr.json");
  if (existsSync(v2)) {
    const m = readJson(v2);
    const dtype = V2_DTYPES[String(m["dtype"])];
    if (dtype === undefined) throw new ProxyTypeError(`${v2}: unsupported Zarr dtype ${JSON.stringify(m["dtype"])}`);
    if (m["order"] !== undefined && m["order"] !== "C") throw new ProxyTypeError(`${v2}: only C-ordered Zarr arrays are supported`);
    if (Array.isArray(m["filters"]) && m["filters"].length > 0) throw new ProxyTypeError(`${v2}: Zarr filters are not supported`);
    const compressor = (m["compressor"] ?? null) as { readonly [k: string]: string | number | boolean | null } | null;
    const separator = m["dimension_separator"] === "/" ? "/" : ".";
    const fill = (m["fill_value"] ?? null) as number | string | boolean | null;
    return { shape: intList(m["shape"], "shape", v2), chunks: intList(m["chunks"], "chunks", v2), dtype, version: 2, v2: { dtype, compressor, separator, fill } };
  }
  if (existsSync(v3)) {
    const m = readJson(v3);
    if (m["node_type"] !== "array") throw new ProxyTypeError(`${v3}: not a Zarr array`);
    const dtype = m["data_type"];
    if (!isDTypeName(dtype)) throw new ProxyTypeError(`${v3}: unsupported Zarr data type ${JSON.stringify(dtype)}`);
    const grid = m["chunk_grid"] as { name?: string; configuration?: { chunk_shape?: unknown } } | undefined;
    if (grid?.name !== "regular") throw new ProxyTypeError(`${v3}: only regular chunk grids are supported`);
    const codecs = m["codecs"] as { name?: string; configuration?: { chunk_shape?: unknown } }[] | undefined;
    const shard = codecs?.find((c) => c.name === "sharding_indexed");
    // a sharded array is read a shard at a time; its inner chunks are the codec's business
    const chunks = intList(grid.configuration?.chunk_shape, "chunk_shape", v3);
    void shard;
    return { shape: intList(m["shape"], "shape", v3), chunks, dtype, version: 3 };
  }
  throw new ProxyTypeError(`${root} is not a Zarr array (no .zarray or zarr.json)`);
}
