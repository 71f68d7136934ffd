/**
 * Adding images to a product: every file is checked first (a refused file is named), then the
 * files are copied in under temporary names, renamed, and `product.json` replaced last. Any failure
 * removes what this call created, so the catalog is as it was.
 */
import { copyFileSync, constants, existsSync, renameSync, rmSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { DTYPES, type DTypeName } from "../../core/dtype.js";
import { inspectGeoTiff, type FileHeader } from "./header.js";
import { checkName, productDir, readProduct, withProductLock, writeProduct } from "./store.js";
import { CatalogError, type BandInfo, type CatalogImage, type JsonValue, type Product, type RasterFile } from "./types.js";

export interface AddOptions {
  /** Band names, in file order. */
  bands?: readonly string[];
  /** Acquisition time (ISO 8601) for every image added. */
  date?: string;
  /** The files are the bands of one image (one band each). */
  perBand?: boolean;
  /** Image ids (default: the file names without extension); one per image. */
  ids?: readonly string[];
  properties?: { readonly [k: string]: JsonValue };
  /** Data ranges of new bands (default: the dtype's range for integers, none for floats). */
  dataRanges?: readonly (readonly [number, number] | null)[];
  descriptions?: readonly string[];
  /** Move the files in instead of copying them (files this process wrote for the purpose). */
  move?: boolean;
}

interface Planned {
  readonly image: CatalogImage;
  readonly copies: readonly { readonly from: string; readonly to: string }[];
}

export function parseDate(s: string, what: string): string {
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);
  if (Number.isNaN(d.getTime())) throw new CatalogError(`${what}: ${JSON.stringify(s)} is not an ISO 8601 date`);
  return d.toISOString();
}

/** A date in a file name: 2023-05-01, 2023_05_01 or 20230501. */
function dateInName(path: string): string | undefined {
  const m = /(?:^|[^\d])((?:19|20)\d{2})[-_]?(0[1-9]|1[0-2])[-_]?(0[1-9]|[12]\d|3[01])(?![\d])/.exec(basename(path));
  return m === null ? undefined : `${m[1]}-${m[2]}-${m[3]}T00:00:00.000Z`;
}

function dateOf(h: FileHeader, o: AddOptions): string {
  if (o.date !== undefined) return parseDate(o.date, "--date");
  const d = h.datetime ?? dateInName(h.path);
  if (d === undefined) throw new CatalogError(`${h.path}: no acquisition date in the file or its name; pass --date`);
  return d;
}

function defaultRange(d: DTypeName): [number, number] | null {
  const info = DTYPES[d];
  return info.kind === "f" || info.big ? null : [Number(info.min), Number(info.max)];
}

/** Bands of a new product, from the options, the files' descriptions, or band_1…band_N. */
function newBands(names: readonly (string | undefined)[], dtypes: readonly DTypeName[], nodata: readonly (number | null)[], o: AddOptions): BandInfo[] {
  return dtypes.map((dtype, i) => ({
    name: o.bands?.[i] ?? names[i] ?? `band_${i + 1}`,
    dtype,
    nodata: nodata[i] ?? null,
    dataRange: o.dataRanges?.[i] ?? defaultRange(dtype),
    description: o.descriptions?.[i] ?? "",
  }));
}

function rasterFile(h: FileHeader, rel: string): RasterFile {
  return { path: rel, width: h.width, height: h.height, samples: h.samples, dtype: h.dtypes[0]!, nodata: h.nodata, crs: h.crs, transform: h.transform };
}

function checkAgainst(product: Product | undefined, bands: BandInfo[], sources: readonly { h: FileHeader; sample: number }[], o: AddOptions): readonly BandInfo[] {
  if (product === undefined) return bands;
  if (product.bands.length !== bands.length) {
    const h = sources[0]!.h;
    throw new CatalogError(`${h.path}: ${bands.length} band${bands.length === 1 ? "" : "s"}, but product ${product.id} has ${product.bands.length} (${product.bands.map((b) => b.name).join(", ")})`);
  }
  if (o.bands !== undefined && o.bands.some((n, i) => n !== product.bands[i]!.name)) {
    throw new CatalogError(`--bands ${o.bands.join(",")} do not match the bands of product ${product.id} (${product.bands.map((b) => b.name).join(",")})`);
  }
  sources.forEach(({ h, sample }, i) => {
    const want = product.bands[i]!.dtype;
    if (h.dtypes[sample] !== want) throw new CatalogError(`${h.path}: band ${i + 1} is ${h.dtypes[sample]}, but band ${product.bands[i]!.name} of product ${product.id} is ${want}`);
  });
  return product.bands;
}

function plan(dir: string, headers: readonly FileHeader[], product: Product | undefined, o: AddOptions): { bands: readonly BandInfo[]; planned: Planned[] } {
  const groups: FileHeader[][] = o.perBand ? [[...headers]] : headers.map((h) => [h]);
  if (o.ids !== undefined && o.ids.length !== groups.length) throw new CatalogError(`${o.ids.length} image ids for ${groups.length} images`);
  let bands: readonly BandInfo[] | undefined;
  const planned: Planned[] = [];
  groups.forEach((files, g) => {
    if (o.perBand) for (const h of files) if (h.samples !== 1) throw new CatalogError(`${h.path}: ${h.samples} bands; with --per-band each file must hold one band`);
    const sources = files.flatMap((h) => Array.from({ length: h.samples }, (_, sample) => ({ h, sample })));
    if (o.bands !== undefined && o.bands.length !== sources.length) {
      throw new CatalogError(`${files[0]!.path}: ${sources.length} band${sources.length === 1 ? "" : "s"}, but --bands names ${o.bands.length}`);
    }
    const fresh = newBands(sources.map((s) => s.h.bandNames[s.sample]), sources.map((s) => s.h.dtypes[s.sample]!), sources.map((s) => s.h.nodata), o);
    const these = checkAgainst(product, fresh, sources, o);
    if (bands === undefined) bands = these;
    else checkAgainst({ version: 1, id: product?.id ?? "(new)", bands, images: [] }, [...these], sources, {});
    const id = checkName("image", o.ids?.[g] ?? basename(files[0]!.path, extname(files[0]!.path)));
    const rel = (k: number): string => (files.length === 1 ? `${id}.tif` : `${id}.${bands![k]!.name}.tif`);
    const image: CatalogImage = {
      id,
      date: dateOf(files[0]!, o),
      properties: { ...files[0]!.metadata, ...(o.properties ?? {}) },
      files: files.map((h, k) => rasterFile(h, rel(k))),
      bands: sources.map((s) => ({ file: files.indexOf(s.h), sample: s.sample })),
    };
    planned.push({ image, copies: files.map((h, k) => ({ from: h.path, to: join(dir, rel(k)) })) });
  });
  return { bands: bands!, planned };
}

function transfer(from: string, to: string, move: boolean): void {
  if (move) {
    try {
      renameSync(from, to);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EXDEV") throw e;
    }
  }
  copyFileSync(from, to, constants.COPYFILE_FICLONE);
}

function checkIds(product: Product | undefined, planned: readonly Planned[]): void {
  const seen = new Set(product?.images.map((i) => i.id) ?? []);
  for (const p of planned) {
    if (seen.has(p.image.id)) throw new CatalogError(`${p.copies[0]!.from}: image id ${p.image.id} already exists in product ${product?.id ?? ""}`.trim());
    seen.add(p.image.id);
  }
}

/** Adds the files as new images of `productId` (created when missing); returns the images added. */
export async function addImages(root: string, productId: string, files: readonly string[], o: AddOptions = {}): Promise<CatalogImage[]> {
  checkName("product", productId);
  if (files.length === 0) throw new CatalogError("no files to add");
  const headers: FileHeader[] = [];
  for (const f of files) headers.push(await inspectGeoTiff(f));
  return withProductLock(root, productId, async () => {
    const dir = productDir(root, productId);
    const product = readProduct(root, productId);
    const { bands, planned } = plan(dir, headers, product, o);
    checkIds(product, planned);
    const created: string[] = [];
    try {
      const staged = planned.flatMap((p) => p.copies).map((c) => {
        if (existsSync(c.to)) throw new CatalogError(`${c.from}: ${c.to} already exists in the catalog`);
        const tmp = `${c.to}.${process.pid}.partial`;
        created.push(tmp);
        transfer(c.from, tmp, o.move === true);
        return { tmp, to: c.to };
      });
      for (const s of staged) {
        renameSync(s.tmp, s.to);
        created.push(s.to);
      }
      const images = [...(product?.images ?? []), ...planned.map((p) => p.image)].sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id));
      writeProduct(root, { version: 1, id: productId, bands, images });
    } catch (e) {
      for (const f of created) rmSync(f, { force: true });
      throw e;
    }
    return planned.map((p) => p.image);
  });
}
