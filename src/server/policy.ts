/**
 * What a server runs: every file a source node reads is confined to the roots (its path is
 * rewritten to the absolute one), and no node may declare more data than the server's limit.
 */
import { join } from "node:path";
import { getConfig } from "../config.js";
import { DTYPES } from "../core/dtype.js";
import { checkName } from "../imagery/catalog/store.js";
import { make } from "../graph/make.js";
import { topoOrder, type AttrValue, type Attrs, type Node } from "../graph/node.js";
import { substitute } from "../graph/make.js";
import { HttpError } from "./http-error.js";
import type { Roots } from "./paths.js";

/** Keys of reader parameters that name files. */
const PATH_KEY = /path|file|dir|marker/i;

function confineParams(v: AttrValue, key: string, roots: Roots, where: string): AttrValue {
  if (typeof v === "string") return PATH_KEY.test(key) ? roots.confine(v, `${where}: ${key}`) : v;
  if (Array.isArray(v)) return v.map((x) => confineParams(x, key, roots, where));
  if (v !== null && typeof v === "object") {
    const o = v as { readonly [k: string]: AttrValue };
    return Object.fromEntries(Object.keys(o).map((k) => [k, confineParams(o[k]!, k, roots, where)]));
  }
  return v;
}

function nodeBytes(n: Node): number {
  return n.shape.reduce((a, s) => a * Math.max(s, 1), 1) * DTYPES[n.dtype].bytes;
}

/** The graph with source paths confined; 403 for a path outside the roots, 413 for a node too large. */
export function applyPolicy(root: Node, roots: Roots, maxNodeBytes: number): Node {
  const replace = new Map<Node, Node>();
  for (const n of topoOrder([root])) {
    const bytes = nodeBytes(n);
    if (bytes > maxNodeBytes) {
      throw new HttpError(413, `node ${n.hash} (${n.op}) of shape (${n.shape.join(", ")}) ${n.dtype} needs ${bytes} bytes, more than this server's limit of ${maxNodeBytes}`);
    }
    if (n.op !== "source") continue;
    const params = n.attrs["params"] ?? {};
    const confined = confineParams(params, "", roots, `source ${n.hash}`);
    if (JSON.stringify(confined) !== JSON.stringify(params)) {
      const attrs: Attrs = { ...n.attrs, params: confined };
      replace.set(n, make("source", [], attrs));
    }
  }
  return replace.size === 0 ? root : substitute(root, replace);
}

/**
 * A catalog destination writes into this server's catalog (TESSERAE_CATALOG, `serve --catalog`):
 * the catalog, and the product folder inside it (symlinks resolved), must lie under a root.
 */
function confineCatalogProduct(productId: unknown, roots: Roots): void {
  if (typeof productId !== "string") throw new HttpError(400, "destination catalog needs a string productId");
  try {
    checkName("product", productId);
  } catch (e) {
    throw new HttpError(400, `destination catalog: ${(e as Error).message}`);
  }
  const catalog = getConfig().catalog;
  if (!roots.contains(catalog)) throw new HttpError(403, `this server's catalog ${catalog} is outside its data roots: serve the catalog from a folder under a --root`);
  roots.confine(join(catalog, productId), `destination catalog product ${JSON.stringify(productId)}`);
}

/** A destination that writes files: its path confined like a source's. */
export function confineDestination(d: unknown, roots: Roots): unknown {
  if (d === undefined || d === null || d === "download") return d ?? undefined;
  if (typeof d !== "object" || Array.isArray(d)) throw new HttpError(400, "destination must be \"download\" or an object {type, ...}");
  const o = d as Record<string, unknown>;
  if (o["type"] === "file" || o["type"] === "zarr") return { ...o, path: roots.confine(o["path"], `destination ${String(o["type"])} path`) };
  if (o["type"] === "download") return o;
  if (o["type"] === "catalog") confineCatalogProduct(o["productId"], roots);
  for (const [k, v] of Object.entries(o)) if (PATH_KEY.test(k) && typeof v === "string") roots.confine(v, `destination ${k}`);
  return o;
}
