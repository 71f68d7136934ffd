/** Where things live, found from this module's location so it works from bench/ (tsx) and dist/bench/ alike. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "tesserae") return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find the tesserae package root");
    dir = up;
  }
}

export const ROOT = findRoot();
export const DATA_DIR = join(ROOT, "bench", ".data");
/** Peer results (the reference a tesserae result is checked against). */
export const REF_DIR = join(DATA_DIR, "ref");
/** tesserae results of the last run. */
export const OUT_DIR = join(DATA_DIR, "out");
export const PEERS_PY = join(ROOT, "bench", "peers.py");
export const GEN_ZARR_PY = join(ROOT, "bench", "gen_zarr.py");

export const refPath = (id: string): string => join(REF_DIR, `${id}.npy`);
export const outPath = (id: string): string => join(OUT_DIR, `${id}.npy`);
/** Where a workload that writes Zarr puts it: tesserae's result, and the peer's (next to the peer's .npy, as peers.py derives it). */
export const outZarrPath = (id: string): string => join(OUT_DIR, `${id}.zarr`);
/** Where a workload that writes a GeoTIFF (B6) puts it. */
export const outTifPath = (id: string): string => join(OUT_DIR, `${id}.tif`);
export const refZarrPath = (id: string): string => join(REF_DIR, `${id}.zarr`);

/** The child entry next to this module, with this module's extension (.ts under tsx, .js in dist). */
export function siblingModule(name: string): string {
  const self = fileURLToPath(import.meta.url);
  return join(dirname(self), `${name}${self.slice(self.lastIndexOf("."))}`);
}
