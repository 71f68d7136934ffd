/**
 * The catalog on disk: product folders with `product.json`, written atomically (a temporary file
 * renamed over the old one) under a lock file, so readers see the old or the new product, never half.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CatalogError, type Product } from "./types.js";

const PRODUCT_FILE = "product.json";
const LOCK_FILE = ".lock";
const LOCK_WAIT_MS = 10_000;
const STALE_LOCK_MS = 120_000;

/** Product and image ids become file names: no separators, no leading dot, nothing invisible. */
export function checkName(kind: "product" | "image", id: string): string {
  if (typeof id !== "string" || id.length === 0 || id.length > 200 || /[/\\\0\n\r]/.test(id) || id.startsWith(".")) {
    throw new CatalogError(`invalid ${kind} id ${JSON.stringify(id)}: use 1 to 200 characters, no '/', '\\' or leading '.'`);
  }
  return id;
}

/** JSON has no NaN or infinities, and a NaN nodata is common: they are written as strings. */
function keepNonFinite(_key: string, v: unknown): unknown {
  return typeof v === "number" && !Number.isFinite(v) ? String(v) : v;
}

function reviveNodata(key: string, v: unknown): unknown {
  return key === "nodata" && typeof v === "string" ? Number(v) : v;
}

export function productDir(root: string, productId: string): string {
  return join(root, checkName("product", productId));
}

export function readProduct(root: string, productId: string): Product | undefined {
  const file = join(productDir(root, productId), PRODUCT_FILE);
  if (!existsSync(file)) return undefined;
  let p: Product;
  try {
    p = JSON.parse(readFileSync(file, "utf8"), reviveNodata) as Product;
  } catch (e) {
    throw new CatalogError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (p.version !== 1 || p.id !== productId || !Array.isArray(p.bands) || !Array.isArray(p.images)) {
    throw new CatalogError(`${file}: not a tesserae product (version 1)`);
  }
  return p;
}

export function listProducts(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, PRODUCT_FILE)))
    .map((d) => d.name)
    .sort();
}

export function writeProduct(root: string, product: Product): void {
  const dir = productDir(root, product.id);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${PRODUCT_FILE}.${process.pid}.${Date.now()}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(product, keepNonFinite, 1)}\n`);
  renameSync(tmp, join(dir, PRODUCT_FILE));
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Run `fn` holding the product's lock file (created exclusively; a lock older than 2 minutes is stale). */
export async function withProductLock<T>(root: string, productId: string, fn: () => Promise<T>): Promise<T> {
  const dir = productDir(root, productId);
  const existed = existsSync(dir);
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, LOCK_FILE);
  const until = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      closeSync(openSync(lock, "wx"));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      let age = 0;
      try {
        age = Date.now() - statSync(lock).mtimeMs;
      } catch {
        continue;
      }
      if (age > STALE_LOCK_MS) rmSync(lock, { force: true });
      else if (Date.now() > until) throw new CatalogError(`product ${productId} is locked by another writer (${lock})`);
      else sleep(50);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
    // a product this call meant to create but did not: leave no empty folder behind
    if (!existed && !existsSync(join(dir, PRODUCT_FILE)) && readdirSync(dir).length === 0) rmSync(dir, { recursive: true, force: true });
  }
}
