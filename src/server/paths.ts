/**
 * File paths a request names are confined to the server's roots: no `..` segment, relative paths
 * resolve against the first root, and an absolute path (symlinks resolved) must lie inside a root.
 */
import { existsSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, resolve, sep } from "node:path";
import { HttpError } from "./http-error.js";

function realOf(p: string): string {
  // the longest existing prefix, resolved, plus the part that does not exist yet
  let cur = p;
  const rest: string[] = [];
  while (!existsSync(cur)) {
    const up = dirname(cur);
    if (up === cur) return p;
    rest.unshift(cur.slice(up.length + (up.endsWith(sep) ? 0 : 1)));
    cur = up;
  }
  return [realpathSync(cur), ...rest].join(sep);
}

export class Roots {
  private readonly real: readonly string[];

  constructor(readonly dirs: readonly string[]) {
    if (dirs.length === 0) throw new Error("a server needs at least one root directory");
    this.real = dirs.map((d) => realOf(resolve(d)));
  }

  /** Whether an absolute path lies inside a root once symlinks are resolved. */
  contains(abs: string): boolean {
    const real = realOf(resolve(abs));
    return this.real.some((r) => real === r || real.startsWith(r.endsWith(sep) ? r : r + sep));
  }

  /** The absolute path `p` names, or a 403 (400 for what is no path at all). */
  confine(p: unknown, what: string): string {
    if (typeof p !== "string" || p.length === 0 || p.length > 4096 || p.includes("\0")) throw new HttpError(400, `${what} must be a non-empty path`);
    if (p.split(/[\\/]/).includes("..")) throw new HttpError(403, `${what} ${JSON.stringify(p)} contains '..'`);
    const abs = isAbsolute(p) ? resolve(p) : resolve(this.dirs[0]!, p);
    if (!this.contains(abs)) {
      throw new HttpError(403, `${what} ${JSON.stringify(p)} is outside the server's data roots`);
    }
    return abs;
  }
}
