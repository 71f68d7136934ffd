/**
 * `compute({format})`: the accepted spellings, resolved and checked before any work starts.
 * A format is a name or `{type, ...options}`; unknown names and options are `ProxyTypeError`s.
 */
import { ProxyTypeError } from "../core/errors.js";

export const FORMAT_NAMES = ["native", "npy", "arrow", "msgpack", "json", "geotiff", "png"] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

/** Formats whose names resolve but that do not encode yet. */
export const PENDING_FORMATS: readonly FormatName[] = [];

export type GeoTiffCompression = "LZW" | "DEFLATE" | "JPEG" | "NONE";
export type OverviewResampler =
  | "nearest" | "average" | "bilinear" | "cubic" | "cubicspline" | "lanczos" | "mode" | "gauss" | "rms";

export interface GeoTiffOptions {
  overviews?: boolean;
  tiled?: boolean;
  compression?: GeoTiffCompression;
  overviewResampler?: OverviewResampler;
}

export type FormatSpec =
  | { readonly type: "native" }
  | { readonly type: "npy" }
  | { readonly type: "arrow" }
  | { readonly type: "msgpack" }
  | { readonly type: "json" }
  | ({ readonly type: "geotiff" } & Readonly<GeoTiffOptions>)
  | ({ readonly type: "png" } & Readonly<PngOptions>);

export interface PngOptions {
  /** One [low, high] per band (default: each band's 2nd to 98th percentile). */
  scales?: readonly (readonly [number, number])[];
  /** For one band: "viridis" (default), "magma", "gray" or "rdylgn". */
  colormap?: string;
}

/** What a caller may pass as `format` (checked at run time, so any string is accepted here). */
export type FormatInput = string | { type: string; [option: string]: unknown };

type OptionCheck = (v: unknown) => boolean;

const oneOf = (values: readonly string[]): OptionCheck => (v) => typeof v === "string" && values.includes(v);
const isBool: OptionCheck = (v) => typeof v === "boolean";
const isRanges: OptionCheck = (v) =>
  Array.isArray(v) && v.length > 0 && v.every((r) => Array.isArray(r) && r.length === 2 && r.every((x) => typeof x === "number" && Number.isFinite(x)) && r[1] > r[0]);

interface OptionRule { check: OptionCheck; expected: string }

const COMPRESSIONS: readonly GeoTiffCompression[] = ["LZW", "DEFLATE", "JPEG", "NONE"];
const RESAMPLERS: readonly OverviewResampler[] = [
  "nearest", "average", "bilinear", "cubic", "cubicspline", "lanczos", "mode", "gauss", "rms",
];

/** The options each format accepts; a format absent here takes none. */
const OPTIONS: Partial<Record<FormatName, Readonly<Record<string, OptionRule>>>> = {
  geotiff: {
    overviews: { check: isBool, expected: "a boolean" },
    tiled: { check: isBool, expected: "a boolean" },
    compression: { check: oneOf(COMPRESSIONS), expected: `one of ${COMPRESSIONS.map((c) => `"${c}"`).join(", ")}` },
    overviewResampler: { check: oneOf(RESAMPLERS), expected: `one of ${RESAMPLERS.map((c) => `"${c}"`).join(", ")}` },
  },
  png: {
    scales: { check: isRanges, expected: "a list of [low, high] ranges, one per band" },
    colormap: { check: oneOf(["viridis", "magma", "gray", "rdylgn"]), expected: `one of "viridis", "magma", "gray", "rdylgn"` },
  },
};

function describe(v: unknown): string {
  if (typeof v === "string") return `"${v}"`;
  if (typeof v === "bigint") return `${v}n`;
  if (v === null || typeof v !== "object") return String(v);
  return Array.isArray(v) ? "an array" : "an object";
}

const quoteList = (xs: readonly string[]): string => xs.map((x) => `"${x}"`).join(", ");

function isFormatName(x: string): x is FormatName {
  return (FORMAT_NAMES as readonly string[]).includes(x);
}

function checkName(name: unknown): FormatName {
  if (typeof name !== "string") {
    throw new ProxyTypeError(`format type must be a string, got ${typeof name}; valid formats: ${quoteList(FORMAT_NAMES)}`);
  }
  if (!isFormatName(name)) {
    throw new ProxyTypeError(`unknown format "${name}"; valid formats: ${quoteList(FORMAT_NAMES)}`);
  }
  return name;
}

/** Resolve and validate a `format` argument; `undefined` means `native`. */
export function resolveFormat(f: FormatInput | undefined): FormatSpec {
  if (f === undefined) return { type: "native" };
  if (typeof f === "string") return { type: checkName(f) } as FormatSpec;
  if (f === null || typeof f !== "object" || Array.isArray(f)) {
    throw new ProxyTypeError(`format must be a name or {type, ...options}, got ${f === null ? "null" : Array.isArray(f) ? "an array" : typeof f}`);
  }
  const type = checkName(f.type);
  const rules = OPTIONS[type] ?? {};
  const valid = Object.keys(rules);
  const out: Record<string, unknown> = { type };
  for (const [key, value] of Object.entries(f)) {
    if (key === "type" || value === undefined) continue;
    const rule = rules[key];
    if (rule === undefined) {
      const accepted = valid.length ? `valid options: ${quoteList(valid)}` : "it takes no options";
      throw new ProxyTypeError(`unknown option "${key}" for format "${type}"; ${accepted}`);
    }
    if (!rule.check(value)) {
      throw new ProxyTypeError(`option "${key}" of format "${type}" must be ${rule.expected}, got ${describe(value)}`);
    }
    out[key] = value;
  }
  return out as FormatSpec;
}
