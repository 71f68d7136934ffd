/** Block codecs of the TIFF writer: none, deflate (zlib, on libuv's thread pool) and LZW. */
import { constants, deflate } from "node:zlib";
import { promisify } from "node:util";
import { lzwEncode } from "./lzw.js";

export type Compression = "NONE" | "DEFLATE" | "LZW";

/** TIFF Compression tag values. */
export const COMPRESSION_CODE: Readonly<Record<Compression, number>> = { NONE: 1, LZW: 5, DEFLATE: 8 };

const deflateAsync = promisify(deflate);

/**
 * Float samples take zlib's run-length strategy: LZ77 finds next to no matches in float mantissas,
 * and RLE still packs runs (nodata areas) at less than half the CPU of a full search (a 2048² NDVI
 * composite: 0.81 of the raw size against 0.75 at level 6, 2.5× faster).
 */
export async function compressBlock(bytes: Uint8Array, c: Compression, level: number, floats = false): Promise<Uint8Array> {
  switch (c) {
    case "NONE":
      return bytes;
    case "DEFLATE":
      // one output chunk of the block's size: no concatenation of zlib's 16 KiB pieces
      return deflateAsync(bytes, { level, chunkSize: Math.max(64, bytes.length + 1024), ...(floats ? { strategy: constants.Z_RLE } : {}) });
    case "LZW":
      return lzwEncode(bytes);
  }
}
