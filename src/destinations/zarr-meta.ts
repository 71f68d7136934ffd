/**
 * Zarr array metadata: `.zarray` (v2) and `zarr.json` (v3), and the chunk keys of each version.
 * Chunks are C-ordered little-endian bytes compressed by Blosc (lz4, clevel 5, byte shuffle), zarr-python's
 * and Dask's default (v2 compressor "blosc", v3 "bytes" + "blosc").
 */
import { DTYPES, type DTypeName } from "../core/dtype.js";
import type { Element } from "../core/ndarray.js";

export interface ZarrArrayInfo {
  readonly shape: readonly number[];
  readonly chunks: readonly number[];
  readonly dtype: DTypeName;
  readonly fillValue: Element;
}

/** The settings blosc-encode.ts writes with; blocksize 0 means c-blosc's automatic block size. */
export const BLOSC_LEVEL = 5;

/** The fill value as JSON text (bigints exact; NaN and infinities as the strings Zarr uses). */
function fillText(v: Element, dtype: DTypeName): string {
  const kind = DTYPES[dtype].kind;
  if (kind === "b") return v === true || v === 1 || v === 1n ? "true" : "false";
  if (typeof v === "bigint") return v.toString();
  const n = Number(v);
  if (Number.isNaN(n)) return '"NaN"';
  if (n === Infinity) return '"Infinity"';
  if (n === -Infinity) return '"-Infinity"';
  return kind === "f" ? JSON.stringify(n) : BigInt(Math.trunc(n)).toString();
}

const FILL = "__tesserae_fill_value__";

function render(meta: object, info: ZarrArrayInfo): string {
  return JSON.stringify(meta, null, 2).replace(`"${FILL}"`, fillText(info.fillValue, info.dtype)) + "\n";
}

export function zarrayV2(info: ZarrArrayInfo): string {
  return render({
    zarr_format: 2,
    shape: info.shape,
    chunks: info.chunks,
    dtype: DTYPES[info.dtype].descr,
    compressor: { id: "blosc", cname: "lz4", clevel: BLOSC_LEVEL, shuffle: 1, blocksize: 0 },
    fill_value: FILL,
    order: "C",
    filters: null,
    dimension_separator: ".",
  }, info);
}

export function zarrJsonV3(info: ZarrArrayInfo): string {
  const bytes = DTYPES[info.dtype].bytes > 1 ? { name: "bytes", configuration: { endian: "little" } } : { name: "bytes" };
  return render({
    zarr_format: 3,
    node_type: "array",
    shape: info.shape,
    data_type: info.dtype,
    chunk_grid: { name: "regular", configuration: { chunk_shape: info.chunks } },
    chunk_key_encoding: { name: "default", configuration: { separator: "/" } },
    fill_value: FILL,
    codecs: [bytes, { name: "blosc", configuration: { cname: "lz4", clevel: BLOSC_LEVEL, shuffle: "shuffle", typesize: DTYPES[info.dtype].bytes, blocksize: 0 } }],
    attributes: {},
  }, info);
}

/** The store key of a chunk: v2 `i.j.k` (`0` for a 0-d array), v3 `c/i/j/k` (`c`). */
export function chunkKey(version: 2 | 3, index: readonly number[]): string {
  if (version === 2) return index.length === 0 ? "0" : index.join(".");
  return ["c", ...index].join("/");
}

/** The metadata files a directory holds when it is a Zarr array of either version. */
export const METADATA_FILES: readonly string[] = [".zarray", "zarr.json"];
