/**
 * Graph documents as bytes: MessagePack (the stored and wire form) and JSON (for humans, and for
 * tools without MessagePack). Attributes travel as canonical JSON text in both, so `-0` and key
 * order survive; binary data is MessagePack bin, or base64 in JSON.
 */
import { Packr, Unpackr } from "msgpackr";
import { canonical, type AttrValue } from "./node.js";
import { checkDocument } from "./document-check.js";
import { GraphDocumentError, MAX_ATTR_CHARS, type DataRef, type GraphDocument } from "./document.js";

const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

export type DocumentForm = "msgpack" | "json";

function wireRef(r: DataRef, bytes: (b: Uint8Array) => unknown): unknown {
  return "inline" in r ? { inline: bytes(r.inline) } : { blob: r.blob };
}

function toWire(doc: GraphDocument, attrs: (a: AttrValue) => unknown, bytes: (b: Uint8Array) => unknown): unknown {
  return {
    format: doc.format,
    version: doc.version,
    ...(doc.root === undefined ? {} : { root: doc.root }),
    ...(doc.value === undefined ? {} : { value: canonical(doc.value) }),
    ...(doc.meta === undefined ? {} : { meta: canonical(doc.meta) }),
    result: doc.result,
    params: doc.params,
    nodes: doc.nodes.map((n) => ({
      key: n.key,
      op: n.op,
      args: n.args,
      attrs: attrs(n.attrs),
      ...(n.data === undefined ? {} : { data: wireRef(n.data, bytes) }),
      ...(n.mask === undefined ? {} : { mask: wireRef(n.mask, bytes) }),
    })),
    blobs: doc.blobs.map(bytes),
  };
}

const b64 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");

/** A placeholder that JSON.stringify cannot produce from any string (it escapes control characters). */
const RAW = (i: number): string => `\u0000${i}\u0000`;

export function documentToJson(doc: GraphDocument): string {
  const raw: string[] = [];
  const wire = toWire(doc, (a) => {
    raw.push(canonical(a));
    return RAW(raw.length - 1);
  }, b64);
  const { nodes, blobs, ...head } = wire as { nodes: unknown[]; blobs: unknown[] };
  const lines = (xs: unknown[]): string => (xs.length === 0 ? "[]" : `[\n  ${xs.map((x) => JSON.stringify(x)).join(",\n  ")}\n ]`);
  const top = Object.entries(head).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  const text = `{\n ${[...top, `"nodes": ${lines(nodes)}`, `"blobs": ${lines(blobs)}`].join(",\n ")}\n}\n`;
  return text.replace(/"\\u0000(\d+)\\u0000"/g, (_, i: string) => raw[Number(i)]!);
}

export function encodeDocument(doc: GraphDocument, form: DocumentForm = "msgpack"): Uint8Array {
  if (form === "json") return new TextEncoder().encode(documentToJson(doc));
  return packr.pack(toWire(doc, canonical, (b) => b));
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x) && !(x instanceof Uint8Array);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function fromB64(x: unknown, what: string): unknown {
  if (typeof x !== "string") return x;
  if (x.length % 4 !== 0 || !BASE64.test(x)) throw new GraphDocumentError(`${what} is not valid base64`);
  return new Uint8Array(Buffer.from(x, "base64"));
}

function parseAttrs(x: unknown, where: string): unknown {
  if (typeof x !== "string") return x;
  if (x.length > MAX_ATTR_CHARS) throw new GraphDocumentError(`${where}: attributes of ${x.length} characters exceed the limit of ${MAX_ATTR_CHARS}`, "too_large");
  try {
    return JSON.parse(x) as unknown;
  } catch {
    throw new GraphDocumentError(`${where}: attributes are not valid JSON`);
  }
}

/** Bring either form to one shape: attrs as values, data as bytes. */
function normalize(wire: unknown, form: DocumentForm): unknown {
  if (!isRecord(wire)) return wire;
  const nodes = Array.isArray(wire["nodes"]) ? wire["nodes"] : undefined;
  const blobs = Array.isArray(wire["blobs"]) ? wire["blobs"] : undefined;
  const ref = (r: unknown, what: string): unknown => (isRecord(r) && "inline" in r ? { ...r, inline: form === "json" ? fromB64(r["inline"], what) : r["inline"] } : r);
  return {
    ...wire,
    ...("value" in wire ? { value: parseAttrs(wire["value"], "value") } : {}),
    ...("meta" in wire ? { meta: parseAttrs(wire["meta"], "meta") } : {}),
    ...(nodes === undefined ? {} : {
      nodes: nodes.map((n: unknown, i: number) => {
        if (!isRecord(n)) return n;
        const where = `node #${i}`;
        const out: Record<string, unknown> = { ...n };
        if (form === "msgpack") out["attrs"] = parseAttrs(n["attrs"], where);
        if ("data" in n) out["data"] = ref(n["data"], `${where}: data`);
        if ("mask" in n) out["mask"] = ref(n["mask"], `${where}: mask`);
        return out;
      }),
    }),
    ...(blobs === undefined || form === "msgpack" ? {} : { blobs: blobs.map((b: unknown, i: number) => fromB64(b, `blob #${i}`)) }),
  };
}

/** Which form some bytes are in: a JSON document starts with `{` (never the start of a MessagePack map). */
export function formOf(bytes: Uint8Array): DocumentForm {
  for (const c of bytes) {
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    return c === 0x7b ? "json" : "msgpack";
  }
  return "msgpack";
}

/** Check a document already parsed from MessagePack or JSON (a job server's request carries it inside its body). */
export function decodeDocumentValue(wire: unknown, form: DocumentForm): GraphDocument {
  return checkDocument(normalize(wire, form));
}

/** Parse and check a document in either form (structure only: `loadGraph` checks the graph). */
export function decodeDocument(input: Uint8Array | string): GraphDocument {
  const bytes = typeof input === "string" ? new TextEncoder().encode(input) : input;
  if (bytes.length === 0) throw new GraphDocumentError("empty graph document");
  const form = formOf(bytes);
  let wire: unknown;
  try {
    wire = form === "json" ? JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)) : unpackr.unpack(bytes);
  } catch (e) {
    throw new GraphDocumentError(`graph document is not valid ${form === "json" ? "JSON" : "MessagePack"}: ${(e as Error).message}`);
  }
  return checkDocument(normalize(wire, form));
}
