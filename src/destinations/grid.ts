/** The chunk grid of an array, and one chunk's region copied out of an in-memory result. */
import { allocate, type TypedArray } from "../core/dtype.js";
import { MaskedNDArray, type NDArray } from "../core/ndarray.js";
import { cStrides, sizeOf } from "../core/shape.js";

/** One chunk's region in C order; edge chunks are partial (`shape` is the region's own). */
export interface ChunkData {
  readonly shape: readonly number[];
  readonly data: TypedArray;
  readonly mask?: Uint8Array;
}

/** Chunks per axis (0 along an empty axis). */
export function gridShape(shape: readonly number[], chunks: readonly number[]): number[] {
  return shape.map((s, i) => Math.ceil(s / chunks[i]!));
}

/** Every chunk index of a grid in C order (one, `[]`, for a 0-d array). */
export function* chunkIndices(grid: readonly number[]): Generator<number[]> {
  if (grid.some((g) => g === 0)) return;
  const idx = grid.map(() => 0);
  for (;;) {
    yield [...idx];
    let a = grid.length - 1;
    while (a >= 0 && ++idx[a]! === grid[a]!) idx[a--] = 0;
    if (a < 0) return;
  }
}

export function chunkRegion(shape: readonly number[], chunks: readonly number[], index: readonly number[]): { start: number[]; shape: number[] } {
  const start = index.map((k, i) => k * chunks[i]!);
  return { start, shape: start.map((s, i) => Math.min(chunks[i]!, shape[i]! - s)) };
}

/**
 * Calls `row(srcOffset, dstOffset, n)` for each contiguous last-axis run of a region of `outer`
 * (C order) at `start`, copied to a C-ordered block of shape `block` at `at` (default its origin).
 */
export function forEachRow(
  outer: readonly number[], start: readonly number[], region: readonly number[], block: readonly number[],
  row: (src: number, dst: number, n: number) => void, at?: readonly number[],
): void {
  const nd = outer.length;
  if (nd === 0) return row(0, 0, 1);
  if (sizeOf(region) === 0) return;
  const so = cStrides(outer), sb = cStrides(block);
  const idx = new Array<number>(nd - 1).fill(0);
  const n = region[nd - 1]!;
  for (;;) {
    let src = start[nd - 1]!, dst = at?.[nd - 1] ?? 0;
    for (let a = 0; a < nd - 1; a++) {
      src += (start[a]! + idx[a]!) * so[a]!;
      dst += ((at?.[a] ?? 0) + idx[a]!) * sb[a]!;
    }
    row(src, dst, n);
    let a = nd - 2;
    while (a >= 0 && ++idx[a]! === region[a]!) idx[a--] = 0;
    if (a < 0) return;
  }
}

export function extractChunk(value: NDArray | MaskedNDArray, chunks: readonly number[], index: readonly number[]): ChunkData {
  const r = chunkRegion(value.shape, chunks, index);
  const data = allocate(value.dtype, sizeOf(r.shape), false);
  const mask = value instanceof MaskedNDArray ? new Uint8Array(data.length) : undefined;
  forEachRow(value.shape, r.start, r.shape, r.shape, (s, d, n) => {
    data.set(value.data.subarray(s, s + n) as never, d);
    if (mask !== undefined) mask.set((value as MaskedNDArray).mask.subarray(s, s + n), d);
  });
  return mask === undefined ? { shape: r.shape, data } : { shape: r.shape, data, mask };
}
