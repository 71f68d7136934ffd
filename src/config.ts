/**
 * Process-wide settings (API.md section 7). Precedence: `configure()` > environment > default.
 * The environment is read when the settings are first needed and again after `resetConfig()`.
 */
import os from "node:os";
import path from "node:path";
import { ProxyTypeError } from "./core/errors.js";

export interface Config {
  /** Root of tesserae's own files (workflows, cache, server data). */
  readonly home: string;
  /** The local imagery catalog folder. */
  readonly catalog: string;
  /** Bytes the scheduler may hold at once. */
  readonly memoryLimit: number;
  /** Worker threads in the pool. */
  readonly workers: number;
  /** Jobs queued or running before a new one raises `ResourceExhausted`. */
  readonly maxOutstandingJobs: number;
  /** Bytes of stored results kept for `cache: true`; 0 disables the cache. */
  readonly cacheSize: number;
}

/** What `configure` accepts: sizes as bytes or strings like "512MiB"; `null` restores the default. */
export interface ConfigOptions {
  home?: string | null;
  catalog?: string | null;
  memoryLimit?: number | string | null;
  workers?: number | null;
  maxOutstandingJobs?: number | null;
  cacheSize?: number | string | null;
}

export type ConfigKey = keyof Config;
export type ConfigListener = (next: Readonly<Config>, prev: Readonly<Config>, changed: readonly ConfigKey[]) => void;

const KEYS: readonly ConfigKey[] = ["home", "catalog", "memoryLimit", "workers", "maxOutstandingJobs", "cacheSize"];

const ENV: Readonly<Record<ConfigKey, string>> = {
  home: "TESSERAE_HOME",
  catalog: "TESSERAE_CATALOG",
  memoryLimit: "TESSERAE_MEMORY_LIMIT",
  workers: "TESSERAE_WORKERS",
  maxOutstandingJobs: "TESSERAE_MAX_JOBS",
  cacheSize: "TESSERAE_CACHE_SIZE",
};

// ---- sizes ----

const UNITS: Readonly<Record<string, number>> = {
  "": 1, b: 1,
  kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, pb: 1e15,
  kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40, pib: 2 ** 50,
  ki: 2 ** 10, mi: 2 ** 20, gi: 2 ** 30, ti: 2 ** 40, pi: 2 ** 50,
};

const SIZE_RE = /^(\d+(?:\.\d*)?|\.\d+)(?:e([+-]?\d+))?\s*([a-z]*)$/i;

/** Bytes from a byte count or a string such as "512MiB", "1.5GB", "100kB" (units are case-insensitive). */
export function parseSize(value: number | string, context?: string): number {
  const bad = (why: string): never => {
    const prefix = context === undefined ? "" : `${context}: `;
    throw new ProxyTypeError(`${prefix}invalid size ${JSON.stringify(value)}: ${why}`);
  };
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0) bad("expected a whole, non-negative number of bytes");
    return value;
  }
  if (typeof value !== "string") bad(`expected a number of bytes or a string like "512MiB", got ${typeof value}`);
  const m = SIZE_RE.exec(value.trim());
  if (!m) bad(`expected a number of bytes or a number with a unit, like "512MiB", "1.5GB" or "100kB"`);
  const [, num, exp, unitText] = m!;
  const unit = unitText!.toLowerCase();
  const factor = UNITS[unit];
  if (factor === undefined) {
    if (/^[kmgtp]$/.test(unit)) bad(`"${unitText}" is ambiguous: write ${unitText!.toUpperCase()}B (powers of 1000) or ${unitText!.toUpperCase()}iB (powers of 1024)`);
    bad(`unknown unit "${unitText}" (use B, kB, MB, GB, TB, KiB, MiB, GiB or TiB)`);
  }
  const bytes = Math.round(Number(`${num}e${exp ?? "0"}`) * factor!);
  if (!Number.isSafeInteger(bytes)) bad("too large");
  return bytes;
}

// ---- validation ----

/** `fromText`: the value is an environment variable's string. */
function positiveInt(key: ConfigKey, v: unknown, source: string, fromText: boolean): number {
  const n = fromText && typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 1) {
    throw new ProxyTypeError(`${source}: ${key} must be a positive integer, got ${JSON.stringify(v)}`);
  }
  return n;
}

function size(key: ConfigKey, v: unknown, source: string, min: number): number {
  if (typeof v !== "number" && typeof v !== "string") {
    throw new ProxyTypeError(`${source}: ${key} must be a number of bytes or a string like "512MiB", got ${typeof v}`);
  }
  const n = parseSize(v, `${source}: ${key}`);
  if (n < min) throw new ProxyTypeError(`${source}: ${key} must be at least ${min} bytes, got ${JSON.stringify(v)}`);
  return n;
}

function directory(key: ConfigKey, v: unknown, source: string): string {
  if (typeof v !== "string" || v.trim() === "") {
    throw new ProxyTypeError(`${source}: ${key} must be a non-empty path, got ${JSON.stringify(v)}`);
  }
  const expanded = v === "~" || v.startsWith("~/") ? path.join(os.homedir(), v.slice(1)) : v;
  return path.resolve(expanded);
}

/** How each setting is read from user input (`configure` or the environment). */
const PARSERS: { readonly [K in ConfigKey]: (v: unknown, source: string, fromText: boolean) => Config[K] } = {
  home: (v, source) => directory("home", v, source),
  catalog: (v, source) => directory("catalog", v, source),
  memoryLimit: (v, source) => size("memoryLimit", v, source, 1),
  workers: (v, source, fromText) => positiveInt("workers", v, source, fromText),
  maxOutstandingJobs: (v, source, fromText) => positiveInt("maxOutstandingJobs", v, source, fromText),
  cacheSize: (v, source) => size("cacheSize", v, source, 0),
};

type Settings = { -readonly [K in ConfigKey]?: Config[K] };

function setParsed<K extends ConfigKey>(into: Settings, key: K, v: unknown, source: string, fromText: boolean): void {
  into[key] = PARSERS[key](v, source, fromText);
}

// ---- state ----

let overrides: Settings = {};
let current: Readonly<Config> | undefined;
const listeners = new Set<ConfigListener>();

/** The environment's settings for the keys `skip` does not already give. */
function fromEnv(skip: Settings): Settings {
  const out: Settings = {};
  for (const key of KEYS) {
    if (skip[key] !== undefined) continue;
    const raw = process.env[ENV[key]];
    if (raw !== undefined && raw !== "") setParsed(out, key, raw, `environment variable ${ENV[key]}`, true);
  }
  return out;
}

function resolve(given: Settings): Readonly<Config> {
  const s: Settings = { ...fromEnv(given), ...given };
  const home = s.home ?? path.join(os.homedir(), ".tesserae");
  return Object.freeze({
    home,
    catalog: s.catalog ?? path.join(home, "catalog"),
    memoryLimit: s.memoryLimit ?? Math.floor(os.totalmem() / 2),
    workers: s.workers ?? os.availableParallelism(),
    maxOutstandingJobs: s.maxOutstandingJobs ?? 64,
    cacheSize: s.cacheSize ?? 2 ** 30,
  });
}

function publish(next: Readonly<Config>): Readonly<Config> {
  const prev = current;
  current = next;
  if (prev === undefined) return next;
  const changed = KEYS.filter((k) => prev[k] !== next[k]);
  if (changed.length === 0) return next;
  const errors: unknown[] = [];
  for (const listener of [...listeners]) {
    try {
      listener(next, prev, changed);
    } catch (e) {
      errors.push(e);
    }
  }
  // Every listener hears of the change before the first failure is reported.
  if (errors.length > 0) throw errors[0];
  return next;
}

/** The settings in effect (frozen). */
export function getConfig(): Readonly<Config> {
  return current ?? publish(resolve(overrides));
}

/**
 * Set process-wide defaults; omitted keys keep their value, `null` restores the environment's or
 * the default. All options are checked before any is applied.
 */
export function configure(opts: ConfigOptions): Readonly<Config> {
  if (typeof opts !== "object" || opts === null || Array.isArray(opts)) {
    throw new ProxyTypeError(`configure: expected an options object, got ${opts === null ? "null" : typeof opts}`);
  }
  const unknown = Object.keys(opts).filter((k) => !(KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    const names = unknown.map((k) => JSON.stringify(k)).join(", ");
    throw new ProxyTypeError(`configure: unknown option${unknown.length > 1 ? "s" : ""} ${names} (known: ${KEYS.join(", ")})`);
  }
  const next: Settings = { ...overrides };
  for (const key of KEYS) {
    const v: unknown = opts[key];
    if (v === undefined) continue;
    if (v === null) delete next[key];
    else setParsed(next, key, v, "configure", false);
  }
  if (current === undefined) {
    // Listeners compare against the settings in effect before this call. An invalid environment
    // value may be exactly what this call overrides, so a failure here is not yet an error.
    try {
      getConfig();
    } catch {
      /* resolve() below reports it if it still matters */
    }
  }
  const resolved = resolve(next);
  overrides = next;
  return publish(resolved);
}

/** Called with the new and old settings and the changed keys whenever a setting changes. */
export function onConfigChange(listener: ConfigListener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Forget `configure()` calls and re-read the environment (tests; also notifies listeners). */
export function resetConfig(): Readonly<Config> {
  overrides = {};
  if (current === undefined) return getConfig();
  return publish(resolve(overrides));
}
