/**
 * The Blosc encode kernels as WebAssembly, written with the decoder's assembler
 * (workers/readers/wasm/assembler.ts): a greedy LZ4 block compressor and the byte shuffle of
 * 2-, 4- and 8-byte items with SIMD shuffles. Pointers are i32 byte offsets into the module's memory, whose
 * first 64 KiB are the compressor's hash table; the caller lays out the rest (blosc-encode.ts).
 */
import { Wasm, WASM_PAGE, type WasmMemory } from "../core/wasm-api.js";
import { Code, I32, I64, V128, assemble, type FuncDef, type ValType } from "../../workers/readers/wasm/assembler.js";

/** Bytes at the start of memory that hold the hash table: 2^14 int32 positions. */
export const HASH_TABLE_BYTES = 1 << 16;
/** Bytes past the end of its input the compressor may read, and past its output limit it may write. */
export const SLACK = 16;

const MIN_MATCH = 4;
// the format's end rules: the last 5 bytes are literals, the last match starts 12 bytes before the end
const LAST_LITERALS = 5;
const MF_LIMIT = 12;
const MAX_OFFSET = 65535;
// after 2^SKIP_TRIGGER misses in a row the search step grows by one (skips incompressible data fast)
const SKIP_TRIGGER = 6;
const HASH_MULTIPLIER = 2654435761;

/**
 * lz4(src, end, dst, limit) → the size of the LZ4 block of [src, end) written at dst, or -1 when
 * it would take more than `limit` bytes (then store the input raw). Reads up to SLACK bytes past
 * `end` and writes up to SLACK past dst + limit (the caller leaves room for both).
 *
 * Greedy: one candidate per position, the last position whose 4 bytes hashed alike. Table entries
 * are never cleared: a candidate is used only when it lies in [src, ip), within 64 KiB, and its
 * 4 bytes equal the current ones, so a stale entry is at worst a miss.
 */
function lz4(): FuncDef {
  const src = 0, end = 1, dst = 2, limit = 3;
  const ip = 4, anchor = 5, op = 6, dend = 7, mfLimit = 8, matchLimit = 9, seq = 10, slot = 11;
  const ref = 12, misses = 13, start = 14, e = 15, r = 16, lit = 17, mlen = 18, token = 19, n = 20, diff = 21;
  const c = new Code();
  const hashSlot = (): void => {
    // (seq * multiplier) >>> 18, times 4: a byte offset in the table
    c.i32(HASH_MULTIPLIER).mul().i32(16).shrU().i32(0xfffc).and();
  };
  // write the continuation bytes of length `v` - 15 (255 each, then the rest) at op
  const writeLength = (v: number): void => {
    c.get(v).i32(15).sub().set(n);
    c.block();
    c.get(n).i32(255).ltU().brIf(0);
    c.loop();
    c.get(op).i32(255).store8();
    c.get(op).i32(1).add().set(op);
    c.get(n).i32(255).sub().tee(n).i32(255).geU().brIf(0);
    c.end();
    c.end();
    c.get(op).get(n).store8();
    c.get(op).i32(1).add().set(op);
  };
  // the nibble of a length: min(v, 15)
  const nibble = (v: number): void => {
    c.get(v).i32(15).ltU().if().get(v).set(n).else().i32(15).set(n).end();
    c.get(n);
  };
  // copy `lit` literals from anchor to op (two 8-byte copies when short: the slack covers them)
  const copyLiterals = (): void => {
    c.get(lit).i32(16).leU().if();
    c.get(op).get(anchor).load64().store64();
    c.get(op).get(anchor).load64(8).store64(8);
    c.else();
    c.get(op).get(anchor).get(lit).memoryCopy();
    c.end();
    c.get(op).get(lit).add().set(op);
  };

  c.get(dst).set(op);
  c.get(dst).get(limit).add().set(dend);
  c.get(src).set(anchor);
  c.get(src).set(ip);
  c.get(end).get(src).sub().i32(MF_LIMIT + 1).geU().if();
  {
    c.get(end).i32(MF_LIMIT).sub().set(mfLimit);
    c.get(end).i32(LAST_LITERALS).sub().set(matchLimit);
    c.block(); // leaves when ip reaches mfLimit
    c.loop(); // one position per turn
    c.get(ip).get(mfLimit).geU().brIf(1);
    c.get(ip).load32().tee(seq);
    hashSlot();
    c.tee(slot).load32().set(ref);
    c.get(slot).get(ip).store32();
    // a miss: outside [src, ip), too far back, or other bytes
    c.get(ref).get(src).ltU();
    c.get(ref).get(ip).geU().or();
    c.get(ip).get(ref).sub().i32(MAX_OFFSET).gtU().or();
    c.if();
    c.get(misses).i32(SKIP_TRIGGER).shrU().i32(1).add().get(ip).add().set(ip);
    c.get(misses).i32(1).add().set(misses);
    c.br(1);
    c.end();
    c.get(ref).load32().get(seq).ne().if();
    c.get(misses).i32(SKIP_TRIGGER).shrU().i32(1).add().get(ip).add().set(ip);
    c.get(misses).i32(1).add().set(misses);
    c.br(1);
    c.end();
    c.i32(0).set(misses);
    // extend backwards over pending literals, then forwards (4 bytes at a time, then bytewise)
    c.get(ip).set(start);
    c.block();
    c.loop();
    c.get(start).get(anchor).leU().get(ref).get(src).leU().or().brIf(1);
    c.get(start).i32(1).sub().load8().get(ref).i32(1).sub().load8().ne().brIf(1);
    c.get(start).i32(1).sub().set(start);
    c.get(ref).i32(1).sub().set(ref);
    c.br(0);
    c.end();
    c.end();
    c.get(ip).i32(MIN_MATCH).add().set(e);
    c.get(ref).get(ip).get(start).sub().add().i32(MIN_MATCH).add().set(r);
    c.block(); // done
    c.block(); // fewer than 8 bytes left before matchLimit: bytewise
    c.loop();
    c.get(e).i32(8).add().get(matchLimit).gtU().brIf(1);
    // 8 bytes at a time; the first differing byte is the xor's lowest nonzero byte (no per-byte branch)
    c.get(e).load64().get(r).load64().xor64().tee(diff).eqz64().if();
    c.get(e).i32(8).add().set(e);
    c.get(r).i32(8).add().set(r);
    c.br(1);
    c.end();
    c.get(diff).ctz64().wrap64().i32(3).shrU().get(e).add().set(e);
    c.br(2);
    c.end();
    c.end();
    c.block();
    c.loop();
    c.get(e).get(matchLimit).geU().brIf(1);
    c.get(e).load8().get(r).load8().ne().brIf(1);
    c.get(e).i32(1).add().set(e);
    c.get(r).i32(1).add().set(r);
    c.br(0);
    c.end();
    c.end();
    c.end();
    c.get(start).get(anchor).sub().set(lit);
    c.get(e).get(start).sub().i32(MIN_MATCH).sub().set(mlen);
    // worst case for this sequence: token, literal length bytes, literals, offset, match length bytes
    c.get(op).get(lit).add().get(lit).i32(7).shrU().add().get(mlen).i32(7).shrU().add().i32(6).add().get(dend).gtU();
    c.if().i32(-1).return().end();
    c.get(op).set(token);
    c.get(op).i32(1).add().set(op);
    c.get(token);
    nibble(lit);
    c.i32(4).shl();
    nibble(mlen);
    c.or().store8();
    c.get(lit).i32(15).geU().if();
    writeLength(lit);
    c.end();
    copyLiterals();
    c.get(op).get(start).get(ref).sub().store16();
    c.get(op).i32(2).add().set(op);
    c.get(mlen).i32(15).geU().if();
    writeLength(mlen);
    c.end();
    c.get(e).tee(ip).set(anchor);
    // the position two before the match's end goes in the table too (helps runs)
    c.get(e).i32(2).sub().get(mfLimit).ltU().if();
    c.get(e).i32(2).sub().load32();
    hashSlot();
    c.get(e).i32(2).sub().store32();
    c.end();
    c.br(0);
    c.end();
    c.end();
  }
  c.end();
  // the last literals
  c.get(end).get(anchor).sub().set(lit);
  c.get(op).get(lit).add().get(lit).i32(7).shrU().add().i32(2).add().get(dend).gtU();
  c.if().i32(-1).return().end();
  c.get(op).set(token);
  c.get(op).i32(1).add().set(op);
  c.get(token);
  nibble(lit);
  c.i32(4).shl().store8();
  c.get(lit).i32(15).geU().if();
  writeLength(lit);
  c.end();
  copyLiterals();
  c.get(op).get(dst).sub();
  const locals: ValType[] = [...new Array<ValType>(n - limit).fill(I32), I64];
  return { name: "lz4", params: 4, results: 1, locals, code: c };
}

/** One SIMD step: vector k of the next bank is i8x16.shuffle(bank[left], bank[right], lanes). */
type Step = readonly [left: number, right: number, lanes: readonly number[]];

const range = (from: number, n: number, step = 1): number[] => Array.from({ length: n }, (_, k) => from + k * step);
const plus = (lanes: readonly number[], d: number): number[] => lanes.map((l) => l + d);
// the first halves of two vectors, then the second halves
const FIRST = [...range(0, 8), ...range(16, 8)];
const SECOND = plus(FIRST, 8);

/**
 * Rounds of shuffles that turn 16 items of `size` bytes (`size` vectors as loaded) into `size`
 * vectors, vector k holding byte k of the 16 items: a transpose in log2(size) interleaving rounds.
 */
const ROUNDS: Readonly<Record<2 | 4 | 8, readonly (readonly Step[])[]>> = {
  2: [[[0, 1, range(0, 16, 2)], [0, 1, range(1, 16, 2)]]],
  4: [
    // bytes 0 and 1 of 8 items (from two vectors of 4 items), then bytes 2 and 3
    [[0, 1, [...range(0, 8, 4), ...range(1, 8, 4)]], [0, 1, [...range(2, 8, 4), ...range(3, 8, 4)]],
      [2, 3, [...range(0, 8, 4), ...range(1, 8, 4)]], [2, 3, [...range(2, 8, 4), ...range(3, 8, 4)]]],
    [[0, 2, FIRST], [0, 2, SECOND], [1, 3, FIRST], [1, 3, SECOND]],
  ],
  8: (() => {
    // bytes 0-3 of 4 items (from two vectors of 2 items), then bytes 4-7
    const lo = [0, 1, 2, 3].flatMap((j) => range(j, 4, 8));
    const hi = plus(lo, 4);
    // bytes j, j+1 of 8 items from two vectors of 4 items' bytes j..j+3
    const pair = [...range(0, 4), ...range(16, 4), ...range(4, 4), ...range(20, 4)];
    const pair2 = plus(pair, 8);
    return [
      [0, 2, 4, 6].flatMap((v): Step[] => [[v, v + 1, lo], [v, v + 1, hi]]),
      [[0, 2, pair], [0, 2, pair2], [4, 6, pair], [4, 6, pair2], [1, 3, pair], [1, 3, pair2], [5, 7, pair], [5, 7, pair2]],
      [[0, 2, FIRST], [0, 2, SECOND], [1, 3, FIRST], [1, 3, SECOND], [4, 6, FIRST], [4, 6, SECOND], [5, 7, FIRST], [5, 7, SECOND]],
    ];
  })(),
};

/**
 * shuffle{size}(src, n, dst): n items of `size` bytes at src → stream k at dst + k·n holds byte k
 * of every item. 16 items per turn through the SIMD rounds above, the n % 16 tail byte by byte.
 */
function shuffle(size: 2 | 4 | 8): FuncDef {
  const src = 0, n = 1, dst = 2;
  const i = 3, p = 4, end = 5, bank0 = 6, bank1 = bank0 + size;
  const rounds = ROUNDS[size];
  const c = new Code();
  // dst + i + k·n: where item i's byte k goes
  const at = (k: number): void => {
    c.get(dst).get(i).add();
    for (let j = 0; j < k; j++) c.get(n).add();
  };
  c.get(src).set(p);
  c.get(n).i32(-16).and().set(end);
  c.block();
  c.get(i).get(end).geU().brIf(0);
  c.loop();
  for (let v = 0; v < size; v++) c.get(p).v128Load(16 * v).set(bank0 + v);
  rounds.forEach((steps, r) => {
    const from = r % 2 === 0 ? bank0 : bank1, to = r % 2 === 0 ? bank1 : bank0;
    const last = r === rounds.length - 1;
    steps.forEach(([left, right, lanes], k) => {
      if (last) at(k);
      c.get(from + left).get(from + right).shuffle(lanes);
      if (last) c.v128Store();
      else c.set(to + k);
    });
  });
  c.get(p).i32(16 * size).add().set(p);
  c.get(i).i32(16).add().tee(i).get(end).ltU().brIf(0);
  c.end();
  c.end();
  c.block();
  c.get(i).get(n).geU().brIf(0);
  c.loop();
  for (let k = 0; k < size; k++) {
    at(k);
    c.get(p).load8(k).store8();
  }
  c.get(p).i32(size).add().set(p);
  c.get(i).i32(1).add().tee(i).get(n).ltU().brIf(0);
  c.end();
  c.end();
  return { name: `shuffle${size}`, params: 3, results: 0, locals: [I32, I32, I32, ...new Array<ValType>(2 * size).fill(V128)], code: c };
}

export interface EncodeKernels {
  readonly memory: WasmMemory;
  lz4(src: number, end: number, dst: number, limit: number): number;
  /** Byte shuffles of n items of 2, 4 and 8 bytes (see `shuffle`). */
  shuffle2(src: number, n: number, dst: number): void;
  shuffle4(src: number, n: number, dst: number): void;
  shuffle8(src: number, n: number, dst: number): void;
}

let kernels: EncodeKernels | undefined;

/** Compiled once per thread, on first use; the memory starts as the hash table alone. */
export function encodeKernels(): EncodeKernels {
  if (kernels === undefined) {
    const module = new Wasm.Module(assemble([lz4(), shuffle(2), shuffle(4), shuffle(8)], HASH_TABLE_BYTES / WASM_PAGE));
    kernels = new Wasm.Instance(module).exports as unknown as EncodeKernels;
  }
  return kernels;
}
