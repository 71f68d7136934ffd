/**
 * The TIFF compressions tesserae reads (uncompressed, deflate, LZW, PackBits), and for any other
 * a message saying so: lossy JPEG in particular is refused rather than decoded approximately.
 */
const READABLE = new Set([1, 5, 8, 32773, 32946]);

const NAMES: Readonly<Record<number, string>> = {
  6: "old-style JPEG", 7: "JPEG", 34712: "JPEG 2000", 34887: "LERC", 34925: "LZMA", 50000: "ZSTD", 50001: "WEBP",
};

/** Why a file with this Compression code cannot be read, or undefined when it can. */
export function unsupportedCompression(code: number): string | undefined {
  if (READABLE.has(code)) return undefined;
  return `${NAMES[code] ?? `compression code ${code}`} compression is not supported (tesserae reads uncompressed, deflate, LZW and PackBits GeoTIFFs; re-encode it, e.g. gdal_translate -co COMPRESS=DEFLATE)`;
}
