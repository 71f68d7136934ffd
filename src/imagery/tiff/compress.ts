/** Block codecs of the TIFF writer: none, deflate (zlib, on libuv's thread pool) and LZW. */
import { deflate, deflateSync } from "node:zlib";
import { promisify } from "node:util";
import { lzwEncode } from "./lzw.js";

export type Compression = "NONE" | "DEFLATE" | "LZW";

/** TIFF Compression tag values. */
export const COMPRESSION_CODE: Readonly<Record<Compression, number>> = { NONE: 1, LZW: 5, DEFLATE: 8 };

const deflateAsync = promisify(deflate);

export async function compressBlock(bytes: Uint8Array, c: Compression, level: number): Promise<Uint8Array> {
  switch (c) {
    case "NONE":
      return bytes;
    case "DEFLATE":
      return deflateAsync(bytes, { level });
    case "LZW":
      return lzwEncode(bytes);
  }
}

export function compressBlockSync(bytes: Uint8Array, c: Compression, level: number): Uint8Array {
  switch (c) {
    case "NONE":
      return bytes;
    case "DEFLATE":
      return deflateSync(bytes, { level });
    case "LZW":
      return lzwEncode(bytes);
  }
}
