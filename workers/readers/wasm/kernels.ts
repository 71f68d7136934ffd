/**
 * The Blosc decode kernels as WebAssembly, written with our assembler: LZ4 block decoding and
 * the byte unshuffle of 4-byte items with SIMD shuffles. Pointers and sizes are i32 byte offsets
 * into the module's memory; the caller lays out the regions (see workspace.ts).
 */
import { Code, I32, V128, assemble, type FuncDef } from "./assembler.js";
import { Wasm, type WasmMemory } from "../../../src/core/wasm-api.js";

/** lz4 errors: the function returns one of these (negative) instead of the output end. */
export const LZ4_ERRORS: Readonly<Record<number, string>> = {
  [-1]: "truncated length",
  [-2]: "literal run overflows the block",
  [-3]: "truncated match offset",
  [-4]: "match offset before the block's start",
  [-5]: "match overflows the block",
};

/**
 * lz4(ip, iend, op, oend, ostart) → the output end, or a negative LZ4_ERRORS code.
 * Reads only [ip, iend + 16) and writes only [op, oend): 8-byte copies run ahead of a short
 * literal run or match only where they stay inside both (the caller leaves 16 bytes after iend).
 */
function lz4(): FuncDef {
  const ip = 0, iend = 1, op = 2, oend = 3, ostart = 4;
  const token = 5, lit = 6, len = 7, off = 8, m = 9, b = 10, stop = 11;
  const c = new Code();
  // add the continuation bytes of a length of 15 to `v` (each added until one is below 255)
  const extend = (v: number): void => {
    c.get(v).i32(15).eq().if();
    c.loop();
    c.get(ip).get(iend).geU().if().i32(-1).return().end();
    c.get(ip).load8().tee(b).get(v).add().set(v);
    c.get(ip).i32(1).add().set(ip);
    c.get(b).i32(255).eq().brIf(0);
    c.end();
    c.end();
  };
  // copy n bytes from src to dst in 8-byte steps (may copy up to 7 bytes more), then dst = stop
  const copy8 = (dst: number, src: number): void => {
    c.loop();
    c.get(dst).get(src).load64().store64();
    c.get(dst).i32(8).add().set(dst);
    c.get(src).i32(8).add().set(src);
    c.get(dst).get(stop).ltU().brIf(0);
    c.end();
  };
  const byteLoop = (dst: number, src: number): void => {
    c.loop();
    c.get(dst).get(src).load8().store8();
    c.get(dst).i32(1).add().set(dst);
    c.get(src).i32(1).add().set(src);
    c.get(dst).get(stop).ltU().brIf(0);
    c.end();
  };

  c.loop(); // one sequence per turn
  c.get(ip).get(iend).geU().if().get(op).return().end();
  c.get(ip).load8().set(token);
  c.get(ip).i32(1).add().set(ip);
  c.get(token).i32(4).shrU().tee(lit).if();
  {
    extend(lit);
    c.get(lit).get(iend).get(ip).sub().gtU().get(lit).get(oend).get(op).sub().gtU().or().if().i32(-2).return().end();
    c.get(op).get(lit).add().set(stop);
    c.get(lit).i32(16).leU().get(op).i32(16).add().get(oend).leU().and().if();
    // up to 16 literals: two 8-byte copies (reads stay within the 16 bytes after iend)
    c.get(op).get(ip).load64().store64();
    c.get(op).get(ip).load64(8).store64(8);
    c.get(ip).get(lit).add().set(ip);
    c.get(stop).set(op);
    c.else();
    c.get(op).get(ip).get(lit).memoryCopy();
    c.get(ip).get(lit).add().set(ip);
    c.get(stop).set(op);
    c.end();
  }
  c.end();
  c.get(ip).get(iend).geU().if().get(op).return().end(); // the last sequence has literals only
  c.get(iend).get(ip).sub().i32(2).ltU().if().i32(-3).return().end();
  c.get(ip).load16().set(off);
  c.get(ip).i32(2).add().set(ip);
  c.get(off).eqz().get(off).get(op).get(ostart).sub().gtU().or().if().i32(-4).return().end();
  c.get(token).i32(15).and().set(len);
  extend(len);
  c.get(len).i32(4).add().set(len);
  c.get(len).get(oend).get(op).sub().gtU().if().i32(-5).return().end();
  c.get(op).get(off).sub().set(m);
  c.get(op).get(len).add().set(stop);
  c.get(off).i32(8).geU().get(stop).i32(8).add().get(oend).leU().and().if();
  copy8(op, m); // each 8-byte load is of bytes already written (off ≥ 8)
  c.get(stop).set(op);
  c.else();
  c.get(off).get(len).geU().if();
  c.get(op).get(m).get(len).memoryCopy();
  c.get(stop).set(op);
  c.else();
  byteLoop(op, m); // overlapping: repeats the last `off` bytes
  c.end();
  c.end();
  c.br(0);
  c.end();
  c.get(op); // unreachable: the loop only leaves by return
  return { name: "lz4", params: 5, results: 1, locals: [I32, I32, I32, I32, I32, I32, I32], code: c };
}

/**
 * unshuffle4(s0, s1, s2, s3, n, dst): stream k (at sk, n bytes) holds byte k of every element;
 * dst gets the n 4-byte elements. 16 elements per turn: two rounds of interleaving shuffles;
 * the n % 16 tail byte by byte. Streams are addressed apart so that a stream stored raw in the
 * chunk is read where it lies.
 */
function unshuffle4(): FuncDef {
  const n = 4, dst = 5;
  const i = 6, q = 7, end = 8, ab = 9, cd = 10, abHi = 11, cdHi = 12;
  const lo8 = [0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23];
  const hi8 = lo8.map((l) => l + 8);
  const lo16 = [0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23];
  const hi16 = lo16.map((l) => l + 8);
  const c = new Code();
  c.get(dst).set(q);
  c.get(n).i32(-16).and().set(end);
  c.block();
  c.get(i).get(end).geU().brIf(0);
  c.loop();
  // streams 0/1 and 2/3, interleaved byte-wise (low and high halves)
  for (const [lanes, into, s] of [[lo8, ab, 0], [hi8, abHi, 0], [lo8, cd, 2], [hi8, cdHi, 2]] as const) {
    c.get(s).get(i).add().v128Load();
    c.get(s + 1).get(i).add().v128Load();
    c.shuffle(lanes).set(into);
  }
  // then pairs interleaved 16-bit-wise give whole elements
  c.get(q).get(ab).get(cd).shuffle(lo16).v128Store(0);
  c.get(q).get(ab).get(cd).shuffle(hi16).v128Store(16);
  c.get(q).get(abHi).get(cdHi).shuffle(lo16).v128Store(32);
  c.get(q).get(abHi).get(cdHi).shuffle(hi16).v128Store(48);
  c.get(q).i32(64).add().set(q);
  c.get(i).i32(16).add().tee(i).get(end).ltU().brIf(0);
  c.end();
  c.end();
  // the tail: element by element, byte by byte
  c.block();
  c.get(i).get(n).geU().brIf(0);
  c.loop();
  for (let k = 0; k < 4; k++) c.get(q).get(k).get(i).add().load8().store8(k);
  c.get(q).i32(4).add().set(q);
  c.get(i).i32(1).add().tee(i).get(n).ltU().brIf(0);
  c.end();
  c.end();
  return { name: "unshuffle4", params: 6, results: 0, locals: [I32, I32, I32, V128, V128, V128, V128], code: c };
}

export interface Kernels {
  readonly memory: WasmMemory;
  lz4(ip: number, iend: number, op: number, oend: number, ostart: number): number;
  unshuffle4(s0: number, s1: number, s2: number, s3: number, n: number, dst: number): void;
}

let kernels: Kernels | undefined;

/** Compiled once per thread, on first use (a few hundred bytes: compiling is instant). */
export function bloscKernels(): Kernels {
  if (kernels === undefined) {
    const module = new Wasm.Module(assemble([lz4(), unshuffle4()], 1));
    kernels = new Wasm.Instance(module).exports as unknown as Kernels;
  }
  return kernels;
}
