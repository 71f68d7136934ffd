/**
 * `tesserae serve`: the job system behind HTTP (node:http, loopback by default). Every request is
 * authenticated when a token is set, bounded in size, routed, and answered; a failure is a JSON
 * error with a 4xx status, never a crash.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { mkdirSync } from "node:fs";
import { getConfig } from "../config.js";
// the public module registers the proxy classes that requests are wrapped in (a `tesserae serve`
// process imports nothing else that does)
import "../index.js";
import { storeAt } from "../registry/embedded.js";
import type { ServerContext } from "./context.js";
import { statusOf } from "./errors.js";
import { HttpError } from "./http-error.js";
import { JobTable } from "./job-table.js";
import { Roots } from "./paths.js";
import { API } from "./protocol.js";
import { sendError, wireError } from "./respond.js";
import { route } from "./routes.js";

export interface ServerOptions {
  port?: number;
  host?: string;
  token?: string;
  /** Directories file sources and destinations may use (default `$TESSERAE_HOME/data`). */
  roots?: string[];
  /** Where the workflow registry lives (default `$TESSERAE_HOME`). */
  home?: string;
  maxBodyBytes?: number;
  maxJobsPerClient?: number;
  /** The most data one node of a submitted graph may declare. */
  maxNodeBytes?: number;
  log?: (line: string) => void;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const digest = (s: string): Buffer => createHash("sha256").update(s).digest();

function authorize(req: IncomingMessage, token: string | undefined): void {
  if (token === undefined) return;
  const h = req.headers["authorization"];
  const given = typeof h === "string" && h.startsWith("Bearer ") ? h.slice(7) : undefined;
  if (given === undefined || !timingSafeEqual(digest(given), digest(token))) {
    throw new HttpError(401, "missing or wrong bearer token");
  }
}

function segmentsOf(url: string | undefined): { segs: string[]; query: URLSearchParams } {
  let u: URL;
  try {
    u = new URL(url ?? "/", "http://localhost");
  } catch {
    throw new HttpError(400, "malformed request URL");
  }
  const parts = u.pathname.split("/").filter((p) => p !== "");
  if (`/${parts[0] ?? ""}` !== API) throw new HttpError(404, `no such endpoint: ${u.pathname} (the API lives under ${API}/)`);
  try {
    return { segs: parts.slice(1).map(decodeURIComponent), query: u.searchParams };
  } catch {
    throw new HttpError(400, "malformed percent-encoding in the request URL");
  }
}

export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const home = opts.home ?? getConfig().home;
  const dirs = opts.roots && opts.roots.length > 0 ? opts.roots : [join(home, "data")];
  for (const d of dirs) mkdirSync(d, { recursive: true });
  const ctx: ServerContext = {
    limits: { roots: new Roots(dirs), maxNodeBytes: opts.maxNodeBytes ?? Math.max(getConfig().memoryLimit, 1 << 30) },
    jobs: new JobTable(opts.maxJobsPerClient ?? getConfig().maxOutstandingJobs),
    store: await storeAt(home),
    maxBodyBytes: opts.maxBodyBytes ?? 64 * 1024 * 1024,
  };
  const log = opts.log ?? (() => undefined);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      authorize(req, opts.token);
      const { segs, query } = segmentsOf(req.url);
      const method = req.method ?? "GET";
      const h = route(method, segs);
      if (h === undefined) throw new HttpError(404, `no such endpoint: ${method} ${API}/${segs.join("/")}`);
      if (h === 405) throw new HttpError(405, `${method} is not allowed on ${API}/${segs.join("/")}`);
      const client = `${req.socket.remoteAddress ?? "?"}|${req.headers["authorization"] ?? ""}`;
      await h({ req, res, method, segments: segs, query, client }, ctx);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      const status = statusOf(err);
      if (status >= 500) log(`${req.method} ${req.url}: ${err.stack ?? err.message}`);
      if (!req.complete) req.resume();
      sendError(res, status, e instanceof HttpError ? { name: e.errorName, message: e.message } : wireError(err));
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  server.headersTimeout = 30_000;
  server.requestTimeout = 5 * 60_000;
  server.on("clientError", (_e, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{\"error\":{\"name\":\"BadRequest\",\"message\":\"malformed HTTP request\"}}");
    else socket.destroy();
  });
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    close: async () => {
      ctx.jobs.cancelAll();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
