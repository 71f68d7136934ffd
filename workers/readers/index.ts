/** The closed table of source readers. A source node names one of these; nothing else is callable. */
import { readGeotiff } from "./geotiff.js";
import { readNpy } from "./npy.js";
import { readZarr } from "./zarr.js";
import { TEST_READERS_ENV, readCrash, readSleep } from "./testing.js";
import type { Reader } from "./types.js";

export const READERS: Readonly<Record<string, Reader>> = {
  npy: readNpy,
  zarr: readZarr,
  geotiff: readGeotiff,
  ...(process.env[TEST_READERS_ENV] === "1" ? { "testing.sleep": readSleep, "testing.crash": readCrash } : {}),
};

export function readerOf(name: string): Reader {
  const r = Object.prototype.hasOwnProperty.call(READERS, name) ? READERS[name] : undefined;
  if (r === undefined) throw new TypeError(`unknown source reader '${name}'`);
  return r;
}
