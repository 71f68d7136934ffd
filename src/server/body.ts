/** Request bodies: read with a size limit (413 past it), decoded from MessagePack or JSON. */
import type { IncomingMessage } from "node:http";
import { Unpackr } from "msgpackr";
import { HttpError } from "./http-error.js";

export const MSGPACK = "application/msgpack";
export const JSON_TYPE = "application/json";

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: "bigint" });

export async function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw new HttpError(413, `request body of ${declared} bytes is larger than the limit of ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > limit) {
      req.resume();
      throw new HttpError(413, `request body is larger than the limit of ${limit} bytes`);
    }
    chunks.push(c);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

export function bodyType(req: IncomingMessage): "msgpack" | "json" {
  const t = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (t === MSGPACK || t === "application/x-msgpack") return "msgpack";
  if (t === JSON_TYPE || t === "") return "json";
  throw new HttpError(415, `unsupported content type ${JSON.stringify(t)}: send ${MSGPACK} or ${JSON_TYPE}`);
}

/** The decoded body; any decoding failure is a 400 naming the format. */
export async function readValue(req: IncomingMessage, limit: number): Promise<{ value: unknown; form: "msgpack" | "json" }> {
  const form = bodyType(req);
  const bytes = await readBody(req, limit);
  if (bytes.length === 0) throw new HttpError(400, "empty request body");
  try {
    const value: unknown = form === "json" ? JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)) : unpackr.unpack(bytes);
    return { value, form };
  } catch (e) {
    throw new HttpError(400, `request body is not valid ${form === "json" ? "JSON" : "MessagePack"}: ${(e as Error).message}`);
  }
}
