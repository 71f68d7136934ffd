/** The closed table of source readers. A source node names one of these; nothing else is callable. */
import { readGeotiff } from "./geotiff.js";
import { readNpy } from "./npy.js";
import { readStore } from "./store.js";
import { TEST_READERS_ENV, readCrash, readSleep } from "./testing.js";
import type { Reader } from "./types.js";

/** A module beside this one, with this file's own extension (.ts from source, .js from dist). */
function sibling(name: string): string {
  return new URL(`./${name}${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url).href;
}

export const READERS: Readonly<Record<string, Reader>> = {
  npy: readNpy,
  // Readers with heavy dependencies load on first use, so a worker only loads what its tasks read.
  zarr: async (p, r, o) => ((await import(sibling("zarr"))) as typeof import("./zarr.js")).readZarr(p, r, o),
  // Imported statically: under tsx (how the CLI test runs the demo) a dynamic import of a .ts file fails in worker threads.
  geotiff: readGeotiff,
  ...(process.env[TEST_READERS_ENV] === "1" ? { "testing.sleep": readSleep, "testing.crash": readCrash } : {}),
};

/** Readers only plans use (never named in a user's graph): the intermediate stores of rechunking. */
const PLAN_READERS: Readonly<Record<string, Reader>> = { store: readStore };

export function readerOf(name: string): Reader {
  const own = (t: Readonly<Record<string, Reader>>) => (Object.prototype.hasOwnProperty.call(t, name) ? t[name] : undefined);
  const r = own(READERS) ?? own(PLAN_READERS);
  if (r === undefined) throw new TypeError(`unknown source reader '${name}'`);
  return r;
}
