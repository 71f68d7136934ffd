/** A workload that writes a GeoTIFF (B6) is checked by reading the file back with geotiff.js. */
import { readFileSync } from "node:fs";
import { fromArrayBuffer } from "geotiff";
import type { NpyContents } from "../src/core/npy.js";

/** Band 1 of the file as float32 (its nodata, NaN, stays NaN: what the peer's reference holds where masked). */
export async function geotiffToNpy(path: string): Promise<NpyContents> {
  const bytes = readFileSync(path);
  const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const image = await tiff.getImage(0);
  const [band] = (await image.readRasters({ samples: [0] })) as unknown as ArrayLike<number>[];
  return { data: Float32Array.from(band!), shape: [image.getHeight(), image.getWidth()], dtype: "float32" };
}
