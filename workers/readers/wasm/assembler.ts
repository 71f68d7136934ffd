/**
 * A minimal WebAssembly binary writer: one memory, functions of i32 parameters, and the
 * instructions our kernels use (binary format facts from the WebAssembly core spec, with the
 * bulk-memory and fixed-width SIMD extensions that Node 20 supports). LEB128 integers come from
 * the SIMD kernels' writer (codegen/wasm/binary.ts).
 */

import { sleb, uleb } from "../../codegen/wasm/binary.js";

export const I32 = 0x7f, I64 = 0x7e, V128 = 0x7b;
export type ValType = typeof I32 | typeof I64 | typeof V128;

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

/** Instruction writer for one function body; methods are named after the instructions. */
export class Code {
  readonly bytes: number[] = [];
  private op(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }
  get(local: number): this { return this.op(0x20, ...uleb(local)); }
  set(local: number): this { return this.op(0x21, ...uleb(local)); }
  tee(local: number): this { return this.op(0x22, ...uleb(local)); }
  i32(v: number): this { return this.op(0x41, ...sleb(v | 0)); }
  /** Structured control; blocks and loops take no values and leave none. */
  block(): this { return this.op(0x02, 0x40); }
  loop(): this { return this.op(0x03, 0x40); }
  if(): this { return this.op(0x04, 0x40); }
  else(): this { return this.op(0x05); }
  end(): this { return this.op(0x0b); }
  br(depth: number): this { return this.op(0x0c, ...uleb(depth)); }
  brIf(depth: number): this { return this.op(0x0d, ...uleb(depth)); }
  return(): this { return this.op(0x0f); }
  load8(offset = 0): this { return this.op(0x2d, 0, ...uleb(offset)); }
  load16(offset = 0): this { return this.op(0x2f, 0, ...uleb(offset)); }
  store8(offset = 0): this { return this.op(0x3a, 0, ...uleb(offset)); }
  load32(offset = 0): this { return this.op(0x28, 0, ...uleb(offset)); }
  store16(offset = 0): this { return this.op(0x3b, 0, ...uleb(offset)); }
  store32(offset = 0): this { return this.op(0x36, 0, ...uleb(offset)); }
  load64(offset = 0): this { return this.op(0x29, 0, ...uleb(offset)); }
  store64(offset = 0): this { return this.op(0x37, 0, ...uleb(offset)); }
  eqz(): this { return this.op(0x45); }
  eq(): this { return this.op(0x46); }
  ne(): this { return this.op(0x47); }
  ltU(): this { return this.op(0x49); }
  gtU(): this { return this.op(0x4b); }
  leU(): this { return this.op(0x4d); }
  geU(): this { return this.op(0x4f); }
  add(): this { return this.op(0x6a); }
  sub(): this { return this.op(0x6b); }
  mul(): this { return this.op(0x6c); }
  and(): this { return this.op(0x71); }
  or(): this { return this.op(0x72); }
  shl(): this { return this.op(0x74); }
  ctz(): this { return this.op(0x68); }
  /** 64-bit xor, count of trailing zeros, test for zero, and the low 32 bits as an i32. */
  xor64(): this { return this.op(0x85); }
  ctz64(): this { return this.op(0x7a); }
  eqz64(): this { return this.op(0x50); }
  wrap64(): this { return this.op(0xa7); }
  shrU(): this { return this.op(0x76); }
  /** memory.copy (dst, src, n) and memory.fill (dst, value, n) on memory 0. */
  memoryCopy(): this { return this.op(0xfc, ...uleb(10), 0, 0); }
  memoryFill(): this { return this.op(0xfc, ...uleb(11), 0); }
  v128Load(offset = 0): this { return this.op(0xfd, ...uleb(0), 4, ...uleb(offset)); }
  v128Store(offset = 0): this { return this.op(0xfd, ...uleb(11), 4, ...uleb(offset)); }
  /** i8x16.shuffle: lane k of the result is byte lanes[k] of the two operands (0–15 first, 16–31 second). */
  shuffle(lanes: readonly number[]): this {
    if (lanes.length !== 16 || lanes.some((l) => l < 0 || l > 31)) throw new RangeError("i8x16.shuffle takes 16 lanes in 0..31");
    return this.op(0xfd, ...uleb(13), ...lanes);
  }
}

export interface FuncDef {
  readonly name: string;
  readonly params: number;
  readonly results: number;
  /** Types of the locals after the (i32) parameters. */
  readonly locals: readonly ValType[];
  readonly code: Code;
}

/** A module with one exported memory ("memory", `pages` × 64 KiB initially) and the exported functions. */
export function assemble(funcs: readonly FuncDef[], pages: number): Uint8Array {
  const types = funcs.map((f) => [0x60, ...vec(new Array<number[]>(f.params).fill([I32])), ...vec(new Array<number[]>(f.results).fill([I32]))]);
  const localGroups = (ls: readonly ValType[]): number[][] => ls.map((t) => [1, t]);
  const bodies = funcs.map((f) => {
    const body = [...vec(localGroups(f.locals)), ...f.code.bytes, 0x0b];
    return [...uleb(body.length), ...body];
  });
  const exports = [[...name("memory"), 2, 0], ...funcs.map((f, i) => [...name(f.name), 0, ...uleb(i)])];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(3, vec(funcs.map((_, i) => uleb(i)))),
    ...section(5, vec([[0x00, ...uleb(pages)]])),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies)),
  ]);
}
