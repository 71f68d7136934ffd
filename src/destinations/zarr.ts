/**
 * The `zarr` destination: a Zarr v2 or v3 array written chunk by chunk as chunks arrive
 * (`writeChunk(index, chunk)`), into a temporary directory beside the target that `commit`
 * renames into place. Masked elements and the padding of edge chunks hold the fill value.
 */
import { endianness } from "node:os";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { DTYPES, allocate } from "../core/dtype.js";
import { coerceElement } from "../core/ndarray.js";
import { sizeOf } from "../core/shape.js";
import { destinationError, tempSibling } from "./file.js";
import { forEachRow, gridShape, type ChunkData } from "./grid.js";
import { bloscEncodeInto } from "./blosc-encode.js";
import { BufferPool } from "./buffer-pool.js";
import { METADATA_FILES, chunkKey, zarrJsonV3, zarrayV2, type ZarrArrayInfo } from "./zarr-meta.js";

export interface ZarrWritten {
  readonly type: "zarr";
  readonly path: string;
  readonly version: 2 | 3;
  readonly shape: readonly number[];
  readonly chunks: readonly number[];
  readonly dtype: string;
}

// encoded chunks in memory at once: one being written while the next is encoded
const ENCODE_BUFFERS = 2;
const BLOSC_HEADER = 16;

async function exists(p: string): Promise<"dir" | "file" | undefined> {
  try {
    return (await stat(p)).isDirectory() ? "dir" : "file";
  } catch {
    return undefined;
  }
}

/** An existing target may be replaced only when it is itself a Zarr array. */
async function checkTarget(path: string): Promise<void> {
  const kind = await exists(path);
  if (kind === undefined) return;
  const isZarr = kind === "dir" && (await Promise.all(METADATA_FILES.map((f) => exists(join(path, f))))).some((k) => k === "file");
  if (!isZarr) throw new Error(`it exists and is not a Zarr array`);
}

export class ZarrWriter {
  private readonly grid: number[];
  private readonly fill: number | bigint;
  private written = 0;
  private closed = false;
  private readonly buffers: BufferPool;

  private constructor(
    readonly path: string,
    readonly version: 2 | 3,
    readonly info: ZarrArrayInfo,
    private readonly tmp: string,
  ) {
    this.grid = gridShape(info.shape, info.chunks);
    this.fill = coerceElement(info.fillValue, info.dtype);
    // every chunk is encoded whole, in at most its raw size + the Blosc header
    this.buffers = new BufferPool(sizeOf(info.chunks) * DTYPES[info.dtype].bytes + BLOSC_HEADER, ENCODE_BUFFERS);
  }

  static async open(path: string, version: 2 | 3, info: ZarrArrayInfo): Promise<ZarrWriter> {
    if (endianness() !== "LE") throw destinationError(path, new Error("Zarr chunks are written little-endian; this machine is big-endian"));
    const tmp = tempSibling(path, "partial");
    try {
      await checkTarget(path);
      await mkdir(dirname(path), { recursive: true });
      await mkdir(tmp);
    } catch (e) {
      throw destinationError(path, e);
    }
    return new ZarrWriter(path, version, info, tmp);
  }

  get chunksWritten(): number {
    return this.written;
  }

  /** Pads the region to a whole chunk, masked elements replaced by the fill value. */
  private encodeChunk(index: readonly number[], chunk: ChunkData): Uint8Array {
    if (index.length !== this.grid.length || index.some((k, i) => !(k >= 0 && k < this.grid[i]!))) {
      throw new RangeError(`chunk index [${index.join(", ")}] is outside the chunk grid [${this.grid.join(", ")}]`);
    }
    const full = this.info.chunks;
    // a whole chunk with nothing masked is already in Zarr's layout: encode it without a copy
    if (chunk.mask === undefined && chunk.shape.every((s, i) => s === full[i]) && chunk.data.length === sizeOf(full)) {
      return new Uint8Array(chunk.data.buffer, chunk.data.byteOffset, chunk.data.byteLength);
    }
    const out = allocate(this.info.dtype, sizeOf(full), false);
    if (sizeOf(chunk.shape) < out.length || chunk.mask !== undefined) out.fill(this.fill as never);
    const { data, mask } = chunk;
    forEachRow(chunk.shape, chunk.shape.map(() => 0), chunk.shape, full, (s, d, n) => {
      if (mask === undefined) {
        out.set(data.subarray(s, s + n) as never, d);
        return;
      }
      for (let i = 0; i < n; i++) if (!mask[s + i]) out[d + i] = data[s + i] as never;
    });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }

  async writeChunk(index: readonly number[], chunk: ChunkData): Promise<void> {
    if (this.closed) throw new Error("the zarr writer is closed");
    try {
      const raw = this.encodeChunk(index, chunk);
      const buffer = await this.buffers.take();
      try {
        const n = bloscEncodeInto(raw, DTYPES[this.info.dtype].bytes, buffer);
        const file = join(this.tmp, ...chunkKey(this.version, index).split("/"));
        if (this.version === 3) await mkdir(dirname(file), { recursive: true });
        await writeFile(file, buffer.subarray(0, n));
      } finally {
        this.buffers.give(buffer);
      }
      this.written++;
    } catch (e) {
      throw destinationError(this.path, e);
    }
  }

  /** Writes the metadata and moves the array into place (replacing an older Zarr array there). */
  async commit(): Promise<ZarrWritten> {
    if (this.closed) throw new Error("the zarr writer is closed");
    this.closed = true;
    const old = tempSibling(this.path, "old");
    try {
      if (this.version === 2) {
        await writeFile(join(this.tmp, ".zarray"), zarrayV2(this.info));
        await writeFile(join(this.tmp, ".zattrs"), "{}\n");
      } else {
        await writeFile(join(this.tmp, "zarr.json"), zarrJsonV3(this.info));
      }
      await checkTarget(this.path);
      const replacing = (await exists(this.path)) !== undefined;
      if (replacing) await rename(this.path, old);
      await rename(this.tmp, this.path);
      if (replacing) await rm(old, { recursive: true, force: true });
    } catch (e) {
      await rm(this.tmp, { recursive: true, force: true }).catch(() => undefined);
      throw destinationError(this.path, e);
    }
    const { shape, chunks, dtype } = this.info;
    return { type: "zarr", path: this.path, version: this.version, shape, chunks, dtype };
  }

  /** Removes everything written so far; the target is left as it was. */
  async abort(): Promise<void> {
    this.closed = true;
    await rm(this.tmp, { recursive: true, force: true }).catch(() => undefined);
  }
}
