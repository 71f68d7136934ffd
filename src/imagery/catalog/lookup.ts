/** Finding products and images in the configured catalog (`TESSERAE_CATALOG` / `configure({catalog})`). */
import { ProxyTypeError } from "../../core/errors.js";
import { getConfig } from "../../config.js";
import { listProducts, productDir, readProduct } from "./store.js";
import type { CatalogImage, Product } from "./types.js";

export function catalogRoot(): string {
  return getConfig().catalog;
}

export function getProduct(productId: string): { product: Product; dir: string } {
  if (typeof productId !== "string" || productId === "") throw new ProxyTypeError(`a product id must be a non-empty string, got ${JSON.stringify(productId)}`);
  const root = catalogRoot();
  const product = readProduct(root, productId);
  if (product === undefined) throw new ProxyTypeError(`no product ${JSON.stringify(productId)} in the catalog at ${root}`);
  return { product, dir: productDir(root, productId) };
}

/** An image by its full id `<productId>:<imageId>` (the longest product id that matches wins). */
export function getImage(fullId: string): { product: Product; dir: string; image: CatalogImage } {
  if (typeof fullId !== "string") throw new ProxyTypeError(`an image id must be a string, got ${typeof fullId}`);
  const root = catalogRoot();
  const candidates = listProducts(root).filter((p) => fullId.startsWith(`${p}:`)).sort((a, b) => b.length - a.length);
  for (const productId of candidates) {
    const { product, dir } = getProduct(productId);
    const image = product.images.find((i) => i.id === fullId.slice(productId.length + 1));
    if (image !== undefined) return { product, dir, image };
  }
  throw new ProxyTypeError(`no image ${JSON.stringify(fullId)} in the catalog at ${root} (image ids are "<productId>:<imageId>")`);
}

function instant(v: string | Date | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  const t = v instanceof Date ? v.getTime() : Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  if (Number.isNaN(t)) throw new ProxyTypeError(`${what} ${JSON.stringify(v)} is not an ISO 8601 date`);
  return t;
}

/** Images acquired in [start, end), sorted by date, at most `limit`. */
export function imagesBetween(product: Product, start?: string | Date, end?: string | Date, limit?: number): CatalogImage[] {
  const t0 = instant(start, "startDatetime"), t1 = instant(end, "endDatetime");
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) throw new ProxyTypeError(`limit must be a non-negative integer, got ${JSON.stringify(limit)}`);
  const out = product.images
    .filter((i) => {
      const t = Date.parse(i.date);
      return (t0 === undefined || t >= t0) && (t1 === undefined || t < t1);
    })
    .sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id));
  return limit === undefined ? out : out.slice(0, limit);
}
