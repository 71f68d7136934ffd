/** A real job server on 127.0.0.1 (port 0) with its own home and data root, for the server tests. */
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, type RunningServer, type ServerOptions } from "../../src/server/server.js";

export interface TestServer {
  readonly server: RunningServer;
  readonly home: string;
  readonly root: string;
  raw(method: string, path: string, body?: Uint8Array | string, headers?: Record<string, string>): Promise<{ status: number; body: string }>;
}

export function tempHome(): { home: string; root: string } {
  const home = mkdtempSync(join(tmpdir(), "tesserae-server-"));
  const root = join(home, "data");
  mkdirSync(root, { recursive: true });
  return { home, root };
}

export async function testServer(opts: ServerOptions & { home?: string; root?: string } = {}): Promise<TestServer> {
  const dirs = opts.home === undefined ? tempHome() : { home: opts.home, root: opts.root ?? join(opts.home, "data") };
  const server = await startServer({ ...opts, home: dirs.home, roots: [dirs.root] });
  return {
    server,
    ...dirs,
    async raw(method, path, body, headers = {}) {
      const res = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
      return { status: res.status, body: await res.text() };
    },
  };
}
