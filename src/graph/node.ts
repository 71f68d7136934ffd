/**
 * The expression IR: one immutable node shape, interned by content.
 * Building the same expression twice gives the same object, so common subexpressions are shared
 * and `hash` is the cache key of a node's result.
 */
import { createHash } from "node:crypto";
import type { DTypeName, TypedArray } from "../core/dtype.js";
import type { OpName } from "./ops.js";

/** Attribute values are plain JSON data (bigints are written as strings with an `n` suffix). */
export type AttrValue = number | string | boolean | null | readonly AttrValue[] | { readonly [k: string]: AttrValue };
export type Attrs = { readonly [k: string]: AttrValue };

/** What a node evaluates to. `shape` has -1 where the size depends on data. */
export interface NodeType {
  readonly kind: "array" | "scalar";
  readonly shape: readonly number[];
  readonly dtype: DTypeName;
  readonly masked: boolean;
}

/** In-memory data behind a literal source node (never part of the hash; see `token`). */
export interface Payload {
  readonly data: TypedArray;
  readonly mask?: Uint8Array;
}

export interface Node extends NodeType {
  readonly id: number;
  readonly hash: string;
  readonly op: OpName;
  readonly args: readonly Node[];
  readonly attrs: Attrs;
  readonly payload?: Payload;
}

let nextId = 1;
const table = new Map<string, WeakRef<Node>>();
const registry = new FinalizationRegistry<string>((hash) => {
  const ref = table.get(hash);
  if (ref !== undefined && ref.deref() === undefined) table.delete(hash);
});

/** Deterministic JSON text of an attribute value (what the hash reads; `-0` kept, non-finite numbers as strings). */
export function canonical(v: AttrValue): string {
  if (v === null || typeof v !== "object") {
    if (typeof v === "number" && !Number.isFinite(v)) return JSON.stringify(String(v));
    if (Object.is(v, -0)) return "-0";
    return JSON.stringify(v);
  }
  if (Array.isArray(v)) return `[${(v as readonly AttrValue[]).map(canonical).join(",")}]`;
  const o = v as { readonly [k: string]: AttrValue };
  return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k]!)}`).join(",")}}`;
}

export function hashOf(op: OpName, args: readonly Node[], attrs: Attrs, type: NodeType): string {
  const h = createHash("sha1");
  h.update(op);
  h.update("(");
  for (const a of args) h.update(a.hash + ",");
  h.update(")");
  h.update(canonical(attrs));
  h.update(`${type.kind}|${type.shape.join("x")}|${type.dtype}|${type.masked ? 1 : 0}`);
  return h.digest("hex").slice(0, 32);
}

/** Get or create the node with this content. */
export function intern(op: OpName, args: readonly Node[], attrs: Attrs, type: NodeType, payload?: Payload): Node {
  const hash = hashOf(op, args, attrs, type);
  const existing = table.get(hash)?.deref();
  if (existing !== undefined) return existing;
  const node: Node = Object.freeze({
    id: nextId++,
    hash,
    op,
    args: Object.freeze([...args]),
    attrs: Object.freeze({ ...attrs }),
    kind: type.kind,
    shape: Object.freeze([...type.shape]),
    dtype: type.dtype,
    masked: type.masked,
    ...(payload === undefined ? {} : { payload }),
  });
  table.set(hash, new WeakRef(node));
  registry.register(node, hash);
  return node;
}

/** Nodes reachable from `roots`, each once, dependencies before dependents. */
export function topoOrder(roots: readonly Node[]): Node[] {
  const seen = new Set<Node>();
  const out: Node[] = [];
  const stack: { n: Node; i: number }[] = roots.map((n) => ({ n, i: 0 })).reverse();
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (seen.has(top.n) && top.i === 0) {
      stack.pop();
      continue;
    }
    if (top.i < top.n.args.length) {
      const child = top.n.args[top.i++]!;
      if (!seen.has(child)) stack.push({ n: child, i: 0 });
      continue;
    }
    stack.pop();
    if (!seen.has(top.n)) {
      seen.add(top.n);
      out.push(top.n);
    }
  }
  return out;
}

/** A unique token for a big literal: identity, not content, keys it (hashing gigabytes at build time is not worth it). */
let nextToken = 1;
export function freshToken(): string {
  return `t${process.pid}.${nextToken++}.${Date.now().toString(36)}`;
}

/** The token of a literal keyed by its content (small literals always; serialized literals of any size). */
export function contentToken(data: { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }, mask?: Uint8Array): string {
  const h = createHash("sha1");
  h.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  if (mask !== undefined) h.update(mask);
  return h.digest("hex").slice(0, 24);
}
