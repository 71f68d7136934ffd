/**
 * NumPy fixtures (test/fixtures/core-*.json, written by gen_fixtures.py): loading, decoding,
 * and comparing a computed result with the expected value.
 *
 * A file is `{numpy, cases: Case[]}`. Arrays are base64 little-endian C-order bytes (bool: one
 * byte 0/1); a `mask` (uint8 0/1) makes the value a masked array. For masked results only the
 * mask and the unmasked elements are compared: what lies under the mask is not specified.
 */
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DTYPES, dtypeOfTypedArray, isDTypeName, type DTypeName, type TypedArray } from "../../src/core/dtype.js";
import { shapeStr } from "../../src/core/shape.js";

export type JSONValue = null | boolean | number | string | JSONValue[] | { [k: string]: JSONValue };

export interface ArrJSON {
  dtype: DTypeName;
  shape: number[];
  data: string;
  mask?: string;
  /** The chunking the input must be built with. */
  chunks?: number[];
}
/** A full reduction: 64-bit integers as decimal strings, floats may be "nan"/"inf"/"-inf", null = masked. */
export interface ScalJSON {
  scalar: string | number | boolean | null;
  dtype: DTypeName;
}
export interface ErrJSON {
  error: string;
  /** A substring the error message must contain. */
  match: string;
  /** When the error must come (default "build": a ProxyTypeError while building); "compute": a data-dependent error. */
  phase?: "build" | "compute";
}

/**
 * The expression tree (see dsl.ts): `["input", i]`, `["num", x]` (a weak JS number; x may be
 * "nan"/"inf"/"-inf"), `["bool", b]`, `["nested", json]` (a raw nested JS value),
 * `["array", json]` / `["ragged", json]` (`new wf.Array(json)`), `["masked", data, mask]`,
 * `["np", fname, ...args]` (fname may be "ma.name") and `["m", method, target, ...args]`;
 * `["opts", {...}]` an options object (tagged values are expressions), `["list", ...exprs]` a JS array,
 * `["item", expr, i]` element i of a function's tuple result.
 */
export type Expr = [string, ...JSONValue[]];

export interface Case {
  id: string;
  inputs: ArrJSON[];
  expr: Expr;
  expected: ArrJSON | ScalJSON | ErrJSON;
  rtol?: number;
  atol?: number;
  /** A plain expected array may come back as a MaskedNDArray with nothing masked (numpy.ma's count). */
  allowMasked?: boolean;
}

export interface FixtureFile {
  numpy: string;
  cases: Case[];
}

export const FIXTURE_DIR = fileURLToPath(new URL("../fixtures/", import.meta.url));

/** The core suites present, e.g. `["elementwise", "errors", ...]`. */
export function coreSuites(): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => /^core-.*\.json$/.test(f))
    .map((f) => f.slice("core-".length, -".json".length))
    .sort();
}

export function loadFixture(nameOrPath: string): FixtureFile {
  const path = nameOrPath.endsWith(".json") ? nameOrPath : `${FIXTURE_DIR}core-${nameOrPath}.json`;
  const parsed = JSON.parse(readFileSync(path, "utf8")) as FixtureFile;
  if (typeof parsed.numpy !== "string" || !Array.isArray(parsed.cases)) {
    throw new Error(`${path}: not a fixture file ({numpy, cases} expected)`);
  }
  return parsed;
}

export const isErr = (e: Case["expected"]): e is ErrJSON => "error" in e;
export const isScal = (e: Case["expected"]): e is ScalJSON => "scalar" in e;
export const isArr = (e: Case["expected"]): e is ArrJSON => "data" in e;

// ---------------------------------------------------------------- decoding

export interface Decoded {
  dtype: DTypeName;
  shape: number[];
  data: TypedArray;
  /** 1 = masked; absent for a plain array. */
  mask?: Uint8Array;
  chunks?: number[];
}

type ViewCtor = new (buffer: ArrayBuffer) => TypedArray;

function bytesOf(b64: string): ArrayBuffer {
  const raw = Buffer.from(b64, "base64");
  const buf = new ArrayBuffer(raw.length); // a fresh buffer, so the typed view is aligned
  new Uint8Array(buf).set(raw);
  return buf;
}

export function decodeArr(a: ArrJSON): Decoded {
  if (!isDTypeName(a.dtype)) throw new Error(`unknown dtype ${String(a.dtype)}`);
  const data = new (DTYPES[a.dtype].ctor as unknown as ViewCtor)(bytesOf(a.data));
  const size = a.shape.reduce((p, n) => p * n, 1);
  if (data.length !== size) throw new Error(`fixture data has ${data.length} elements for shape ${shapeStr(a.shape)}`);
  const out: Decoded = { dtype: a.dtype, shape: [...a.shape], data };
  if (a.mask !== undefined) {
    out.mask = new Uint8Array(bytesOf(a.mask));
    if (out.mask.length !== size) throw new Error(`fixture mask has ${out.mask.length} elements for ${size}`);
  }
  if (a.chunks !== undefined) out.chunks = [...a.chunks];
  return out;
}

export type JSScalar = number | bigint | boolean | null;

export function decodeScalar(s: ScalJSON): JSScalar {
  const v = s.scalar;
  if (v === null) return null;
  const info = DTYPES[s.dtype];
  if (info.kind === "b") return Boolean(v);
  if (info.big) return BigInt(v);
  if (typeof v === "string") return v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : Number(v);
  return Number(v);
}

// ---------------------------------------------------------------- comparison

/** The fields of `wf.NDArray` / `wf.MaskedNDArray` the comparison reads (duck-typed on purpose). */
export interface ArrayResult {
  data: TypedArray;
  shape: number[];
  dtype: string;
  mask?: Uint8Array;
}

export function asArrayResult(x: unknown): ArrayResult | undefined {
  if (typeof x !== "object" || x === null) return undefined;
  const r = x as Partial<Record<keyof ArrayResult, unknown>>;
  if (!ArrayBuffer.isView(r.data) || r.data instanceof DataView) return undefined;
  if (!Array.isArray(r.shape) || typeof r.dtype !== "string") return undefined;
  const out: ArrayResult = { data: r.data as TypedArray, shape: r.shape as number[], dtype: r.dtype };
  if (r.mask !== undefined && r.mask !== null) {
    if (!(r.mask instanceof Uint8Array)) return undefined;
    out.mask = r.mask;
  }
  return out;
}

export interface Tolerance {
  rtol?: number;
  atol?: number;
  allowMasked?: boolean;
}

const MAX_LISTED = 5;

function defaultRtol(d: DTypeName): number {
  return d === "float32" ? 1e-5 : 1e-6;
}

export function fmt(v: unknown): string {
  if (typeof v === "bigint") return `${v}n`;
  if (Object.is(v, -0)) return "-0";
  if (typeof v === "string") return JSON.stringify(v);
  return String(v);
}

export function describe(x: unknown): string {
  const a = asArrayResult(x);
  if (a) return `${a.mask ? "MaskedNDArray" : "NDArray"}(${shapeStr(a.shape)}, ${a.dtype})`;
  if (x instanceof Error) return `${x.name}: ${x.message}`;
  return `${typeof x} ${fmt(x)}`;
}

function floatClose(exp: number, got: number, rtol: number, atol: number): boolean {
  if (Number.isNaN(exp) || Number.isNaN(got)) return Number.isNaN(exp) && Number.isNaN(got);
  if (!Number.isFinite(exp) || !Number.isFinite(got)) return exp === got;
  return Math.abs(got - exp) <= atol + rtol * Math.abs(exp);
}

function unravel(flat: number, shape: readonly number[]): string {
  const idx = new Array<number>(shape.length);
  for (let k = shape.length - 1; k >= 0; k--) {
    idx[k] = flat % shape[k]!;
    flat = Math.floor(flat / shape[k]!);
  }
  return `[${idx.join(", ")}]`;
}

function elem(data: TypedArray, i: number, dtype: DTypeName): number | bigint | boolean {
  const v = data[i]!;
  return dtype === "bool" ? v !== 0 : v;
}

/** Compare an array result with an expected `Arr`; returns human-readable mismatches (empty = equal). */
export function compareArray(expected: ArrJSON, actual: unknown, tol: Tolerance = {}): string[] {
  const exp = decodeArr(expected);
  const got = asArrayResult(actual);
  const want = `${exp.mask ? "MaskedNDArray" : "NDArray"}(${shapeStr(exp.shape)}, ${exp.dtype})`;
  if (!got) return [`expected ${want}, got ${describe(actual)}`];
  const out: string[] = [];
  if (got.dtype !== exp.dtype) out.push(`dtype: expected ${exp.dtype}, got ${got.dtype}`);
  if (got.shape.length !== exp.shape.length || got.shape.some((n, i) => n !== exp.shape[i])) {
    out.push(`shape: expected ${shapeStr(exp.shape)}, got ${shapeStr(got.shape)}`);
  }
  if (exp.mask && !got.mask) out.push(`expected a masked result, got a plain ${describe(actual)}`);
  if (!exp.mask && got.mask && !(tol.allowMasked && got.mask.every((m) => m === 0))) {
    out.push(`expected a plain result, got ${describe(actual)} with ${got.mask.filter((m) => m).length} masked`);
  }
  if (out.length > 0) return out;
  const storage = DTYPES[exp.dtype].kind === "b" ? "uint8" : exp.dtype;
  if (dtypeOfTypedArray(got.data) !== storage) {
    return [`data is a ${got.data.constructor.name}, expected storage for ${exp.dtype}`];
  }
  if (got.data.length !== exp.data.length) return [`data length: expected ${exp.data.length}, got ${got.data.length}`];
  if (exp.mask && got.mask) {
    if (got.mask.length !== exp.mask.length) return [`mask length: expected ${exp.mask.length}, got ${got.mask.length}`];
    const bad: string[] = [];
    let n = 0;
    for (let i = 0; i < exp.mask.length; i++) {
      if ((exp.mask[i] !== 0) !== (got.mask[i] !== 0)) {
        n++;
        if (bad.length < MAX_LISTED) bad.push(`mask at ${unravel(i, exp.shape)}: expected ${exp.mask[i] ? "masked" : "unmasked"}, got ${got.mask[i] ? "masked" : "unmasked"}`);
      }
    }
    if (n > 0) return [`${n} of ${exp.mask.length} mask elements differ`, ...bad];
  }
  const isFloat = DTYPES[exp.dtype].kind === "f";
  const rtol = tol.rtol ?? defaultRtol(exp.dtype);
  const atol = tol.atol ?? 1e-12;
  const bad: string[] = [];
  let n = 0;
  let compared = 0;
  for (let i = 0; i < exp.data.length; i++) {
    if (exp.mask && exp.mask[i]) continue;
    compared++;
    const e = elem(exp.data, i, exp.dtype);
    const g = elem(got.data, i, exp.dtype);
    const same = isFloat ? floatClose(e as number, g as number, rtol, atol) : e === g;
    if (!same) {
      n++;
      if (bad.length < MAX_LISTED) bad.push(`at ${unravel(i, exp.shape)}: expected ${fmt(e)}, got ${fmt(g)}`);
    }
  }
  if (n > 0) return [`${n} of ${compared} ${exp.mask ? "unmasked " : ""}elements differ${isFloat ? ` (rtol ${rtol})` : ""}`, ...bad];
  return [];
}

/** Compare a full reduction's JS value (API.md "Semantics details") with an expected `Scal`. */
export function compareScalar(expected: ScalJSON, actual: unknown, tol: Tolerance = {}): string[] {
  const e = decodeScalar(expected);
  const want = `${fmt(e)} (${expected.dtype})`;
  if (e === null) return actual === null ? [] : [`expected null (a masked scalar), got ${describe(actual)}`];
  if (actual === null) return [`expected ${want}, got null (masked)`];
  const info = DTYPES[expected.dtype];
  const jsType = info.kind === "b" ? "boolean" : info.big ? "bigint" : "number";
  if (typeof actual !== jsType) return [`expected a ${jsType} ${want}, got ${describe(actual)}`];
  if (info.kind !== "f") return actual === e ? [] : [`expected ${want}, got ${fmt(actual)}`];
  const g = actual as number;
  const out: string[] = [];
  const rtol = tol.rtol ?? defaultRtol(expected.dtype);
  if (!floatClose(e as number, g, rtol, tol.atol ?? 1e-12)) out.push(`expected ${want}, got ${fmt(g)} (rtol ${rtol})`);
  // A float32 result must be a float32 value; a float64 one would mean the dtype is wrong.
  if (expected.dtype === "float32" && Number.isFinite(g) && Math.fround(g) !== g) {
    out.push(`expected a float32 value, got ${fmt(g)}, which float32 cannot hold`);
  }
  return out;
}

/** What running a case gave: a value, or an error thrown while building or computing. */
export type Outcome =
  | { ok: true; value: unknown }
  | { ok: false; error: unknown; phase: "build" | "compute" };

export function compareError(expected: ErrJSON, error: unknown): string[] {
  if (!(error instanceof Error)) return [`expected ${expected.error}, got a thrown ${describe(error)}`];
  const out: string[] = [];
  if (error.name !== expected.error) out.push(`expected a ${expected.error}, got ${error.name}: ${error.message}`);
  if (!error.message.includes(expected.match)) {
    out.push(`the message ${JSON.stringify(error.message)} does not contain ${JSON.stringify(expected.match)}`);
  }
  return out;
}

/** All mismatches between a case's expectation and an outcome (empty = pass). */
export function checkOutcome(c: Case, o: Outcome): string[] {
  const tol: Tolerance = {};
  if (c.rtol !== undefined) tol.rtol = c.rtol;
  if (c.atol !== undefined) tol.atol = c.atol;
  if (c.allowMasked !== undefined) tol.allowMasked = c.allowMasked;
  const e = c.expected;
  if (isErr(e)) {
    const phase = e.phase ?? "build";
    const when = phase === "build" ? "building" : "computing";
    if (o.ok) return [`expected ${e.error} (${JSON.stringify(e.match)}) while ${when}, got ${describe(o.value)}`];
    const out = compareError(e, o.error);
    if (o.phase !== phase) out.push(`expected the error while ${when} the expression, it came from ${o.phase}`);
    return out;
  }
  if (!o.ok) {
    const err = o.error instanceof Error
      ? (o.error.stack ?? `${o.error.name}: ${o.error.message}`).split("\n").slice(0, 4).join("\n")
      : fmt(o.error);
    return [`threw while ${o.phase === "build" ? "building" : "computing"}: ${err}`];
  }
  return isScal(e) ? compareScalar(e, o.value, tol) : compareArray(e, o.value, tol);
}
