/**
 * The nodata mask of contiguous 16-bit samples in WebAssembly SIMD, when the samples and the mask
 * both sit in the arena (a task's source box decoded in place, its mask leased with it): 16
 * samples per step are compared with i16x8.eq, narrowed to 16 mask bytes and stored at once,
 * several times faster than nodata-mask.ts's word loop. The last few samples go through that loop.
 */
import { I32, V128, moduleBytes, sleb, uleb, type ValType } from "../../codegen/wasm/binary.js";
import { arenaKernel, simdEnabled } from "../../codegen/wasm/runtime.js";
import { maskNodata } from "./nodata-mask.js";

const GET = 0x20, SET = 0x21, I32_CONST = 0x41, I32_EQZ = 0x45, I32_ADD = 0x6a, I32_SUB = 0x6b;
const BLOCK = 0x02, LOOP = 0x03, END = 0x0b, BR = 0x0c, BR_IF = 0x0d, VOID = 0x40;
const V_LOAD = 0x00, V_STORE = 0x0b, I8X16_SPLAT = 0x0f, I16X8_SPLAT = 0x10, I16X8_EQ = 0x2d, V_AND = 0x4e, I8X16_NARROW_I16X8_S = 0x65;
const SAMPLES_PER_STEP = 16;

const get = (i: number): number[] => [GET, ...uleb(i)];
const set = (i: number): number[] => [SET, ...uleb(i)];
const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...uleb(op), ...imm];

/** `run(steps, src, mask, pattern)`: mask bytes of 16 × steps samples from byte address src into mask. */
function nodataBytes(sharedMaxPages: number): Uint8Array {
  const [STEPS, SRC, MASK, PATTERN] = [0, 1, 2, 3];
  const locals: ValType[] = [V128, V128];
  const [pat, one] = [4, 5];
  const bump = (ptr: number, by: number) => [...get(ptr), I32_CONST, ...sleb(by), I32_ADD, ...set(ptr)];
  // equal lanes are all ones; narrowing keeps them -1 (0xff), and the AND makes mask bytes 0/1
  const body = [
    ...get(PATTERN), ...simd(I16X8_SPLAT), ...set(pat), I32_CONST, 1, ...simd(I8X16_SPLAT), ...set(one),
    BLOCK, VOID, LOOP, VOID,
    ...get(STEPS), I32_EQZ, BR_IF, 1,
    ...get(MASK),
    ...get(SRC), ...simd(V_LOAD, 0, 0), ...get(pat), ...simd(I16X8_EQ),
    ...get(SRC), ...simd(V_LOAD, 0, 16), ...get(pat), ...simd(I16X8_EQ),
    ...simd(I8X16_NARROW_I16X8_S), ...get(one), ...simd(V_AND),
    ...simd(V_STORE, 0, 0),
    ...bump(SRC, 2 * SAMPLES_PER_STEP), ...bump(MASK, SAMPLES_PER_STEP),
    ...get(STEPS), I32_CONST, 1, I32_SUB, ...set(STEPS),
    BR, 0, END, END,
  ];
  return moduleBytes({ params: [I32, I32, I32, I32], locals, body }, sharedMaxPages);
}

let steps = 0;

/** Steps of 16 samples this thread has masked in SIMD (for tests that must know which path ran). */
export function nodataSimdSteps(): number {
  return steps;
}

/**
 * Mask bytes for `n` contiguous samples from `src[s]` into `mask[o]` (1 where a sample equals
 * `nodata`), both arrays in the arena; false, having touched nothing, when it does not apply
 * (not 16-bit samples, a nodata no sample can equal, SIMD off, or no arena kernels in this thread).
 */
export function maskNodataArena(src: Uint16Array | Int16Array, s: number, n: number, mask: Uint8Array, o: number, nodata: number): boolean {
  const fits = src instanceof Uint16Array ? nodata >= 0 && nodata <= 0xffff : nodata >= -0x8000 && nodata <= 0x7fff;
  if (!Number.isInteger(nodata) || !fits || !simdEnabled()) return false;
  const run = arenaKernel("nodata16", nodataBytes);
  if (run === null) return false;
  const k = Math.floor(n / SAMPLES_PER_STEP);
  run(k, src.byteOffset + 2 * s, mask.byteOffset + o, nodata & 0xffff);
  steps += k;
  const done = k * SAMPLES_PER_STEP;
  if (done < n) maskNodata(src, s + done, 1, n - done, mask, o + done, nodata);
  return true;
}
