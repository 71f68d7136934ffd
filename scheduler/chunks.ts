/**
 * Chunk shapes: the default for new arrays, and how a node's chunking follows from its inputs.
 * A chunk shape is one size per axis (the last chunk along an axis may be partial).
 */
import { DTYPES } from "../src/core/dtype.js";
import { ProxyTypeError } from "../src/core/errors.js";
import type { Node } from "../src/graph/node.js";
import { resolveView, type ViewItem } from "../src/graph/view.js";

/** Default bytes per chunk of an in-memory array. */
export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;

/** C-contiguous slabs: keep trailing axes whole while the chunk stays under the target. */
export function autoChunks(shape: readonly number[], itemBytes: number, target = DEFAULT_CHUNK_BYTES): number[] {
  const out = shape.map((s) => Math.max(s, 1));
  let bytes = itemBytes;
  let d = shape.length - 1;
  for (; d >= 0; d--) {
    const s = Math.max(shape[d]!, 1);
    if (bytes * s > target) break;
    bytes *= s;
  }
  if (d < 0) return out;
  out[d] = Math.max(1, Math.floor(target / bytes));
  for (let k = d - 1; k >= 0; k--) out[k] = 1;
  return out.map((c, i) => Math.min(c, Math.max(shape[i]!, 1)));
}

/** Validate and normalize a user's `chunks` option (one size per axis, -1 = whole axis, or "auto"). */
export function normalizeChunks(chunks: readonly number[] | "auto" | undefined, shape: readonly number[], itemBytes: number): number[] {
  if (chunks === undefined || chunks === "auto") return autoChunks(shape, itemBytes);
  if (!Array.isArray(chunks) || chunks.length !== shape.length) {
    throw new ProxyTypeError(`chunks ${JSON.stringify(chunks)} must give one size per axis of an array of shape (${shape.join(", ")})`);
  }
  return chunks.map((c, i) => {
    if (c === -1) return Math.max(shape[i]!, 1);
    if (!Number.isInteger(c) || c < 1) throw new ProxyTypeError(`chunk size ${c} on axis ${i} must be a positive integer or -1`);
    return Math.min(c, Math.max(shape[i]!, 1));
  });
}

/** The chunk shape a node's result naturally has, following its inputs. */
export function chunksOf(node: Node, memo: Map<Node, number[]> = new Map()): number[] {
  const hit = memo.get(node);
  if (hit !== undefined) return hit;
  const shape = node.shape;
  const item = DTYPES[node.dtype].bytes;
  let out: number[];
  const fromArgs = (): number[] =>
    shape.map((s, i) => {
      for (const a of node.args) {
        const j = i - (shape.length - a.shape.length);
        if (j >= 0 && a.shape[j] === s && s !== 1) return chunksOf(a, memo)[j]!;
      }
      return Math.max(s, 1);
    });
  switch (node.op) {
    case "literal":
    case "source": {
      const c = node.attrs["chunks"];
      out = Array.isArray(c) ? (c as number[]) : autoChunks(shape, item);
      break;
    }
    case "map": case "cast": case "where": case "make_masked": case "getdata": case "getmask": case "filled": case "check": case "broadcast":
      out = fromArgs();
      break;
    case "search":
      out = chunksOf(node.args[0]!, memo);
      break;
    case "view": {
      const a = node.args[0]!;
      const ac = chunksOf(a, memo);
      const r = resolveView(node.attrs["items"] as unknown as ViewItem[], a.shape);
      out = r.axes.map((ax) => (ax.inAxis < 0 ? 1 : Math.max(1, Math.min(Math.ceil(ac[ax.inAxis]! / Math.abs(ax.step)), ax.len))));
      break;
    }
    case "transpose": {
      const ac = chunksOf(node.args[0]!, memo);
      out = (node.attrs["axes"] as number[]).map((i) => ac[i]!);
      break;
    }
    case "reduce": {
      const ac = chunksOf(node.args[0]!, memo);
      const axes = node.attrs["axes"] as number[];
      out = node.attrs["keepdims"] === true ? ac.map((c, i) => (axes.includes(i) ? 1 : c)) : ac.filter((_, i) => !axes.includes(i));
      break;
    }
    default:
      out = autoChunks(shape, item);
  }
  out = out.map((c, i) => Math.max(1, Math.min(c, Math.max(shape[i]!, 1))));
  memo.set(node, out);
  return out;
}

/**
 * The grid a source is read in: a Zarr array's stored chunks (its node's `chunks` are the task grid,
 * which a user may choose), other readers' node chunks.
 */
export function storedChunks(n: Node): number[] {
  if (n.attrs["reader"] !== "zarr") return n.attrs["chunks"] as number[];
  const stored = (n.attrs["params"] as { readonly [k: string]: unknown })["chunks"];
  // the reader names chunk files by this grid: any other grid would read the wrong files (or none, as fill values)
  if (!Array.isArray(stored) || stored.length !== n.shape.length || !stored.every((c) => Number.isSafeInteger(c) && (c as number) >= 1)) {
    throw new TypeError(`zarr source: params.chunks ${JSON.stringify(stored ?? null)} must give one positive integer per axis of its shape (${n.shape.join(", ")})`);
  }
  return n.shape.map((s, i) => Math.min(stored[i] as number, Math.max(s, 1)));
}
