/**
 * Imagery as an engine source: a `source` node with reader "geotiff" whose params list, per image,
 * the file, sample, georeferencing and nodata of each selected band. Its y and x sizes are -1 until
 * a GeoContext binds it (`bindImagery`), which adds the grid and the sizes.
 */
import { join } from "node:path";
import { promote, type DTypeName } from "../core/dtype.js";
import { ProxyTypeError } from "../core/errors.js";
import { make } from "../graph/make.js";
import { substitute } from "../graph/make.js";
import { topoOrder, type AttrValue, type Node } from "../graph/node.js";
import type { BandSource, Resampler } from "../../workers/readers/geotiff/params.js";
import type { CatalogImage, BandInfo } from "./catalog/types.js";
import { parseCrs } from "./crs.js";
import type { Grid } from "./geocontext.js";

export const READER = "geotiff";
/**
 * Pixels per side of a read chunk on the output grid, one band per chunk: an expression that takes
 * bands apart (red and nir of NDVI) then reads each band's tiles once, not once per band it uses.
 */
export const CHUNK = 256;

export interface Selection {
  /** The product folder (file paths are relative to it). */
  readonly dir: string;
  readonly images: readonly CatalogImage[];
  /** Indices into the product's bands, in output order. */
  readonly bandIndex: readonly number[];
  readonly bands: readonly BandInfo[];
  readonly resampler: Resampler;
}

function bandSource(sel: Selection, image: CatalogImage, band: number): BandSource {
  const ref = image.bands[band];
  const file = ref === undefined ? undefined : image.files[ref.file];
  if (ref === undefined || file === undefined) throw new ProxyTypeError(`image ${image.id} has no band ${band + 1}`);
  const crs = parseCrs(file.crs);
  return {
    path: join(sel.dir, file.path), sample: ref.sample, width: file.width, height: file.height,
    transform: file.transform, crs: crs.id, proj4: crs.proj4, nodata: file.nodata ?? sel.bands[band]?.nodata ?? null,
  };
}

export function checkResampler(r: unknown): Resampler {
  if (r === undefined) return "near";
  if (r !== "near" && r !== "bilinear") throw new ProxyTypeError(`resampler must be "near" or "bilinear", got ${JSON.stringify(r)}`);
  return r;
}

export function imageryDType(bands: readonly BandInfo[]): DTypeName {
  if (bands.length === 0) return "uint8";
  return bands.map((b) => b.dtype).reduce(promote);
}

/** The (image, band, y, x) source of a selection, with y and x unknown. */
export function imagerySource(sel: Selection): Node {
  const images = sel.images.map((img) => ({ bands: sel.bandIndex.map((b) => bandSource(sel, img, b)) }));
  const nb = sel.bandIndex.length;
  const params = { images, resampler: sel.resampler } as unknown as AttrValue;
  return make("source", [], {
    reader: READER, params, shape: [sel.images.length, nb, -1, -1], dtype: imageryDType(sel.bands), masked: true,
    chunks: [1, 1, CHUNK, CHUNK],
  });
}

function isUnbound(n: Node): boolean {
  if (n.op !== "source" || n.attrs["reader"] !== READER) return false;
  const p = n.attrs["params"] as { readonly [k: string]: AttrValue };
  return p["grid"] === undefined;
}

export function readsImagery(root: Node): boolean {
  return topoOrder([root]).some(isUnbound);
}

/** Give every imagery source of `root` the grid of a GeoContext (and so its y and x sizes). */
export function bindImagery(root: Node, grid: Grid | undefined): Node {
  const unbound = topoOrder([root]).filter(isUnbound);
  if (unbound.length === 0) return root;
  if (grid === undefined) throw new ProxyTypeError("this expression reads imagery: pass a GeoContext, compute({geoctx})");
  const replace = new Map<Node, Node>();
  for (const n of unbound) {
    const params = { ...(n.attrs["params"] as { readonly [k: string]: AttrValue }), grid: grid as unknown as AttrValue };
    const [ni, nb] = n.shape as [number, number];
    replace.set(n, make("source", [], {
      ...n.attrs, params, shape: [ni, nb, grid.height, grid.width],
      chunks: [1, 1, Math.min(CHUNK, grid.height), Math.min(CHUNK, grid.width)],
    }));
  }
  return substitute(root, replace);
}
