/** The memory behind plan buffers: shared typed arrays allocated when first needed, dropped when last read. */
import { allocate, type TypedArray } from "../src/core/dtype.js";
import { sizeOf } from "../src/core/shape.js";
import type { Operand } from "../workers/codegen/loops.js";
import type { OperandSpec, Plan, PlanBuffer } from "./task.js";

export interface Storage {
  readonly data: TypedArray;
  readonly mask: Uint8Array | undefined;
}

export class BufferTable {
  private readonly live = new Map<number, Storage>();
  /** Bytes currently allocated by this plan (payloads excluded). */
  allocated = 0;
  peak = 0;

  constructor(private readonly plan: Plan) {}

  private root(b: PlanBuffer): PlanBuffer {
    let r = b;
    while (r.aliasOf !== undefined) r = this.plan.buffers[r.aliasOf]!;
    return r;
  }

  get(id: number): Storage {
    const b = this.root(this.plan.buffers[id]!);
    const hit = this.live.get(b.id);
    if (hit !== undefined) return hit;
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
    const bytes = s.data.byteLength + (s.mask?.byteLength ?? 0);
    this.allocated += bytes;
    this.peak = Math.max(this.peak, this.allocated);
    this.live.set(b.id, s);
    return s;
  }

  operand(o: OperandSpec): Operand {
    const s = this.get(o.buf);
    return { data: s.data, mask: s.mask, offset: o.offset, strides: o.strides };
  }

  /** Forget a buffer so its memory can be collected (aliases share the root's storage). */
  release(id: number): void {
    const b = this.root(this.plan.buffers[id]!);
    const s = this.live.get(b.id);
    if (s === undefined) return;
    this.live.delete(b.id);
    if (b.payload === undefined) this.allocated -= s.data.byteLength + (s.mask?.byteLength ?? 0);
  }

  rootId(id: number): number {
    return this.root(this.plan.buffers[id]!).id;
  }
}
