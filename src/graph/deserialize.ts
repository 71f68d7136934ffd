/**
 * Graph document → expression graph. Every node is checked (known op, arity, references, no cycle,
 * attributes, literal sizes) and rebuilt through `make`, so type inference re-validates shapes and
 * dtypes exactly as when the graph was first built.
 */
import { DTYPES, allocate, type DTypeName, type TypedArray } from "../core/dtype.js";
import { ProxyTypeError } from "../core/errors.js";
import { sizeOf } from "../core/shape.js";
import { contentToken, type AttrValue, type Node, type Payload } from "./node.js";
import { make } from "./make.js";
import { OP_ARITY, isOpName, type OpName } from "./ops.js";
import { checkAttrs } from "./attr-schema.js";
import { originalOf } from "./serialize.js";
import { decodeDocument } from "./document-codec.js";
import { GraphDocumentError, MAX_LITERAL_BYTES, type DataRef, type DocNode, type DocParam, type GraphDocument, type ResultType, type ValueResultType } from "./document.js";

export interface LoadedGraph {
  readonly root: Node;
  readonly params: readonly DocParam[];
  readonly result: ResultType;
  /** What the result's proxy holds besides the node, unchecked (the proxy's loader checks it). */
  readonly meta?: AttrValue;
}

const fail = (msg: string, reason: "invalid" | "too_large" = "invalid"): never => {
  throw new GraphDocumentError(msg, reason);
};

/** Index the nodes, checking ops, arities and references. */
function index(doc: GraphDocument): Map<string, DocNode> {
  const byKey = new Map<string, DocNode>();
  for (const n of doc.nodes) {
    if (byKey.has(n.key)) fail(`node ${n.key} appears twice`);
    byKey.set(n.key, n);
  }
  for (const n of doc.nodes) {
    if (!isOpName(n.op)) fail(`node ${n.key}: unknown op ${JSON.stringify(n.op)}`);
    const { min, max } = OP_ARITY[n.op as OpName];
    if (n.args.length < min || (max !== undefined && n.args.length > max)) {
      const want = max === min ? `${min}` : max === undefined ? `at least ${min}` : `${min} to ${max}`;
      fail(`node ${n.key}: op '${n.op}' takes ${want} argument${want === "1" ? "" : "s"}, got ${n.args.length}`);
    }
    for (const a of n.args) if (!byKey.has(a)) fail(`node ${n.key} refers to missing node ${a}`);
    if ((n.data !== undefined || n.mask !== undefined) && n.op !== "literal") fail(`node ${n.key}: only literal nodes carry data`);
  }
  return byKey;
}

/** The nodes under `roots`, dependencies first; a cycle is refused naming a node on it. */
function order(roots: readonly string[], byKey: ReadonlyMap<string, DocNode>): DocNode[] {
  const state = new Map<string, 1 | 2>(); // 1: on the current path, 2: done
  const out: DocNode[] = [];
  for (const root of roots) {
    if (state.has(root)) continue;
    const stack: { n: DocNode; i: number }[] = [{ n: byKey.get(root)!, i: 0 }];
    state.set(root, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.i < top.n.args.length) {
        const k = top.n.args[top.i++]!;
        const s = state.get(k);
        if (s === 1) fail(`cycle in the graph through node ${k}`);
        if (s === undefined) {
          state.set(k, 1);
          stack.push({ n: byKey.get(k)!, i: 0 });
        }
        continue;
      }
      stack.pop();
      state.set(top.n.key, 2);
      out.push(top.n);
    }
  }
  return out;
}

function bytesOf(ref: DataRef, blobs: readonly Uint8Array[]): Uint8Array {
  return "inline" in ref ? ref.inline : blobs[ref.blob]!;
}

function only01(b: Uint8Array, what: string, where: string): void {
  for (let i = 0; i < b.length; i++) if (b[i]! > 1) fail(`${where}: ${what} byte ${i} is ${b[i]}, not 0 or 1`);
}

function literalPayload(n: DocNode, doc: GraphDocument): Payload {
  const where = `node ${n.key}`;
  if (n.data === undefined) fail(`${where}: a literal needs data`);
  const dtype = n.attrs["dtype"] as DTypeName;
  const count = sizeOf(n.attrs["shape"] as number[]);
  const raw = bytesOf(n.data!, doc.blobs);
  const rawMask = n.mask === undefined ? undefined : bytesOf(n.mask, doc.blobs);
  const total = raw.byteLength + (rawMask?.byteLength ?? 0);
  if (total > MAX_LITERAL_BYTES) fail(`${where}: literal of ${total} bytes is larger than the limit of ${MAX_LITERAL_BYTES} bytes`, "too_large");
  const need = count * DTYPES[dtype].bytes;
  if (raw.byteLength !== need) fail(`${where}: literal data has ${raw.byteLength} bytes, but ${count} ${dtype} elements need ${need}`);
  if ((n.attrs["masked"] === true) !== (rawMask !== undefined)) fail(`${where}: attribute 'masked' disagrees with the presence of a mask`);
  if (rawMask !== undefined && rawMask.byteLength !== count) fail(`${where}: mask has ${rawMask.byteLength} bytes for ${count} elements`);
  if (dtype === "bool") only01(raw, "bool data", where);
  const data: TypedArray = allocate(dtype, count, true);
  new Uint8Array(data.buffer, data.byteOffset, data.byteLength).set(raw);
  let mask: Uint8Array | undefined;
  if (rawMask !== undefined) {
    only01(rawMask, "mask", where);
    mask = allocate("bool", count, true) as Uint8Array;
    mask.set(rawMask);
  }
  if (contentToken(data, mask) !== n.attrs["token"]) fail(`${where}: literal token does not match its data`);
  return mask === undefined ? { data } : { data, mask };
}

function build(n: DocNode, args: readonly Node[], doc: GraphDocument): Node {
  const op = n.op as OpName;
  const where = `node ${n.key} (${op})`;
  checkAttrs(op, n.attrs, args, where);
  const payload = op === "literal" ? literalPayload(n, doc) : undefined;
  try {
    const node = make(op, args, n.attrs, payload);
    return op === "literal" ? originalOf(node) ?? node : node;
  } catch (e) {
    if (e instanceof ProxyTypeError || e instanceof RangeError || e instanceof TypeError) fail(`${where}: ${e.message}`);
    throw e;
  }
}

function sameType(a: ResultType, n: Node): boolean {
  return a.kind === n.kind && a.dtype === n.dtype && a.masked === n.masked && a.shape.length === n.shape.length && a.shape.every((s, i) => s === n.shape[i]);
}

/** Every node under `roots`, rebuilt; each parameter node declared in the document with its type. */
function buildAll(doc: GraphDocument, byKey: ReadonlyMap<string, DocNode>, roots: readonly string[]): Map<string, Node> {
  const built = new Map<string, Node>();
  for (const n of order(roots, byKey)) built.set(n.key, build(n, n.args.map((a) => built.get(a)!), doc));
  const declared = new Map<string, string>();
  for (const p of doc.params) {
    if (declared.has(p.name)) fail(`parameter ${p.name} is declared twice`);
    declared.set(p.name, p.type);
  }
  for (const n of built.values()) {
    if (n.op !== "param") continue;
    const name = n.attrs["name"] as string;
    const type = declared.get(name);
    if (type === undefined) fail(`parameter ${name} is used by the graph but not declared in the document`);
    if (type !== n.attrs["type"]) fail(`parameter ${name} is declared as ${type} but used as ${String(n.attrs["type"])}`);
  }
  return built;
}

/** Rebuild the graph of a checked document. */
export function loadGraph(doc: GraphDocument): LoadedGraph {
  const result = doc.result;
  if (doc.root === undefined || result.kind === "value") return fail(`this is a value document (${doc.result.proxy}), not an array graph`);
  const byKey = index(doc);
  if (!byKey.has(doc.root)) fail(`the root ${doc.root} is not a node of the document`);
  const built = buildAll(doc, byKey, [doc.root]);
  if (built.size !== byKey.size) fail(`node ${[...byKey.keys()].find((k) => !built.has(k))} is not reachable from the root`);
  const root = built.get(doc.root)!;
  if (!sameType(result, root)) {
    fail(`the result is declared as ${result.kind} ${result.dtype}[${result.shape.join(", ")}]${result.masked ? " (masked)" : ""}, but the graph gives ${root.kind} ${root.dtype}[${root.shape.join(", ")}]${root.masked ? " (masked)" : ""}`);
  }
  return { root, params: doc.params, result, ...(doc.meta === undefined ? {} : { meta: doc.meta }) };
}

/** A value document: its expression (still in wire form), its nodes by key, rebuilt, and its parameters. */
export interface LoadedValue {
  readonly value: AttrValue;
  readonly nodes: ReadonlyMap<string, Node>;
  readonly params: readonly DocParam[];
  readonly result: ValueResultType;
}

/** Rebuild the nodes of a checked value document (the proxy layer reads its expression). */
export function loadValue(doc: GraphDocument): LoadedValue {
  const result = doc.result;
  if (doc.value === undefined || result.kind !== "value") return fail("this is an array graph document, not a value document");
  const byKey = index(doc);
  return { value: doc.value, nodes: buildAll(doc, byKey, [...byKey.keys()]), params: doc.params, result };
}

/** Decode bytes in either form and rebuild the graph. */
export function loadDocument(bytes: Uint8Array | string): LoadedGraph {
  return loadGraph(decodeDocument(bytes));
}
