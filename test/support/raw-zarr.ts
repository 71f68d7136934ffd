/** Raw (uncompressed) Zarr v2 float32 arrays for the out-of-core tests. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A stack chunked one plane at a time: plane i holds i + position / plane size. */
export function writeRampStack(dir: string, n: number, rows: number, cols: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, ".zarray"), JSON.stringify({
    zarr_format: 2, shape: [n, rows, cols], chunks: [1, rows, cols], dtype: "<f4",
    compressor: null, fill_value: 0, order: "C", filters: null,
  }));
  const plane = new Float32Array(rows * cols);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < plane.length; k++) plane[k] = i + k / plane.length;
    writeFileSync(join(dir, `${i}.0.0`), new Uint8Array(plane.buffer));
  }
}

const vol = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** An array of any chunking, element value `f(flat index)`; returns the values in C order. */
export function writeZarr(path: string, shape: number[], chunks: number[], f: (i: number) => number): Float32Array {
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, ".zarray"), JSON.stringify({ zarr_format: 2, shape, chunks, dtype: "<f4", compressor: null, fill_value: 0, order: "C", filters: null }));
  const all = Float32Array.from({ length: vol(shape) }, (_, i) => f(i));
  const st = shape.map((_, d) => vol(shape.slice(d + 1)));
  const cst = chunks.map((_, d) => vol(chunks.slice(d + 1)));
  const grid = shape.map((s, d) => Math.ceil(s / chunks[d]!));
  for (let g = 0; g < vol(grid); g++) {
    const idx = grid.map((_, d) => Math.floor(g / vol(grid.slice(d + 1))) % grid[d]!);
    const buf = new Float32Array(vol(chunks));
    for (let k = 0; k < buf.length; k++) {
      let at = 0, inside = true;
      for (let d = 0; d < shape.length; d++) {
        const v = idx[d]! * chunks[d]! + (Math.floor(k / cst[d]!) % chunks[d]!);
        if (v >= shape[d]!) inside = false;
        at += v * st[d]!;
      }
      if (inside) buf[k] = all[at]!;
    }
    writeFileSync(join(path, idx.join(".")), new Uint8Array(buf.buffer));
  }
  return all;
}
