/**
 * Boxes of a streamed result → Zarr chunks. A box that is exactly one chunk is written at once; boxes
 * that cover parts of chunks are copied into the chunks they touch, and a chunk is written (and its
 * memory dropped) as soon as its last element arrives. Memory is bounded by the chunks partly filled.
 */
import { allocate, type DTypeName, type TypedArray } from "../core/dtype.js";
import { sizeOf } from "../core/shape.js";
import type { ResultBlock } from "../../scheduler/execute.js";
import { chunkRegion, forEachRow, gridShape } from "./grid.js";
import type { ZarrWriter } from "./zarr.js";

interface Assembly {
  readonly data: TypedArray;
  readonly mask: Uint8Array | undefined;
  left: number;
}

/** Copies the box `ext` at `from` in a C-ordered `src` of shape `srcShape` to `to` in `dst` of shape `dstShape`. */
function copyBox(
  src: TypedArray, srcShape: readonly number[], from: readonly number[],
  dst: TypedArray, dstShape: readonly number[], to: readonly number[], ext: readonly number[],
  srcMask?: Uint8Array, dstMask?: Uint8Array,
): void {
  forEachRow(srcShape, from, ext, dstShape, (s, d, n) => {
    dst.set(src.subarray(s, s + n) as never, d);
    if (srcMask !== undefined && dstMask !== undefined) dstMask.set(srcMask.subarray(s, s + n), d);
  }, to);
}

export class ZarrBlockSink {
  private readonly grid: number[];
  private readonly partial = new Map<string, Assembly>();

  constructor(
    private readonly writer: ZarrWriter,
    private readonly shape: readonly number[],
    private readonly chunks: readonly number[],
    private readonly dtype: DTypeName,
    private readonly masked: boolean,
  ) {
    this.grid = gridShape(shape, chunks);
  }

  /** Chunks still waiting for some of their elements. */
  get pendingChunks(): number {
    return this.partial.size;
  }

  async write(b: ResultBlock): Promise<void> {
    const nd = this.shape.length;
    // chunk index range the box touches, per axis
    const lo = b.start.map((s, a) => Math.floor(s / this.chunks[a]!));
    const hi = b.start.map((s, a) => Math.floor((s + b.shape[a]! - 1) / this.chunks[a]!));
    const writes: Promise<void>[] = [];
    const idx = [...lo];
    for (;;) {
      const r = chunkRegion(this.shape, this.chunks, idx);
      const whole = r.start.every((s, a) => s === b.start[a] && r.shape[a] === b.shape[a]);
      if (whole) {
        writes.push(this.writer.writeChunk(idx, b.mask === undefined ? { shape: b.shape, data: b.data } : { shape: b.shape, data: b.data, mask: b.mask }));
      } else {
        const key = idx.join(".");
        let asm = this.partial.get(key);
        if (asm === undefined) {
          const n = sizeOf(r.shape);
          asm = { data: allocate(this.dtype, n, false), mask: this.masked ? new Uint8Array(n) : undefined, left: n };
          this.partial.set(key, asm);
        }
        const from = b.start.map((s, a) => Math.max(s, r.start[a]!));
        const ext = from.map((f, a) => Math.min(b.start[a]! + b.shape[a]!, r.start[a]! + r.shape[a]!) - f);
        copyBox(b.data, b.shape, from.map((f, a) => f - b.start[a]!), asm.data, r.shape, from.map((f, a) => f - r.start[a]!), ext, b.mask, asm.mask);
        asm.left -= sizeOf(ext);
        if (asm.left === 0) {
          this.partial.delete(key);
          writes.push(this.writer.writeChunk([...idx], asm.mask === undefined ? { shape: r.shape, data: asm.data } : { shape: r.shape, data: asm.data, mask: asm.mask }));
        }
      }
      let a = nd - 1;
      while (a >= 0 && ++idx[a]! > hi[a]!) idx[a] = lo[a--]!;
      if (a < 0) break;
    }
    await Promise.all(writes);
  }

  /** Every chunk must be complete by the end; a partial one means some box never arrived. */
  checkComplete(): void {
    if (this.partial.size > 0) {
      const first = this.partial.keys().next().value as string;
      throw new Error(`${this.partial.size} Zarr chunk(s) of grid [${this.grid.join(", ")}] never received all their elements (first: ${first})`);
    }
  }
}
