/**
 * `tesserae run` inputs: `--arg name=value` typed by the workflow's declared parameters, the
 * output format (given, or from the --out file's extension), and `--geoctx` as GeoContext options.
 */
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { NDArray } from "../core/ndarray.js";
import type { DocParam } from "../graph/document.js";
import { UsageError } from "./args.js";

export const RUN_FORMATS = ["json", "npy", "msgpack", "arrow", "geotiff", "png"] as const;
export type RunFormat = (typeof RUN_FORMATS)[number];

const BY_EXTENSION: Readonly<Record<string, RunFormat>> = {
  ".json": "json", ".npy": "npy", ".msgpack": "msgpack", ".arrow": "arrow", ".tif": "geotiff", ".tiff": "geotiff", ".png": "png",
};

/** `--format`, else the one `--out`'s extension names (npy when it names none), else json. */
export function runFormat(given: string | undefined, out: string | undefined, who: string): RunFormat {
  if (given !== undefined) {
    if (!(RUN_FORMATS as readonly string[]).includes(given)) throw new UsageError(`${who}: unknown format ${JSON.stringify(given)}; formats: ${RUN_FORMATS.join(", ")}`, who);
    return given as RunFormat;
  }
  if (out === undefined) return "json";
  return BY_EXTENSION[extname(out).toLowerCase()] ?? "npy";
}

function bad(who: string, name: string, type: string, expected: string, raw: string): UsageError {
  return new UsageError(`${who}: --arg ${name}: ${/^[AEIOU]/.test(type) ? "an" : "a"} ${type} parameter takes ${expected}, got ${JSON.stringify(raw)}`, who);
}

const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL: Readonly<Record<string, number>> = { nan: NaN, inf: Infinity, "+inf": Infinity, "-inf": -Infinity };

function parseFloatArg(raw: string): number | undefined {
  const s = raw.trim().toLowerCase();
  if (s in SPECIAL) return SPECIAL[s];
  return FLOAT.test(s) ? Number(s) : undefined;
}

function parseIntArg(raw: string): number | bigint | undefined {
  const s = raw.trim();
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const big = BigInt(s);
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

/** An array argument: JSON nested lists, or `@file.npy`. */
function parseArrayArg(raw: string, who: string, name: string, type: string): unknown {
  if (raw.startsWith("@")) {
    try {
      return NDArray.fromNpy(readFileSync(raw.slice(1)));
    } catch (e) {
      throw new UsageError(`${who}: --arg ${name}: cannot read ${raw.slice(1)} as .npy: ${(e as Error).message}`, who);
    }
  }
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    v = undefined;
  }
  if (!Array.isArray(v)) throw bad(who, name, type, "a JSON list like [[1, 2], [3, 4]] or @file.npy", raw);
  return v;
}

function parseValue(p: DocParam, raw: string, who: string): unknown {
  switch (p.type) {
    case "Int": {
      const v = parseIntArg(raw);
      if (v === undefined) throw bad(who, p.name, p.type, "an integer", raw);
      return v;
    }
    case "Float": {
      const v = parseFloatArg(raw);
      if (v === undefined) throw bad(who, p.name, p.type, "a number", raw);
      return v;
    }
    case "Bool": {
      const s = raw.trim().toLowerCase();
      if (s === "true" || s === "1") return true;
      if (s === "false" || s === "0") return false;
      throw bad(who, p.name, p.type, "true or false", raw);
    }
    case "Str":
      return raw;
    case "Scalar": {
      const s = raw.trim().toLowerCase();
      if (s === "true" || s === "false") return s === "true";
      const v = parseIntArg(raw) ?? parseFloatArg(raw);
      if (v === undefined) throw bad(who, p.name, p.type, "a number or true/false", raw);
      return v;
    }
    default:
      return parseArrayArg(raw, who, p.name, p.type);
  }
}

/** The `--arg k=v` values typed by the declared parameters; unknown, repeated and missing ones are usage errors. */
export function parseRunArgs(raw: readonly string[], params: readonly DocParam[], who: string): Record<string, unknown> {
  const byName = new Map(params.map((p) => [p.name, p]));
  const names = params.map((p) => `${p.name} (${p.type})`).join(", ");
  const out: Record<string, unknown> = {};
  for (const a of raw) {
    const eq = a.indexOf("=");
    if (eq <= 0) throw new UsageError(`${who}: --arg needs name=value, got ${JSON.stringify(a)}`, who);
    const name = a.slice(0, eq);
    const p = byName.get(name);
    if (p === undefined) {
      throw new UsageError(`${who}: unknown argument ${JSON.stringify(name)}: ${params.length === 0 ? "this workflow takes no arguments" : `its parameters are ${names}`}`, who);
    }
    if (Object.prototype.hasOwnProperty.call(out, name)) throw new UsageError(`${who}: --arg ${name} is given twice`, who);
    out[name] = parseValue(p, a.slice(eq + 1), who);
  }
  const missing = params.filter((p) => !Object.prototype.hasOwnProperty.call(out, p.name));
  if (missing.length > 0) throw new UsageError(`${who}: missing --arg for ${missing.map((p) => `${p.name} (${p.type})`).join(", ")}`, who);
  return out;
}

/** `--geoctx` JSON: the options of a GeoContext, `{"bounds": [...], "crs": "EPSG:...", "resolution": 10}`. */
export function parseGeoContextArg(raw: string | undefined, who: string): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    v = undefined;
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new UsageError(`${who}: --geoctx takes a JSON object like {"bounds": [xmin, ymin, xmax, ymax], "crs": "EPSG:32633", "resolution": 10}`, who);
  }
  return v as Record<string, unknown>;
}
