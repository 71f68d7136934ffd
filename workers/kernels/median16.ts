/**
 * Masked float32 medians of runs of at most 16 values, four output elements at a time in
 * WebAssembly SIMD: the usual shape of a median over dates. A tile of rows is copied plane by
 * plane (one reduced position at a time, a native memcpy) into the module's memory; each group
 * of 4 elements loads its 16 values as 16 vectors, replaces masked ones by +inf, sorts them with
 * a branch-free sorting network, and picks the middle by each lane's count of valid values.
 * Values match the JavaScript path bit for bit: the mean of the two middle values is a float32
 * add then a float32 divide by 2 (the same as rounding the float64 sum, then the half, to float32),
 * and a zero median is +0 whatever the signs of the zeros in the run, as in NumPy.
 */
import { I32, moduleBytes, sleb, uleb, V128, type ValType } from "../codegen/wasm/binary.js";
import { simdEnabled } from "../codegen/wasm/runtime.js";
import { Wasm, type WasmMemory } from "../../src/core/wasm-api.js";
import { ARENA_MAX_PAGES, KERNEL_SCRATCH_BYTES, PLANES_BYTES, threadScratch } from "../../src/core/arena.js";

export const MAX_RUN = 16;
/** Output elements per tile. */
const TILE = 2048;
/** Planes are a cache line longer than a tile row, so the 16 loads of a group fall in different cache sets. */
const DATA_STRIDE = TILE * 4 + 64;
/** A mask plane holds as many bytes as a data plane holds values: one index addresses both (`median16Planes`). */
const MASK_STRIDE = DATA_STRIDE / 4;
const MASK_BASE = MAX_RUN * DATA_STRIDE;
const OUT_BASE = MASK_BASE + MAX_RUN * MASK_STRIDE;
const OUT_MASK_BASE = OUT_BASE + TILE * 4;
const BYTES = OUT_MASK_BASE + TILE;
const PAGES = Math.ceil(BYTES / 65536);

const F32_INF = 0x7f800000;
const F32_NAN = 0x7fc00000;
const F32_TWO = 0x40000000;

/** Core opcodes and the 0xFD-prefixed SIMD opcodes this kernel uses (WebAssembly core spec, fixed-width SIMD). */
const OP = { block: 0x02, loop: 0x03, end: 0x0b, br: 0x0c, brIf: 0x0d, i32Store: 0x36, i32GeU: 0x4f, i32Add: 0x6a, i32Shl: 0x74, i32ShrU: 0x76 } as const;
const SIMD = {
  load: 0x00, store: 0x0b, const: 0x0c, i32x4ExtractLane: 0x1b,
  i32x4Eq: 0x37, f32x4Ne: 0x42, and: 0x4e, or: 0x50, bitselect: 0x52, load32Zero: 0x5c,
  i8x16NarrowI16x8U: 0x66, i16x8NarrowI32x4U: 0x86, i16x8ExtendLowI8x16U: 0x89, i32x4ExtendLowI16x8U: 0xa9,
  i32x4ShrS: 0xac, i32x4Sub: 0xb1, f32x4Add: 0xe4, f32x4Div: 0xe7, f32x4Pmin: 0xea, f32x4Pmax: 0xeb,
} as const;

/** A function body under construction; locals are numbered after the parameters. */
class Body {
  readonly code: number[] = [];
  readonly locals: ValType[] = [];
  constructor(private readonly nParams: number) {}
  local(type: ValType): number {
    this.locals.push(type);
    return this.nParams + this.locals.length - 1;
  }
  op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }
  get(i: number): this { return this.op(0x20, ...uleb(i)); }
  set(i: number): this { return this.op(0x21, ...uleb(i)); }
  i32(n: number): this { return this.op(0x41, ...sleb(n)); }
  simd(op: number, ...imm: number[]): this { return this.op(0xfd, ...uleb(op), ...imm); }
  /** Memory immediates: log2 alignment and a constant offset added to the address on the stack. */
  mem(align: number, offset: number): this { return this.op(...uleb(align), ...uleb(offset)); }
  /** A v128 constant of four equal int32 lanes (float lanes given by their bits). */
  v128i32(a: number): this { return this.simd(SIMD.const, ...new Uint8Array(new Int32Array([a, a, a, a]).buffer)); }
}

/** Batcher's odd-even merge sort network for 16 inputs (63 comparators). */
function network(n: number): [number, number][] {
  const out: [number, number][] = [];
  for (let p = 1; p < n; p <<= 1) {
    for (let k = p; k >= 1; k >>= 1) {
      for (let j = k % p; j <= n - 1 - k; j += 2 * k) {
        for (let i = 0; i <= Math.min(k - 1, n - j - k - 1); i++) {
          if (Math.floor((i + j) / (2 * p)) === Math.floor((i + j + k) / (2 * p))) out.push([i + j, i + j + k]);
        }
      }
    }
  }
  return out;
}

/**
 * `run(groups, base)`: the medians of `4 × groups` elements of the tile whose planes start at byte
 * `base` of the memory (0 in a private memory; the thread's planes region in the arena), over runs
 * of `n` values: planes past the run are never read, and the network keeps only the comparators
 * within the first n positions (the others would only ever compare +inf padding: 42 of 63 for 12 dates).
 */
function buildModule(sharedMaxPages: number | undefined, n: number): Uint8Array {
  const f = new Body(2);
  const groups = 0, base = 1;
  const p = f.local(I32), end = f.local(I32), q = f.local(I32), pb = f.local(I32);
  const s = Array.from({ length: n }, () => f.local(V128));
  const cnt = f.local(V128), nan = f.local(V128), t = f.local(V128), valid = f.local(V128), lo = f.local(V128), hi = f.local(V128);
  f.get(groups).i32(4).op(OP.i32Shl).set(end);
  f.op(OP.block, 0x40, OP.loop, 0x40);
  f.get(p).get(end).op(OP.i32GeU, OP.brIf, 1);
  f.get(p).i32(2).op(OP.i32ShrU).get(base).op(OP.i32Add).set(q);
  f.get(p).get(base).op(OP.i32Add).set(pb);
  f.v128i32(0).set(cnt).v128i32(0).set(nan);
  for (let r = 0; r < n; r++) {
    // valid lanes: mask byte 0 → all ones
    f.get(q).simd(SIMD.load32Zero).mem(2, MASK_BASE + r * MASK_STRIDE);
    f.simd(SIMD.i16x8ExtendLowI8x16U).simd(SIMD.i32x4ExtendLowI16x8U).v128i32(0).simd(SIMD.i32x4Eq).set(valid);
    f.get(cnt).get(valid).simd(SIMD.i32x4Sub).set(cnt);
    f.get(pb).simd(SIMD.load).mem(2, r * DATA_STRIDE).set(t);
    f.get(nan).get(t).get(t).simd(SIMD.f32x4Ne).get(valid).simd(SIMD.and).simd(SIMD.or).set(nan);
    f.get(t).v128i32(F32_INF).get(valid).simd(SIMD.bitselect).set(s[r]!);
  }
  for (const [i, j] of network(MAX_RUN).filter(([, j]) => j < n)) {
    // pmin(a, b) = b < a ? b : a and pmax(b, a) = b < a ? a : b: one swap decision, no value lost
    f.get(s[i]!).get(s[j]!).simd(SIMD.f32x4Pmin).set(t);
    f.get(s[j]!).get(s[i]!).simd(SIMD.f32x4Pmax).set(s[j]!);
    f.get(t).set(s[i]!);
  }
  // lo = s[(n - 1) >> 1], hi = s[n >> 1] per lane
  f.v128i32(F32_NAN).set(lo).v128i32(F32_NAN).set(hi);
  for (let r = 0; r < n; r++) {
    f.get(s[r]!).get(lo).get(cnt).v128i32(1).simd(SIMD.i32x4Sub).i32(1).simd(SIMD.i32x4ShrS).v128i32(r).simd(SIMD.i32x4Eq).simd(SIMD.bitselect).set(lo);
    f.get(s[r]!).get(hi).get(cnt).i32(1).simd(SIMD.i32x4ShrS).v128i32(r).simd(SIMD.i32x4Eq).simd(SIMD.bitselect).set(hi);
  }
  // odd count: hi; even: (lo + hi) / 2; NaN where an unmasked value is NaN or nothing is valid
  f.get(pb);
  f.get(hi).get(lo).get(hi).simd(SIMD.f32x4Add).v128i32(F32_TWO).simd(SIMD.f32x4Div);
  f.get(cnt).v128i32(1).simd(SIMD.and).v128i32(1).simd(SIMD.i32x4Eq).simd(SIMD.bitselect);
  // + 0 turns a -0 median into +0, as NumPy's (its mean adds to a +0)
  f.v128i32(0).simd(SIMD.f32x4Add).set(t);
  f.get(cnt).v128i32(0).simd(SIMD.i32x4Eq).set(valid);
  f.v128i32(F32_NAN).get(t).get(nan).get(valid).simd(SIMD.or).simd(SIMD.bitselect);
  f.simd(SIMD.store).mem(2, OUT_BASE);
  // output mask bytes: 1 where nothing is valid
  f.get(q);
  f.get(valid).v128i32(1).simd(SIMD.and).v128i32(0).simd(SIMD.i16x8NarrowI32x4U).v128i32(0).simd(SIMD.i8x16NarrowI16x8U);
  f.simd(SIMD.i32x4ExtractLane, 0).op(OP.i32Store).mem(2, OUT_MASK_BASE);
  f.get(p).i32(16).op(OP.i32Add).set(p);
  f.op(OP.br, 0, OP.end, OP.end);
  return moduleBytes({ params: [I32, I32], locals: f.locals, body: f.code }, sharedMaxPages);
}

interface Instance {
  run: (groups: number) => void;
  /** Byte address of the planes in the module's memory. */
  base: number;
  data: Float32Array;
  mask: Uint8Array;
  out: Float32Array;
  outMask: Uint8Array;
}

/** This thread's private memory for the planes (one for every run length); null when the runtime refused it. */
let privateMemory: WasmMemory | null | undefined;
/** Instances by run length: over the private memory, and over this thread's planes region of the arena. */
const instances = new Map<number, Instance>();
const arenaInstances = new Map<number, Instance>();

function makeInstance(mem: WasmMemory, base: number, sharedMaxPages: number | undefined, n: number): Instance {
  const run = new Wasm.Instance(new Wasm.Module(buildModule(sharedMaxPages, n)), { env: { mem } }).exports["run"] as (groups: number, base: number) => void;
  const buf = mem.buffer;
  return {
    run: (groups) => run(groups, base),
    base,
    data: new Float32Array(buf, base, OUT_BASE / 4),
    mask: new Uint8Array(buf, base, OUT_MASK_BASE + TILE),
    out: new Float32Array(buf, base + OUT_BASE, TILE),
    outMask: new Uint8Array(buf, base + OUT_MASK_BASE, TILE),
  };
}

/** The private memory, or null when the runtime refuses one (an address-space limit): callers then sort in JS. */
function getPrivateMemory(): WasmMemory | null {
  if (privateMemory !== undefined) return privateMemory;
  try {
    privateMemory = new Wasm.Memory({ initial: PAGES });
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    privateMemory = null;
  }
  return privateMemory;
}

/** The module for runs of `n` values in this thread, compiled once, over the thread's private memory; null without one. */
function getInstance(n: number): Instance | null {
  let w = instances.get(n);
  if (w === undefined) {
    const mem = getPrivateMemory();
    if (mem === null) return null;
    w = makeInstance(mem, 0, undefined, n);
    instances.set(n, w);
  }
  return w;
}

/** The module for runs of `n` values over the planes region of this thread's arena slot (where arena kernels can write), or null. */
function getArenaInstance(n: number): Instance | null {
  const s = threadScratch();
  if (s === null) return null;
  if (BYTES > PLANES_BYTES) throw new Error("median16: the planes outgrow the arena's planes region");
  let w = arenaInstances.get(n);
  if (w === undefined) {
    w = makeInstance(s.memory, s.at + KERNEL_SCRATCH_BYTES, ARENA_MAX_PAGES, n);
    arenaInstances.set(n, w);
  }
  return w;
}

/** Contiguous rows of float32 values with runs of 1..16 values (and a uint8 mask, or none). */
export interface Median16Layout {
  data: Float32Array;
  dataOffsets: Int32Array;
  mask: Uint8Array | undefined;
  maskOffsets: Int32Array;
  out: Float32Array;
  outMask: Uint8Array | undefined;
}

/** The medians of `n` output elements of a row: element k reads data `db + k`, mask `mb + k` (plus the run offsets), writes `pos + k`. */
export type RowWalker = (db: number, mb: number, pos: number, n: number) => void;

/** A row walker for the layout, or undefined when SIMD is off (TESSERAE_SIMD=0, or WebAssembly without SIMD) or its memory was refused. */
export function median16Rows(l: Median16Layout): RowWalker | undefined {
  if (!simdEnabled()) return undefined;
  const nRed = l.dataOffsets.length;
  if (nRed < 1 || nRed > MAX_RUN) return undefined;
  const w = getInstance(nRed);
  if (w === null) return undefined;
  // planes past the run: always masked; without a mask, every plane of the run is valid
  for (let r = 0; r < MAX_RUN; r++) {
    const at = MASK_BASE + r * MASK_STRIDE;
    w.mask.fill(r >= nRed ? 1 : 0, at, at + TILE);
  }
  const { data: D, dataOffsets: dOff, mask: M, maskOffsets: mOff, out: O, outMask: OM } = l;
  return (db, mb, pos, n) => {
    for (let k0 = 0; k0 < n; k0 += TILE) {
      const t = Math.min(TILE, n - k0);
      for (let r = 0; r < nRed; r++) {
        const d = db + k0 + dOff[r]!;
        w.data.set(D.subarray(d, d + t), (r * DATA_STRIDE) / 4);
        if (M !== undefined) {
          const m = mb + k0 + mOff[r]!;
          w.mask.set(M.subarray(m, m + t), MASK_BASE + r * MASK_STRIDE);
        }
      }
      w.run((t + 3) >> 2);
      O.set(t === TILE ? w.out : w.out.subarray(0, t), pos + k0);
      if (OM !== undefined) OM.set(t === TILE ? w.outMask : w.outMask.subarray(0, t), pos + k0);
    }
  };
}

/**
 * The module's tile as planes that a generated loop fills directly (no staging copy): value k of
 * reduced position r at `data[r * plane + k]`, its mask byte at `mask[r * plane + k]`.
 */
export interface Median16Planes {
  /** Output elements per call of `medians`. */
  readonly tile: number;
  /** Elements from one plane to the next, in `data` and `mask` alike. */
  readonly plane: number;
  /** Byte addresses of the first data and mask plane in the module's memory (the arena for `median16ArenaPlanes`). */
  readonly dataAt: number;
  readonly maskAt: number;
  readonly data: Float32Array;
  readonly mask: Uint8Array;
  /** The medians of the tile's first `t` elements into `out` (and 1 in `outMask` where none is valid). */
  medians(t: number): void;
  readonly out: Float32Array;
  readonly outMask: Uint8Array;
}

/**
 * Planes for runs of `nRed` (1..16) float32 values, or undefined when SIMD is off or its memory was refused. Planes past the
 * run are masked; with `masked` false the run's planes are all valid and the caller writes values only.
 */
export function median16Planes(nRed: number, masked: boolean): Median16Planes | undefined {
  if (!simdEnabled() || !Number.isInteger(nRed) || nRed < 1 || nRed > MAX_RUN) return undefined;
  const w = getInstance(nRed);
  return w === null ? undefined : planesOf(w, nRed, masked);
}

/** The same planes in this thread's arena slot, for kernels that address the arena; undefined without a slot or SIMD. */
export function median16ArenaPlanes(nRed: number, masked: boolean): Median16Planes | undefined {
  if (!simdEnabled() || !Number.isInteger(nRed) || nRed < 1 || nRed > MAX_RUN) return undefined;
  const w = getArenaInstance(nRed);
  return w === null ? undefined : planesOf(w, nRed, masked);
}

function planesOf(w: Instance, nRed: number, masked: boolean): Median16Planes {
  for (let r = 0; r < MAX_RUN; r++) {
    const at = MASK_BASE + r * MASK_STRIDE;
    if (r >= nRed || !masked) w.mask.fill(r >= nRed ? 1 : 0, at, at + TILE);
  }
  const buf = w.data.buffer;
  return {
    tile: TILE,
    plane: MASK_STRIDE,
    dataAt: w.base,
    maskAt: w.base + MASK_BASE,
    data: w.data,
    mask: new Uint8Array(buf, w.base + MASK_BASE, MAX_RUN * MASK_STRIDE),
    medians: (t) => w.run((t + 3) >> 2),
    out: w.out,
    outMask: w.outMask,
  };
}
