/**
 * Reader "geotiff": one block (images × bands × rows × cols) of an imagery source on the grid of
 * a GeoContext. Per image and file: map the block's pixel centres into the file, read the window
 * they touch (only those tiles), resample each band, mask nodata and out-of-footprint pixels.
 */
import type { Operand } from "../codegen/loops.js";
import { sourceCoords, type Block, type Coords } from "./geotiff/coords.js";
import { directColumn, readDirect } from "./geotiff/direct.js";
import { openCached } from "./geotiff/files.js";
import { imageryParams, type BandSource } from "./geotiff/params.js";
import { maskBlock, sampleBilinear, sampleNearest, type Target } from "./geotiff/sample.js";
import { axisMaps, mapsWindow, sampleSeparable, separable } from "./geotiff/separable.js";
import { readWindow, type PixelWindow } from "./geotiff/window.js";
import type { ReaderParams, ReadRegion } from "./types.js";

/** The source pixels the block needs (one more on each side for bilinear), or null when none. */
function windowOf(xy: Coords, width: number, height: number, pad: number): PixelWindow | null {
  let umin = Infinity, umax = -Infinity, vmin = Infinity, vmax = -Infinity;
  for (let i = 0; i < xy.u.length; i++) {
    const u = xy.u[i]!, v = xy.v[i]!;
    if (!(u >= 0 && u < width && v >= 0 && v < height)) continue;
    if (u < umin) umin = u;
    if (u > umax) umax = u;
    if (v < vmin) vmin = v;
    if (v > vmax) vmax = v;
  }
  if (umin === Infinity) return null;
  return {
    x0: Math.max(0, Math.floor(umin) - pad), x1: Math.min(width, Math.floor(umax) + 1 + pad),
    y0: Math.max(0, Math.floor(vmin) - pad), y1: Math.min(height, Math.floor(vmax) + 1 + pad),
  };
}

function groupByFile(bands: readonly BandSource[]): Map<string, { band: number; src: BandSource }[]> {
  const out = new Map<string, { band: number; src: BandSource }[]>();
  bands.forEach((src, band) => {
    const g = out.get(src.path);
    if (g === undefined) out.set(src.path, [{ band, src }]);
    else g.push({ band, src });
  });
  return out;
}

export async function readGeotiff(params: ReaderParams, region: ReadRegion, out: Operand): Promise<void> {
  const p = imageryParams(params);
  const [i0 = 0, b0 = 0, r0 = 0, c0 = 0] = region.start;
  const [ni = 1, nb = 1, rows = 0, cols = 0] = region.shape;
  const [s0 = 0, s1 = 0, s2 = 0, s3 = 0] = out.strides;
  const block: Block = { r0, c0, rows, cols };
  const pad = p.resampler === "bilinear" ? 1 : 0;
  for (let i = i0; i < i0 + ni; i++) {
    const image = p.images[i];
    if (image === undefined) throw new RangeError(`geotiff reader: no image ${i} in the source`);
    const wanted = image.bands.slice(b0, b0 + nb);
    for (const group of groupByFile(wanted).values()) {
      const first = group[0]!.src;
      const targets = group.map(({ band }): Target => ({
        out, base: out.offset + i * s0 + (b0 + band) * s1 + r0 * s2 + c0 * s3, rowStride: s2, colStride: s3, rows, cols,
      }));
      const fast = p.resampler === "near" && separable(first, p.grid);
      const maps = fast ? axisMaps(first, p.grid, block, first.width, first.height) : undefined;
      const xy = maps === undefined ? sourceCoords(first, p.grid, block) : undefined;
      const win = maps !== undefined ? mapsWindow(maps) : windowOf(xy!, first.width, first.height, pad);
      if (win === null) {
        targets.forEach(maskBlock);
        continue;
      }
      const raster = await openCached(first.path);
      if (raster.width !== first.width || raster.height !== first.height) {
        throw new Error(`${first.path}: the file is ${raster.width}×${raster.height} pixels, the catalog says ${first.width}×${first.height}`);
      }
      const samples = group.map((g) => g.src.sample);
      const firstCol = maps === undefined ? -1 : directColumn(raster, samples, maps, targets);
      if (firstCol >= 0) {
        await readDirect(raster, group.map((g, k) => ({ sample: g.src.sample, nodata: g.src.nodata, target: targets[k]! })), maps!, firstCol);
        continue;
      }
      const data = await readWindow(raster, samples, win);
      group.forEach((g, k) => {
        if (maps !== undefined) sampleSeparable(targets[k]!, maps, data[k]!, win, g.src.nodata);
        else if (p.resampler === "bilinear") sampleBilinear(targets[k]!, xy!, data[k]!, win, first.width, first.height, g.src.nodata);
        else sampleNearest(targets[k]!, xy!, data[k]!, win, first.width, first.height, g.src.nodata);
      });
    }
  }
}
