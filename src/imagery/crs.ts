/**
 * Coordinate reference systems: "EPSG:<code>" (definitions from the epsg-index package, read one
 * code at a time) or a PROJ string. What the engine passes around is the resolved `Crs`: a stable
 * id, the PROJ string proj4 takes, and the EPSG code a GeoTIFF needs.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ProxyTypeError } from "../core/errors.js";
import type { EpsgCrs } from "./tiff/geokeys.js";

export interface Crs {
  /** "EPSG:<code>" when there is one, else the PROJ string as given. */
  readonly id: string;
  readonly proj4: string;
  readonly epsg: number | null;
  readonly geographic: boolean;
}

interface EpsgEntry {
  readonly kind: string;
  readonly proj4: string | null;
}

let epsgDir: string | undefined;
const cache = new Map<number, Crs>();

function epsgFile(code: number): string {
  epsgDir ??= join(dirname(createRequire(import.meta.url).resolve("epsg-index/package.json")), "s");
  return join(epsgDir, `${code}.json`);
}

const GEOGRAPHIC_PROJ = /\+proj=(longlat|latlong|lonlat|latlon)\b/;

function fromEpsg(code: number): Crs {
  const hit = cache.get(code);
  if (hit !== undefined) return hit;
  const file = epsgFile(code);
  if (!existsSync(file)) throw new ProxyTypeError(`unknown coordinate system EPSG:${code}`);
  const entry = JSON.parse(readFileSync(file, "utf8")) as EpsgEntry;
  if (!entry.kind.startsWith("CRS-") || entry.proj4 === null || entry.proj4 === "") {
    throw new ProxyTypeError(`EPSG:${code} is not a coordinate system tesserae can project (${entry.kind})`);
  }
  const crs: Crs = { id: `EPSG:${code}`, proj4: entry.proj4, epsg: code, geographic: entry.kind === "CRS-GEOGCRS" || GEOGRAPHIC_PROJ.test(entry.proj4) };
  cache.set(code, crs);
  return crs;
}

/** The EPSG code a few common PROJ strings are equivalent to (WGS 84 lon/lat and UTM). */
function epsgOfProj(p: string): number | null {
  const wgs84 = /\+datum=WGS84\b/.test(p) || /\+ellps=WGS84\b/.test(p);
  if (!wgs84) return null;
  if (GEOGRAPHIC_PROJ.test(p)) return 4326;
  const utm = /\+proj=utm\b/.test(p) ? /\+zone=(\d+)\b/.exec(p) : null;
  if (utm !== null) return (/\+south\b/.test(p) ? 32700 : 32600) + Number(utm[1]);
  return null;
}

/** Resolve "EPSG:<code>" (any case) or a PROJ string ("+proj=..."). */
export function parseCrs(s: string): Crs {
  if (typeof s !== "string") throw new ProxyTypeError(`a coordinate system must be a string like "EPSG:4326", got ${typeof s}`);
  const m = /^\s*epsg:(\d+)\s*$/i.exec(s);
  if (m !== null) return fromEpsg(Number(m[1]));
  if (/^\s*\+proj=/.test(s)) {
    const proj = s.trim();
    const epsg = epsgOfProj(proj);
    return { id: epsg === null ? proj : `EPSG:${epsg}`, proj4: proj, epsg, geographic: GEOGRAPHIC_PROJ.test(proj) };
  }
  throw new ProxyTypeError(`coordinate system ${JSON.stringify(s)} not understood: use "EPSG:<code>" or a PROJ string ("+proj=...")`);
}

export function crsOfEpsg(e: EpsgCrs): Crs {
  return fromEpsg(e.epsg);
}

/** What a GeoTIFF writer needs: an EPSG code (a PROJ string without one cannot be written). */
export function epsgCrsOf(c: Crs): EpsgCrs {
  if (c.epsg === null) throw new ProxyTypeError(`a GeoTIFF needs an EPSG coordinate system; ${c.id} has no EPSG code`);
  return { epsg: c.epsg, geographic: c.geographic };
}

export function sameCrs(a: Crs, b: Crs): boolean {
  return a.id === b.id || a.proj4 === b.proj4;
}
