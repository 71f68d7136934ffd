/**
 * A minimal WebAssembly binary writer: LEB128 integers, IEEE constants, and a module of one
 * exported function that imports its memory. Only what the SIMD kernels need.
 */

export function uleb(n: number): number[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`uleb: ${n} is not a non-negative integer`);
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

export function sleb(n: number): number[] {
  if (!Number.isInteger(n) || Math.abs(n) > 2 ** 31) throw new RangeError(`sleb: ${n} is not a 32-bit integer`);
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

export function f32Bytes(x: number): number[] {
  if (typeof x !== "number") throw new TypeError("f32Bytes takes a number");
  return [...new Uint8Array(new Float32Array([x]).buffer)];
}

export function f64Bytes(x: number): number[] {
  if (typeof x !== "number") throw new TypeError("f64Bytes takes a number");
  return [...new Uint8Array(new Float64Array([x]).buffer)];
}

/** A length-prefixed vector of byte strings. */
function vec(items: readonly (readonly number[])[]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: readonly number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof F64 | typeof V128;

export interface FunctionDef {
  readonly params: readonly ValType[];
  /** Extra locals, after the params. */
  readonly locals: readonly ValType[];
  /** The body's instructions, without the final `end`. */
  readonly body: readonly number[];
}

/**
 * A module importing memory `env.mem` and exporting one function `run` with no results. With
 * `sharedMaxPages` the import is a shared memory of at most that many pages (the arena).
 */
export function moduleBytes(f: FunctionDef, sharedMaxPages?: number): Uint8Array {
  const type = [0x60, ...vec(f.params.map((p) => [p])), 0x00];
  const name = (s: string) => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];
  // memory import limits: flag 0 (min 1 page), or flag 3 (shared, min 1 page, max)
  const limits = sharedMaxPages === undefined ? [0x00, 0x01] : [0x03, 0x01, ...uleb(sharedMaxPages)];
  const imp = [...name("env"), ...name("mem"), 0x02, ...limits];
  // locals compressed into runs of one type
  const runs: number[][] = [];
  for (const t of f.locals) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last[1] === t) last[0]!++;
    else runs.push([1, t]);
  }
  const code = [...vec(runs.map(([n, t]) => [...uleb(n!), t!])), ...f.body, 0x0b];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([type])),
    ...section(2, vec([imp])),
    ...section(3, vec([[0x00]])),
    ...section(7, vec([[...name("run"), 0x00, 0x00]])),
    ...section(10, vec([[...uleb(code.length), ...code]])),
  ]);
}
