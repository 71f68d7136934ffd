/** Writing answers: JSON (bigints as strings), bytes, and errors as `{error: {name, message}}`. */
import type { ServerResponse } from "node:http";
import type { WireError } from "./protocol.js";

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
  res.end(text);
}

export function sendBytes(res: ServerResponse, status: number, bytes: Uint8Array, type: string): void {
  res.writeHead(status, { "content-type": type, "content-length": bytes.byteLength, "cache-control": "no-store" });
  res.end(bytes);
}

export function sendError(res: ServerResponse, status: number, error: WireError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, { error });
}

export function wireError(e: Error): WireError {
  const code = (e as { code?: unknown }).code;
  const jobId = (e as { jobId?: unknown }).jobId;
  return {
    name: e.name,
    message: e.message,
    ...(typeof code === "string" ? { code } : {}),
    ...(typeof jobId === "string" ? { jobId } : {}),
  };
}
