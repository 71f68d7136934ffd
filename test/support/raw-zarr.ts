/** Raw (uncompressed) Zarr v2 float32 stacks for the out-of-core tests: plane i holds i + position / plane size. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

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
