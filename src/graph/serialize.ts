/**
 * Expression graph → graph document. Every literal is keyed by its content here (big literals carry
 * an identity token in memory), so saving the same data twice gives the same document.
 */
import { createHash } from "node:crypto";
import { contentToken, topoOrder, type AttrValue, type Node } from "./node.js";
import { make, substitute } from "./make.js";
import {
  GRAPH_FORMAT, GRAPH_VERSION, INLINE_LITERAL_BYTES, MAX_LITERAL_BYTES, GraphDocumentError,
  type DataRef, type DocNode, type DocParam, type GraphDocument,
} from "./document.js";

export interface SaveOptions {
  /** The parameters the graph depends on (default: those of its `param` nodes). */
  readonly params?: readonly DocParam[];
  /** The proxy class of the result when it is not the one the root node implies. */
  readonly proxy?: string;
  /** What that proxy holds besides its node. */
  readonly meta?: AttrValue;
}

/** The proxy class a node is wrapped in by default. */
export function proxyNameOf(node: Node): string {
  if (node.kind === "scalar") return "Scalar";
  return node.masked ? "MaskedArray" : "Array";
}

function bytesOf(a: { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

// A big literal is hashed once per process, not at every save; loading its twin in this process
// gives back the original, so load(save(x)) is x itself.
const twins = new WeakMap<Node, Node>();
const originals = new WeakMap<Node, Node>();

/** The in-memory literal a content-keyed literal was made from in this process, if any. */
export function originalOf(lit: Node): Node | undefined {
  return originals.get(lit);
}

function contentKeyed(lit: Node): Node {
  const p = lit.payload;
  if (p === undefined) throw new GraphDocumentError(`literal node ${lit.hash} has no data`);
  const size = p.data.byteLength + (p.mask?.byteLength ?? 0);
  if (size > MAX_LITERAL_BYTES) {
    throw new GraphDocumentError(`literal of ${size} bytes is larger than the ${MAX_LITERAL_BYTES}-byte limit of a graph document; read it from a file instead`, "too_large");
  }
  const known = twins.get(lit);
  if (known !== undefined) return known;
  const token = contentToken(p.data, p.mask);
  const twin = token === lit.attrs["token"] ? lit : make("literal", [], { ...lit.attrs, token }, p);
  twins.set(lit, twin);
  if (twin !== lit) originals.set(twin, lit);
  return twin;
}

/** The same graph with every literal keyed by content (the node itself when nothing changes). */
export function canonicalGraph(root: Node): Node {
  const replace = new Map<Node, Node>();
  for (const n of topoOrder([root])) {
    if (n.op !== "literal") continue;
    const t = contentKeyed(n);
    if (t !== n) replace.set(n, t);
  }
  return replace.size === 0 ? root : substitute(root, replace);
}

class BlobTable {
  readonly blobs: Uint8Array[] = [];
  private readonly index = new Map<string, number>();

  ref(bytes: Uint8Array, inlineOk: boolean): DataRef {
    if (inlineOk) return { inline: bytes.slice() };
    const key = createHash("sha1").update(bytes).digest("hex");
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.blobs.length;
      this.blobs.push(bytes.slice());
      this.index.set(key, i);
    }
    return { blob: i };
  }
}

/** The parameters behind the graph's `param` nodes, in name order. */
export function paramsOf(root: Node): DocParam[] {
  const byName = new Map<string, DocParam>();
  for (const n of topoOrder([root])) {
    if (n.op === "param") byName.set(n.attrs["name"] as string, { name: n.attrs["name"] as string, type: n.attrs["type"] as string });
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The nodes under `tops` (already content-keyed), dependencies first, with their literal data. */
function documentNodes(tops: readonly Node[]): { nodes: DocNode[]; blobs: Uint8Array[] } {
  const blobs = new BlobTable();
  const nodes: DocNode[] = topoOrder(tops).map((n) => {
    const base = { key: n.hash, op: n.op, args: n.args.map((a) => a.hash), attrs: n.attrs };
    if (n.op !== "literal" || n.payload === undefined) return base;
    const { data, mask } = n.payload;
    const small = data.byteLength + (mask?.byteLength ?? 0) <= INLINE_LITERAL_BYTES;
    const d = blobs.ref(bytesOf(data), small);
    return mask === undefined ? { ...base, data: d } : { ...base, data: d, mask: blobs.ref(bytesOf(mask), small) };
  });
  return { nodes, blobs: blobs.blobs };
}

/** The document of the graph under `root`. */
export function saveGraph(root: Node, opts: SaveOptions = {}): GraphDocument {
  const top = canonicalGraph(root);
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    root: top.hash,
    result: { kind: top.kind, shape: [...top.shape], dtype: top.dtype, masked: top.masked, proxy: opts.proxy ?? proxyNameOf(top) },
    params: [...(opts.params ?? paramsOf(top))],
    ...(opts.meta === undefined ? {} : { meta: opts.meta }),
    ...documentNodes([top]),
  };
}

/**
 * The document of a small proxy's value expression (Int, Str, List ...). It may refer to nodes:
 * `encode` writes the expression given the document key of each node it names.
 */
export function saveValue(refs: readonly Node[], encode: (keyOf: (n: Node) => string) => AttrValue, opts: { proxy: string; params: readonly DocParam[] }): GraphDocument {
  const tops = refs.map(canonicalGraph);
  const keys = new Map(refs.map((n, i) => [n, tops[i]!.hash]));
  const keyOf = (n: Node): string => {
    const k = keys.get(n);
    if (k === undefined) throw new GraphDocumentError(`the value refers to node ${n.hash}, which is not among its nodes`);
    return k;
  };
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    value: encode(keyOf),
    result: { kind: "value", proxy: opts.proxy },
    params: [...opts.params],
    ...documentNodes(tops),
  };
}
