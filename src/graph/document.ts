/**
 * The graph document: the one versioned form of an expression graph that `publish` stores and the
 * job server accepts. Nodes are listed by content hash, dependencies first; literal data rides
 * inline when small and as a shared binary blob when larger.
 */
import type { DTypeName } from "../core/dtype.js";
import type { AttrValue, Attrs, NodeType } from "./node.js";

export const GRAPH_FORMAT = "tesserae.graph";
export const GRAPH_VERSION = 1;

/** Literal data (values and mask together) up to this size rides inside its node. */
export const INLINE_LITERAL_BYTES = 4096;
/** The largest literal a document may hold (the Workflows API's limit). */
export const MAX_LITERAL_BYTES = 10 * 1024 * 1024;
/** Bounds that keep a hostile document cheap to refuse. */
export const MAX_NODES = 100_000;
export const MAX_ATTR_DEPTH = 16;
export const MAX_ATTR_CHARS = 1 << 20;
export const MAX_PARAMS = 1000;
export const MAX_KEY_CHARS = 128;

/** Where a literal's bytes are: inside the node, or blob `i` of the document. */
export type DataRef = { readonly inline: Uint8Array } | { readonly blob: number };

export interface DocNode {
  readonly key: string;
  readonly op: string;
  readonly args: readonly string[];
  readonly attrs: Attrs;
  readonly data?: DataRef;
  readonly mask?: DataRef;
}

/** A placeholder the graph depends on: its name and the proxy type an argument must have. */
export interface DocParam {
  readonly name: string;
  readonly type: string;
  /** Type-specific details (an array parameter's dtype and shape, for example). */
  readonly spec?: string;
}

export interface ResultType extends NodeType {
  /** The proxy class the result is wrapped in (`Array`, `MaskedArray`, `Scalar`, ...). */
  readonly proxy: string;
}

/** The result of a value document: a small proxy (`Int`, `Float`, `Bool`, `Str`, `List`, ...). */
export interface ValueResultType {
  readonly kind: "value";
  readonly proxy: string;
}

/** The deepest value expression a document may hold. */
export const MAX_VALUE_DEPTH = 512;

/**
 * A graph document computes node `root`. A value document instead holds `value`, the expression
 * of a small proxy (Int, Float, Str, List ...), which may refer to nodes by key (an array's shape,
 * say) and has `result.kind` "value".
 */
export interface GraphDocument {
  readonly format: typeof GRAPH_FORMAT;
  readonly version: typeof GRAPH_VERSION;
  readonly root?: string;
  readonly value?: AttrValue;
  /** What the result's proxy holds besides its node (an Image's properties and bands). */
  readonly meta?: AttrValue;
  readonly result: ResultType | ValueResultType;
  readonly params: readonly DocParam[];
  readonly nodes: readonly DocNode[];
  readonly blobs: readonly Uint8Array[];
}

/** A document that cannot be loaded; the message names the node, op or field at fault. */
export class GraphDocumentError extends Error {
  override name = "GraphDocumentError";
  /** `too_large` for size limits (a server answers 413), `invalid` otherwise (400). */
  readonly reason: "invalid" | "too_large";
  constructor(message: string, reason: "invalid" | "too_large" = "invalid") {
    super(message);
    this.reason = reason;
  }
}

export type { DTypeName };
