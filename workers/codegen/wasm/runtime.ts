/**
 * This thread's WebAssembly memory and compiled SIMD kernels (cached by program signature and mode).
 * WebAssembly addresses only its own memory, so callers stage contiguous runs into it.
 */
import { programSignature, type Program } from "../../../scheduler/program.js";
import { kernelBytes, type SimdMode } from "./kernel.js";
import type { Lane } from "./ops.js";

export type SimdRun = (n: number, ...pointers: number[]) => void;

/** The part of the WebAssembly JS API used here (Node's global; the ES and node type libraries do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (d: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { readonly exports: { readonly [name: string]: unknown } };
  validate(bytes: Uint8Array): boolean;
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const PAGE = 65536;

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

let memory: WasmMemory | undefined;
const kernels = new Map<string, SimdRun>();

function memoryOf(): WasmMemory {
  memory ??= new Wasm.Memory({ initial: 16 });
  return memory;
}

/** This thread's kernel memory, grown to hold at least `bytes`. Views of an older buffer are stale after a grow. */
export function simdMemory(bytes: number): ArrayBuffer {
  const m = memoryOf();
  const have = m.buffer.byteLength;
  if (bytes > have) m.grow(Math.ceil((bytes - have) / PAGE));
  return m.buffer;
}

export function simdKernel(p: Program, lane: Lane, mode: SimdMode): SimdRun {
  const key = `${mode}|${lane}|${programSignature(p)}`;
  let k = kernels.get(key);
  if (k === undefined) {
    const instance = new Wasm.Instance(new Wasm.Module(kernelBytes(p, lane, mode)), { env: { mem: memoryOf() } });
    k = instance.exports["run"] as SimdRun;
    kernels.set(key, k);
  }
  return k;
}

/** Number of SIMD kernels compiled in this thread (for tests of the cache). */
export function simdKernelCount(): number {
  return kernels.size;
}
