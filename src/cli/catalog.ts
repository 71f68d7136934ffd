/** `tesserae catalog add | list | synth`: the local imagery catalog from the command line. */
import { resolve } from "node:path";
import { UsageError, flag, intOption, stringOption, type ParsedArgs } from "./args.js";
import type { CliIO } from "./commands.js";

function catalogRoot(): Promise<string> {
  return import("../config.js").then((c) => c.getConfig().catalog);
}

export async function catalogAdd(p: ParsedArgs, io: CliIO, who: string): Promise<number> {
  const [productId, ...files] = p.positionals;
  if (productId === undefined) throw new UsageError(`${who}: missing <productId>`, who);
  if (files.length === 0) throw new UsageError(`${who}: missing <file>... (GeoTIFFs to add)`, who);
  const bands = stringOption(p, "bands")?.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const date = stringOption(p, "date");
  const { addImages } = await import("../imagery/catalog/add.js");
  const root = await catalogRoot();
  const added = await addImages(root, productId, files.map((f) => resolve(f)), {
    ...(bands === undefined ? {} : { bands }), ...(date === undefined ? {} : { date }), perBand: flag(p, "per-band"),
  });
  for (const img of added) io.stdout.write(`added ${productId}:${img.id}  ${img.date}  ${img.files.map((f) => f.path).join(", ")}\n`);
  io.stdout.write(`${added.length} image${added.length === 1 ? "" : "s"} added to ${productId} in ${root}\n`);
  return 0;
}

export async function catalogList(p: ParsedArgs, io: CliIO, who: string): Promise<number> {
  const [productId, ...extra] = p.positionals;
  if (extra.length > 0) throw new UsageError(`${who}: unexpected argument ${JSON.stringify(extra[0])}`, who);
  const { listProducts, readProduct } = await import("../imagery/catalog/store.js");
  const root = await catalogRoot();
  if (productId === undefined) {
    const ids = listProducts(root);
    if (ids.length === 0) io.stdout.write(`no products in ${root}\n`);
    for (const id of ids) {
      const prod = readProduct(root, id)!;
      io.stdout.write(`${id}  ${prod.images.length} image${prod.images.length === 1 ? "" : "s"}  bands ${prod.bands.map((b) => `${b.name}:${b.dtype}`).join(" ")}\n`);
    }
    return 0;
  }
  const prod = readProduct(root, productId);
  if (prod === undefined) {
    io.stderr.write(`${who}: no product ${JSON.stringify(productId)} in ${root}\n`);
    return 1;
  }
  for (const img of prod.images) {
    const f = img.files[0]!;
    io.stdout.write(`${productId}:${img.id}  ${img.date}  ${f.width}x${f.height}  ${f.crs}\n`);
  }
  return 0;
}

export async function catalogSynth(p: ParsedArgs, io: CliIO, who: string): Promise<number> {
  const [productId, ...extra] = p.positionals;
  if (productId === undefined) throw new UsageError(`${who}: missing <productId>`, who);
  if (extra.length > 0) throw new UsageError(`${who}: unexpected argument ${JSON.stringify(extra[0])}`, who);
  const dates = intOption(p, "dates", who, 1);
  const size = intOption(p, "size", who, 16);
  const seed = intOption(p, "seed", who, 0);
  const { synthProduct } = await import("../imagery/catalog/synth.js");
  const root = await catalogRoot();
  const prod = await synthProduct(root, productId, { ...(dates === undefined ? {} : { dates }), ...(size === undefined ? {} : { size }), ...(seed === undefined ? {} : { seed }) });
  const f = prod.images[0]?.files[0];
  io.stdout.write(`wrote ${productId}: ${prod.images.length} images of ${f?.width ?? 0}x${f?.height ?? 0} pixels, bands ${prod.bands.map((b) => b.name).join(", ")}, in ${root}\n`);
  return 0;
}
