/**
 * Cutting a (band, y, x) raster into the blocks a TIFF stores: tiles (padded to full size) or strips
 * (the last one short), masked pixels replaced by the nodata value.
 */
import type { TypedArray } from "../../core/dtype.js";

export interface BlockGrid {
  readonly blockWidth: number;
  readonly blockHeight: number;
  /** Tiles are padded to full size; the last strip holds only the rows that remain. */
  readonly tiled: boolean;
  readonly across: number;
  readonly down: number;
}

export function blockGrid(width: number, height: number, tiled: boolean, tileSize: number, rowsPerStrip: number): BlockGrid {
  const blockWidth = tiled ? tileSize : width;
  const blockHeight = tiled ? tileSize : Math.min(rowsPerStrip, Math.max(height, 1));
  return { blockWidth, blockHeight, tiled, across: Math.ceil(width / blockWidth), down: Math.ceil(height / blockHeight) };
}

export interface RasterPlanes {
  readonly width: number;
  readonly height: number;
  readonly data: TypedArray;
  readonly mask?: Uint8Array;
  /** Written where masked and in tile padding; `undefined` leaves padding 0. */
  readonly fill?: number | bigint;
}

/** The pixels of one block of one band, as stored (not yet compressed). */
export function cutBlock(r: RasterPlanes, g: BlockGrid, band: number, row: number, col: number): TypedArray {
  const x0 = col * g.blockWidth;
  const y0 = row * g.blockHeight;
  const w = Math.min(g.blockWidth, r.width - x0);
  const h = Math.min(g.blockHeight, r.height - y0);
  const rows = g.tiled ? g.blockHeight : h;
  const Ctor = r.data.constructor as new (n: number) => TypedArray;
  const out = new Ctor(g.blockWidth * rows);
  const fill = r.fill;
  const padded = g.tiled && (w < g.blockWidth || h < g.blockHeight);
  if (padded && fill !== undefined) out.fill(fill as never);
  const plane = band * r.width * r.height;
  for (let y = 0; y < h; y++) {
    const src = plane + (y0 + y) * r.width + x0;
    out.set(r.data.subarray(src, src + w) as never, y * g.blockWidth);
  }
  if (r.mask !== undefined && fill !== undefined) fillMasked(out, r.mask, plane + y0 * r.width + x0, r.width, w, h, g.blockWidth, fill);
  return out;
}

/** Masked pixels of a block take the fill value. */
function fillMasked(out: TypedArray, m: Uint8Array, first: number, width: number, w: number, h: number, blockWidth: number, fill: number | bigint): void {
  for (let y = 0; y < h; y++) {
    const src = first + y * width, dst = y * blockWidth;
    for (let x = 0; x < w; x++) if (m[src + x] !== 0) out[dst + x] = fill as never;
  }
}
