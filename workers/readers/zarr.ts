/** Reader "zarr": one chunk of a Zarr v2 or v3 array (any codec zarrita knows, Blosc included). */
import * as zarr from "zarrita";
import FileSystemStore from "@zarrita/storage/fs";
import type { TypedArray } from "../../src/core/dtype.js";
import type { Operand } from "../codegen/loops.js";
import { copyIntoRegion } from "./copy.js";
import type { ReaderParams, ReadRegion } from "./types.js";

type ZArray = zarr.Array<zarr.DataType, FileSystemStore>;
const opened = new Map<string, Promise<ZArray>>();

function openArray(path: string): Promise<ZArray> {
  let p = opened.get(path);
  if (p === undefined) {
    p = zarr.open(new FileSystemStore(path), { kind: "array" }) as Promise<ZArray>;
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

export async function readZarr(params: ReaderParams, region: ReadRegion, out: Operand): Promise<void> {
  const path = params["path"];
  const chunks = params["chunks"];
  if (typeof path !== "string" || !Array.isArray(chunks)) throw new TypeError("zarr reader: bad parameters");
  const arr = await openArray(path);
  const coords = region.start.map((s, d) => Math.floor(s / (chunks[d] as number)));
  const chunk = await arr.getChunk(coords);
  copyIntoRegion(asTyped(chunk.data), chunk.stride, region.start, region.shape, out);
}
