/**
 * The memory behind plan buffers: shared typed arrays allocated when first needed, dropped when last
 * read, and moved to a spill store (and back) when the scheduler needs their room.
 */
import { allocate, DTYPES, type TypedArray } from "../src/core/dtype.js";
import { sizeOf } from "../src/core/shape.js";
import { arenaAddress } from "../src/core/arena.js";
import type { Operand } from "../workers/codegen/loops.js";
import { elementBytes, type OperandSpec, type Plan, type PlanBuffer } from "./task.js";
import type { SpillStore } from "./spill.js";

export interface Storage {
  readonly data: TypedArray;
  readonly mask: Uint8Array | undefined;
}

/** The element range [lo, hi] a strided operand of `extent` touches. */
export function elementRange(o: { offset: number; strides: readonly number[] }, extent: readonly number[]): [number, number] {
  let lo = o.offset, hi = o.offset;
  extent.forEach((e, k) => {
    if (e <= 0) return;
    const step = (e - 1) * o.strides[k]!;
    if (step < 0) lo += step;
    else hi += step;
  });
  return [lo, hi];
}

export class BufferTable {
  private readonly live = new Map<number, Storage>();
  /** Buffers on the spill store, by root id, with the bytes they held. */
  private readonly spilled = new Map<number, number>();
  /** Bytes currently allocated by this plan (payloads excluded), restored ranges included. */
  allocated = 0;
  peak = 0;
  /** Buffers spilled and ranges or buffers read back, for reports and tests. */
  spills = 0;
  restores = 0;

  constructor(private readonly plan: Plan, private readonly store?: SpillStore) {}

  private hold(bytes: number): void {
    this.allocated += bytes;
    this.peak = Math.max(this.peak, this.allocated);
  }

  /** Give back what `hold` counted for a range read back for one task. */
  unhold(bytes: number): void {
    this.allocated -= bytes;
  }

  isSpilled(id: number): boolean {
    return this.spilled.has(this.rootId(id));
  }

  /** Bytes of `id`'s root if it is live and can be spilled (allocated here, not a payload). */
  liveBytes(id: number): number {
    const b = this.root(this.plan.buffers[id]!);
    const s = this.live.get(b.id);
    if (s === undefined || b.payload !== undefined) return 0;
    return s.data.byteLength + (s.mask?.byteLength ?? 0);
  }

  /** Roots allocated here right now. */
  liveRoots(): number[] {
    return [...this.live.keys()].filter((id) => this.plan.buffers[id]!.payload === undefined);
  }

  /** Move a live buffer to the spill store and drop its memory. */
  spill(id: number): void {
    const r = this.rootId(id);
    const s = this.live.get(r);
    if (this.store === undefined || s === undefined || this.plan.buffers[r]!.payload !== undefined) return;
    this.store.put(`${r}.data`, new Uint8Array(s.data.buffer, s.data.byteOffset, s.data.byteLength));
    if (s.mask !== undefined) this.store.put(`${r}.mask`, s.mask);
    const bytes = s.data.byteLength + (s.mask?.byteLength ?? 0);
    this.live.delete(r);
    this.allocated -= bytes;
    this.spilled.set(r, bytes);
    this.spills++;
  }

  /** Bytes a read of `o` over `extent` would bring back (0 unless its buffer is spilled). */
  restoreCost(o: OperandSpec, extent: readonly number[] | undefined): number {
    const r = this.rootId(o.buf);
    const whole = this.spilled.get(r);
    if (whole === undefined) return 0;
    if (extent === undefined) return whole;
    const b = this.plan.buffers[r]!;
    const [lo, hi] = elementRange(o, extent);
    return (hi - lo + 1) * elementBytes(b);
  }

  /**
   * The operand `o` for a task that reads `extent` of it. From a spilled buffer only the element
   * range the task touches is read back, into memory the task owns (`onHeld` counts it).
   */
  readOperand(o: OperandSpec, extent: readonly number[], onHeld: (bytes: number) => void): Operand {
    const r = this.rootId(o.buf);
    if (!this.spilled.has(r)) return this.operand(o);
    const b = this.plan.buffers[r]!;
    const [lo, hi] = elementRange(o, extent);
    const n = hi - lo + 1;
    const item = DTYPES[b.dtype].bytes;
    const data = allocate(b.dtype, n, true);
    this.store!.read(`${r}.data`, lo * item, new Uint8Array(data.buffer, 0, n * item));
    let mask: Uint8Array | undefined;
    if (b.masked) {
      mask = new Uint8Array(new SharedArrayBuffer(n));
      this.store!.read(`${r}.mask`, lo, mask);
    }
    const bytes = n * item + (mask?.length ?? 0);
    this.hold(bytes);
    onHeld(bytes);
    this.restores++;
    return { data, mask, offset: o.offset - lo, strides: o.strides };
  }

  private root(b: PlanBuffer): PlanBuffer {
    let r = b;
    while (r.aliasOf !== undefined) r = this.plan.buffers[r.aliasOf]!;
    return r;
  }

  get(id: number): Storage {
    const b = this.root(this.plan.buffers[id]!);
    const hit = this.live.get(b.id);
    if (hit !== undefined) return hit;
    if (this.spilled.has(b.id)) return this.restoreWhole(b);
    if (b.payload !== undefined) {
      const s = { data: b.payload.data, mask: b.payload.mask };
      this.live.set(b.id, s);
      return s;
    }
    const n = sizeOf(b.shape);
    const s: Storage = {
      data: allocate(b.dtype, n, true),
      mask: b.masked ? new Uint8Array(new SharedArrayBuffer(n)) : undefined,
    };
    this.hold(s.data.byteLength + (s.mask?.byteLength ?? 0));
    this.live.set(b.id, s);
    return s;
  }

  private restoreWhole(b: PlanBuffer): Storage {
    const n = sizeOf(b.shape);
    const s: Storage = { data: allocate(b.dtype, n, true), mask: b.masked ? new Uint8Array(new SharedArrayBuffer(n)) : undefined };
    this.store!.read(`${b.id}.data`, 0, new Uint8Array(s.data.buffer, 0, s.data.byteLength));
    if (s.mask !== undefined) this.store!.read(`${b.id}.mask`, 0, s.mask);
    this.dropSpill(b.id);
    this.hold(s.data.byteLength + (s.mask?.byteLength ?? 0));
    this.live.set(b.id, s);
    this.restores++;
    return s;
  }

  private dropSpill(r: number): void {
    if (!this.spilled.delete(r)) return;
    this.store!.drop(`${r}.data`);
    this.store!.drop(`${r}.mask`);
  }

  operand(o: OperandSpec): Operand {
    const s = this.get(o.buf);
    const op: Operand = { data: s.data, mask: s.mask, offset: o.offset, strides: o.strides };
    if (arenaAddress(s.data) !== undefined) op.arena = true;
    return op;
  }

  /** Forget a buffer so its memory can be collected (aliases share the root's storage). */
  release(id: number): void {
    const b = this.root(this.plan.buffers[id]!);
    this.dropSpill(b.id);
    const s = this.live.get(b.id);
    if (s === undefined) return;
    this.live.delete(b.id);
    if (b.payload === undefined) this.allocated -= s.data.byteLength + (s.mask?.byteLength ?? 0);
  }

  rootId(id: number): number {
    return this.root(this.plan.buffers[id]!).id;
  }
}
