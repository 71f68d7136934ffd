/** Reader "zarr": one chunk of a Zarr v2 or v3 array (any codec zarrita knows, Blosc included). */
import type * as Zarr from "zarrita";
import type FileSystemStore from "@zarrita/storage/fs";
import { join } from "node:path";
import { gunzipSync, inflateSync } from "node:zlib";
import { DTYPES, isDTypeName, viewOf, type TypedArray } from "../../src/core/dtype.js";
import { cStrides, isCContiguous } from "../../src/core/shape.js";
import { BloscUnsupported, bloscDecode, bloscInput } from "./blosc.js";
import type { Operand } from "../codegen/loops.js";
import { copyIntoRegion } from "./copy.js";
import { readChunkFile } from "./chunk-file.js";
import type { ReaderParams, ReadRegion } from "./types.js";

type ZArray = Zarr.Array<Zarr.DataType, FileSystemStore>;
const opened = new Map<string, Promise<ZArray>>();

/** zarrita (and its Blosc WASM) load only in workers that actually read Zarr. */
async function openZarr(path: string): Promise<ZArray> {
  const [zarr, fs] = await Promise.all([import("zarrita"), import("@zarrita/storage/fs")]);
  return zarr.open(new fs.default(path), { kind: "array" }) as Promise<ZArray>;
}

function openArray(path: string): Promise<ZArray> {
  let p = opened.get(path);
  if (p === undefined) {
    p = openZarr(path);
    opened.set(path, p);
    p.catch(() => opened.delete(path));
  }
  return p;
}

/** zarrita gives bools as a wrapper over bytes; everything else as a typed array. */
function asTyped(data: unknown): TypedArray {
  if (ArrayBuffer.isView(data)) return data as TypedArray;
  const raw = data as { buffer?: ArrayBufferLike; byteOffset?: number; length?: number };
  if (raw.buffer !== undefined) return new Uint8Array(raw.buffer, raw.byteOffset ?? 0, raw.length);
  throw new TypeError("zarr reader: unsupported chunk data");
}

let fileBuf = new Uint8Array(0);
let chunkBuf = new ArrayBuffer(0);

/** A reused buffer of at least `n` bytes for chunk files that are not Blosc. */
function fileBuffer(n: number): Uint8Array {
  if (fileBuf.length < n) fileBuf = new Uint8Array(Math.max(n, fileBuf.length * 2));
  return fileBuf;
}

/**
 * Zarr v2 chunks with no compressor, Blosc (lz4 / zlib inside), zlib or gzip are decoded here,
 * straight from the file; returns false for anything else (zarrita then reads the chunk).
 */
function readV2Direct(params: ReaderParams, chunks: number[], region: ReadRegion, out: Operand): boolean {
  const meta = params["v2"] as { dtype?: unknown; compressor?: { id?: unknown } | null; separator?: unknown; fill?: unknown } | undefined;
  if (meta === undefined || !isDTypeName(meta.dtype)) return false;
  const id = meta.compressor === null || meta.compressor === undefined ? null : meta.compressor.id;
  if (id !== null && id !== "blosc" && id !== "zlib" && id !== "gzip") return false;
  const dtype = meta.dtype;
  const n = chunks.reduce((a, b) => a * b, 1);
  const item = DTYPES[dtype].bytes;
  const nbytes = n * item;
  const coords = region.start.map((s, d) => Math.floor(s / chunks[d]!));
  const sep = meta.separator === "/" ? "/" : ".";
  // Blosc chunks are read straight into the decoder's WebAssembly memory
  const raw = readChunkFile(join(params["path"] as string, coords.length === 0 ? "0" : coords.join(sep)), id === "blosc" ? bloscInput : fileBuffer);
  // A whole chunk that lies contiguously in the target is decoded straight into it.
  const direct = region.shape.every((s, d) => s === chunks[d]) && isCContiguous(out.strides, chunks) && out.data.BYTES_PER_ELEMENT === item;
  const at = direct ? out.offset + region.start.reduce((s, v, d) => s + v * out.strides[d]!, 0) : 0;
  if (!direct && chunkBuf.byteLength < nbytes) chunkBuf = new ArrayBuffer(nbytes);
  const view = direct ? viewOf(dtype, out.data.buffer, out.data.byteOffset + at * item, n) : viewOf(dtype, chunkBuf, 0, n);
  const bytes = new Uint8Array(view.buffer, view.byteOffset, nbytes);
  if (raw === undefined) {
    const f = meta.fill;
    const v = f === null || f === undefined ? 0 : f === "NaN" ? NaN : f === "Infinity" ? Infinity : f === "-Infinity" ? -Infinity : f;
    view.fill((DTYPES[dtype].big ? BigInt(v as number) : dtype === "bool" ? Number(Boolean(v)) : v) as never);
  } else if (id === null) {
    bytes.set(raw.subarray(0, nbytes));
  } else if (id === "blosc") {
    try {
      bloscDecode(raw, bytes);
    } catch (e) {
      if (e instanceof BloscUnsupported) return false;
      throw e;
    }
  } else {
    bytes.set((id === "zlib" ? inflateSync(raw) : gunzipSync(raw)).subarray(0, nbytes));
  }
  if (!direct) copyIntoRegion(view, cStrides(chunks), region.start, region.shape, out);
  return true;
}

export async function readZarr(params: ReaderParams, region: ReadRegion, out: Operand): Promise<void> {
  const path = params["path"];
  const chunks = params["chunks"];
  if (typeof path !== "string" || !Array.isArray(chunks)) throw new TypeError("zarr reader: bad parameters");
  if (readV2Direct(params, chunks as number[], region, out)) return;
  const arr = await openArray(path);
  const coords = region.start.map((s, d) => Math.floor(s / (chunks[d] as number)));
  const chunk = await arr.getChunk(coords);
  copyIntoRegion(asTyped(chunk.data), chunk.stride, region.start, region.shape, out);
}
