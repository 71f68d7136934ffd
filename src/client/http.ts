/** One HTTP exchange with a job server: bearer token, MessagePack or JSON bodies, errors mapped. */
import { Packr, Unpackr } from "msgpackr";
import { MSGPACK_TYPE, type WireError } from "../server/protocol.js";
import { answerError } from "./errors.js";

const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: "bigint" });

export interface Transport {
  readonly url: string;
  readonly token: string | undefined;
}

export function headers(t: Transport, extra: Record<string, string> = {}): Record<string, string> {
  return { ...(t.token === undefined ? {} : { authorization: `Bearer ${t.token}` }), ...extra };
}

async function errorOf(res: Response): Promise<Error> {
  let body: { error?: WireError } | undefined;
  try {
    body = (await res.json()) as { error?: WireError };
  } catch {
    body = undefined;
  }
  return answerError(res.status, body?.error);
}

/** Send `body` (MessagePack) and return the raw answer, throwing the mapped error on a non-2xx status. */
export async function call(t: Transport, method: string, path: string, body?: unknown, accept = "application/json"): Promise<Response> {
  const init: RequestInit = {
    method,
    headers: headers(t, { accept, ...(body === undefined ? {} : { "content-type": MSGPACK_TYPE }) }),
    ...(body === undefined ? {} : { body: packr.pack(body) }),
  };
  const res = await fetch(`${t.url}${path}`, init);
  if (!res.ok) throw await errorOf(res);
  return res;
}

export async function callJson<T>(t: Transport, method: string, path: string, body?: unknown): Promise<T> {
  return (await (await call(t, method, path, body)).json()) as T;
}

export async function callMsgpack<T>(t: Transport, method: string, path: string): Promise<T> {
  const res = await call(t, method, path, undefined, MSGPACK_TYPE);
  return unpackr.unpack(new Uint8Array(await res.arrayBuffer())) as T;
}

export async function callBytes(t: Transport, method: string, path: string, body?: unknown): Promise<Uint8Array> {
  return new Uint8Array(await (await call(t, method, path, body, "*/*")).arrayBuffer());
}
