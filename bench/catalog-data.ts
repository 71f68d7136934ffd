/**
 * Catalog inputs (B6): a synthetic imagery product written once by tesserae's own generator
 * (`catalog synth`: tiled deflate GeoTIFFs, uint16 bands, clouds as nodata 0) and read by both sides.
 */
import { existsSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { synthProduct } from "../src/imagery/catalog/synth.js";
import { readProduct } from "../src/imagery/catalog/store.js";
import { DATA_DIR, refPath } from "./paths.js";
import { DATA_VERSION, type CatalogInputSpec, type Workload } from "./workloads.js";

/** The product's folder (its catalog is the folder above). */
export function catalogInputPath(w: Workload, spec: CatalogInputSpec): string {
  return join(DATA_DIR, `${w.id.toLowerCase()}-catalog.v${DATA_VERSION}`, `${spec.productId}-${spec.size}px-${spec.dates}d-s${spec.seed}`);
}

export function splitProductPath(path: string): { root: string; productId: string } {
  return { root: dirname(path), productId: basename(path) };
}

function matches(path: string, spec: CatalogInputSpec): boolean {
  const { root, productId } = splitProductPath(path);
  if (!existsSync(join(path, "product.json"))) return false;
  const p = readProduct(root, productId);
  return p !== undefined && p.images.length === spec.dates && p.images[0]?.files[0]?.width === spec.size;
}

export async function ensureCatalogInputs(w: Workload, log: (msg: string) => void): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const spec of w.catalogInputs ?? []) {
    const path = catalogInputPath(w, spec);
    out.set(spec.name, path);
    if (matches(path, spec)) continue;
    rmSync(path, { recursive: true, force: true });
    const t0 = performance.now();
    const { root, productId } = splitProductPath(path);
    await synthProduct(root, productId, { dates: spec.dates, size: spec.size, seed: spec.seed });
    rmSync(refPath(w.id), { force: true });
    log(`generated ${path} (${spec.dates} GeoTIFFs of ${spec.size}²) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return out;
}
