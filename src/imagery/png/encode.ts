/** PNG encoding of 8-bit RGB or RGBA pixels on node:zlib (IHDR, one IDAT, IEND). */
import { crc32, deflateSync } from "node:zlib";

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const COLOR_RGB = 2;
const COLOR_RGBA = 6;
const FILTER_SUB = 1;

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

/** `pixels` holds `channels` (3 or 4) bytes per pixel, rows top to bottom. */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: 3 | 4): Uint8Array {
  if (pixels.length !== width * height * channels) throw new RangeError(`PNG pixels hold ${pixels.length} bytes, expected ${width * height * channels}`);
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr[8] = 8;
  ihdr[9] = channels === 4 ? COLOR_RGBA : COLOR_RGB;
  const stride = width * channels;
  // The Sub filter (difference to the pixel on the left) makes smooth imagery compress well.
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const src = y * stride;
    const dst = y * (stride + 1);
    raw[dst] = FILTER_SUB;
    for (let i = 0; i < stride; i++) {
      const left = i >= channels ? pixels[src + i - channels]! : 0;
      raw[dst + 1 + i] = (pixels[src + i]! - left) & 0xff;
    }
  }
  const parts = [SIGNATURE, chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw, { level: 6 })), chunk("IEND", new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
