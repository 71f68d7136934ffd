/**
 * This thread's WebAssembly memory and compiled SIMD kernels (cached by program signature and mode).
 * Kernels import the arena (src/core/arena.ts) when this thread has a scratch slot in it: data
 * already in the arena is then read in place, and only other data is staged into the slot. A
 * thread without a slot stages everything into a private memory, as WebAssembly addresses only its own.
 */
import { programSignature, type Program } from "../../../scheduler/program.js";
import { ARENA_MAX_PAGES, KERNEL_SCRATCH_BYTES, threadScratch } from "../../../src/core/arena.js";
import { Wasm, WASM_PAGE, type WasmMemory } from "../../../src/core/wasm-api.js";
import { kernelBytes, type SimdMode } from "./kernel.js";
import { I32, moduleBytes } from "./binary.js";
import type { Lane } from "./ops.js";

export type SimdRun = (n: number, ...pointers: number[]) => void;

/** Whether this runtime compiles 128-bit SIMD (Node ≥ 16.4 does); checked once per thread. */
function detectSimd(): boolean {
  try {
    // (func (result v128) v128.const 0 x 16): the smallest module that needs SIMD
    const bytes = new Uint8Array([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00,
      0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c, ...new Array<number>(16).fill(0), 0x0b,
    ]);
    return Wasm.validate(bytes);
  } catch {
    return false;
  }
}

let enabled = process.env["TESSERAE_SIMD"] !== "0" && detectSimd();

/** The SIMD backend is on unless TESSERAE_SIMD=0 or WebAssembly lacks SIMD; tests switch it to compare both backends. */
export function simdEnabled(): boolean {
  return enabled;
}

export function setSimdEnabled(on: boolean): void {
  enabled = on && detectSimd();
}

/** Where this thread's kernels stage data: the memory they import and the scratch region in it. */
interface KernelMemory {
  memory: WasmMemory;
  /** Byte address of the scratch region. */
  base: number;
  /** The scratch region's size, or undefined when it grows on demand (private memory). */
  limit: number | undefined;
  /** The memory is the arena: operands with an arena address are read in place. */
  arena: boolean;
}

/** This thread's kernel memory; null when the runtime refused one (e.g. an address-space limit): the JS loops run. */
let kmem: KernelMemory | null | undefined;
const kernels = new Map<string, SimdRun>();

function kernelMemory(): KernelMemory | null {
  if (kmem !== undefined) return kmem;
  const s = threadScratch();
  if (s !== null) {
    kmem = { memory: s.memory, base: s.at, limit: KERNEL_SCRATCH_BYTES, arena: true };
    return kmem;
  }
  try {
    kmem = { memory: new Wasm.Memory({ initial: 16 }), base: 0, limit: undefined, arena: false };
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    kmem = null;
  }
  return kmem;
}

/** The kernels of this thread read arena operands in place. */
export function simdReadsArena(): boolean {
  return kernelMemory()?.arena === true;
}

/**
 * This thread's scratch region, able to hold `bytes`, as the memory's current buffer and the
 * region's byte address; null when it cannot (the caller runs its JS loops instead).
 * Views of an older buffer of a private memory are stale after a grow.
 */
export function simdScratch(bytes: number): { buffer: ArrayBufferLike; base: number } | null {
  const k = kernelMemory();
  if (k === null) return null;
  if (k.limit !== undefined) return bytes <= k.limit ? { buffer: k.memory.buffer, base: k.base } : null;
  const have = k.memory.buffer.byteLength;
  try {
    if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / WASM_PAGE));
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
  return { buffer: k.memory.buffer, base: 0 };
}

export function simdKernel(p: Program, lane: Lane, mode: SimdMode): SimdRun {
  const key = `${mode}|${lane}|${programSignature(p)}`;
  let k = kernels.get(key);
  if (k === undefined) {
    const m = kernelMemory()!;
    const bytes = kernelBytes(p, lane, mode, m.arena ? ARENA_MAX_PAGES : undefined);
    const instance = new Wasm.Instance(new Wasm.Module(bytes), { env: { mem: m.memory } });
    k = instance.exports["run"] as SimdRun;
    kernels.set(key, k);
  }
  return k;
}

/** Number of SIMD kernels compiled in this thread (for tests of the cache). */
export function simdKernelCount(): number {
  return kernels.size;
}

const arenaKernels = new Map<string, SimdRun>();

/**
 * A kernel built by `bytes` over the arena memory (which it imports, shared), compiled once per
 * key in this thread; null when this thread's kernels do not address the arena (no scratch slot).
 */
export function arenaKernel(key: string, bytes: (sharedMaxPages: number) => Uint8Array): SimdRun | null {
  const m = kernelMemory();
  if (m === null || !m.arena) return null;
  let k = arenaKernels.get(key);
  if (k === undefined) {
    k = new Wasm.Instance(new Wasm.Module(bytes(ARENA_MAX_PAGES)), { env: { mem: m.memory } }).exports["run"] as SimdRun;
    arenaKernels.set(key, k);
  }
  return k;
}

/** `run(at, value, n)`: memory.fill (bulk memory: 0xFC 11) of n bytes at byte address `at`. */
function fillBytes(sharedMaxPages: number): Uint8Array {
  return moduleBytes({ params: [I32, I32, I32], locals: [], body: [0x20, 0, 0x20, 1, 0x20, 2, 0xfc, 0x0b, 0x00] }, sharedMaxPages);
}

/**
 * Fills `a` (a view into the arena) with `value` by WebAssembly's memory.fill: V8 fills shared
 * memory one element at a time (a 768 KiB mask ~0.25 ms), memory.fill at memset speed (~0.01 ms).
 * False, having touched nothing, when this thread's kernels do not address the arena.
 */
export function arenaFill(a: Uint8Array, value: number): boolean {
  const run = arenaKernel("fill", fillBytes);
  if (run === null) return false;
  run(a.byteOffset, value, a.length);
  return true;
}

