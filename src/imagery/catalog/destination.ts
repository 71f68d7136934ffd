/**
 * The catalog destination: a computed image written as a GeoTIFF and added to a product as a new
 * image (the product is created, with the result's bands, when it is missing).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ProxyTypeError } from "../../core/errors.js";
import { encodeGeoTiff } from "../encode.js";
import { ImageCollectionResult, ImageResult } from "../results.js";
import { addImages } from "./add.js";
import { catalogRoot } from "./lookup.js";
import { checkName } from "./store.js";
import type { JsonValue } from "./types.js";

export interface CatalogWritten {
  readonly type: "catalog";
  readonly productId: string;
  readonly imageId: string;
}

export async function addResultToCatalog(result: ImageResult | ImageCollectionResult, productId: unknown, imageId: unknown): Promise<CatalogWritten> {
  if (typeof productId !== "string" || typeof imageId !== "string") throw new ProxyTypeError(`destination "catalog" needs string "productId" and "imageId"`);
  checkName("product", productId);
  checkName("image", imageId);
  const props = result instanceof ImageResult ? result.properties : (result.properties[0] ?? {});
  const bytes = await encodeGeoTiff(result, { compression: "DEFLATE" });
  const root = catalogRoot();
  mkdirSync(root, { recursive: true });
  const tmp = mkdtempSync(join(root, ".result-"));
  try {
    const file = join(tmp, `${imageId}.tif`);
    writeFileSync(file, bytes);
    const bands = Object.values(result.bandinfo);
    const date = typeof props["date"] === "string" ? props["date"] : new Date().toISOString();
    await addImages(root, productId, [file], {
      ids: [imageId],
      bands: bands.map((b) => b.name),
      date,
      properties: props as { readonly [k: string]: JsonValue },
      dataRanges: bands.map((b) => b.dataRange),
      descriptions: bands.map((b) => b.description),
      move: true,
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { type: "catalog", productId, imageId };
}
