/**
 * geotiff.js decodes deflate with pako; node:zlib inflates the same blocks two to three times
 * faster, so the reader registers it for both deflate codes.
 */
import { inflateSync } from "node:zlib";
import { BaseDecoder, addDecoder } from "geotiff";

class ZlibInflateDecoder extends BaseDecoder {
  override decodeBlock(buffer: ArrayBufferLike): ArrayBufferLike {
    const out = inflateSync(new Uint8Array(buffer));
    // Small outputs may sit inside Node's shared pool: hand geotiff.js a buffer of its own.
    if (out.byteOffset === 0 && out.byteLength === out.buffer.byteLength) return out.buffer;
    return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
  }
}

const ADOBE_DEFLATE = 8;
const DEFLATE = 32946;
let registered = false;

export function useZlibInflate(): void {
  if (registered) return;
  addDecoder([ADOBE_DEFLATE, DEFLATE], () => Promise.resolve(ZlibInflateDecoder), undefined, false);
  registered = true;
}
