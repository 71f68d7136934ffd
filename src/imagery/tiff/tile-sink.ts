/**
 * Boxes of a streamed result → the compressed blocks of a GeoTIFF. Each box is copied into the
 * blocks (tiles or strips) it touches, masked pixels taking the fill value as `cutBlock` does; a
 * block is compressed (on libuv's pool) as soon as its last pixel arrives, so compression overlaps
 * the compute and only the directory is left for the end. The blocks come out exactly as the
 * whole-raster writer cuts them.
 *
 * Whether masked pixels exist decides the nodata tag, and with it what tile padding holds; that is
 * known only at the end. With `nodataIfMasked`, padded tiles are cut with the fill (the usual case
 * for a masked result) and kept uncompressed too; if no pixel turned out masked they are padded
 * with 0 again and recompressed.
 */
import { allocate, type DTypeName, type TypedArray } from "../../core/dtype.js";
import type { ResultBlock } from "../../../scheduler/execute.js";
import { compressTiffBlock, type TiffLayout } from "./write.js";

/** The raster a sink assembles: sizes, the stored dtype (bool as uint8) and where result axes map. */
export interface TileSinkRaster {
  readonly bands: number;
  readonly height: number;
  readonly width: number;
  readonly dtype: DTypeName;
  /** The fill of masked pixels (and tile padding) if any pixel is masked. */
  readonly fill: number | bigint | undefined;
  /** The fill applies only if some pixel is masked (else the padding is 0). */
  readonly nodataIfMasked: boolean;
}

interface Block {
  readonly data: TypedArray;
  left: number;
  readonly padded: boolean;
}

export class GeoTiffTileSink {
  private readonly open = new Map<number, Block>();
  private readonly compressed: (Promise<Uint8Array> | undefined)[];
  /** Padded tiles cut with the fill, kept until the end decides their padding. */
  private readonly paddedRaw = new Map<number, TypedArray>();
  private sawMasked = false;

  constructor(private readonly layout: TiffLayout, private readonly r: TileSinkRaster) {
    const g = layout.g;
    this.compressed = new Array<Promise<Uint8Array> | undefined>(r.bands * g.down * g.across).fill(undefined);
  }

  /** Blocks still waiting for some of their pixels. */
  get pendingBlocks(): number {
    return this.open.size;
  }

  /** Takes a box of the result (its last two axes y and x, the one before them bands if present; any others of extent 1). */
  write(b: ResultBlock): Promise<void> {
    const nd = b.shape.length;
    const h = b.shape[nd - 2]!, w = b.shape[nd - 1]!;
    const y0 = b.start[nd - 2]!, x0 = b.start[nd - 1]!;
    const band0 = nd >= 3 ? b.start[nd - 3]! : 0;
    const nb = nd >= 3 ? b.shape[nd - 3]! : 1;
    if (h === 0 || w === 0 || nb === 0) return Promise.resolve();
    const { g } = this.layout;
    const rowLo = Math.floor(y0 / g.blockHeight), rowHi = Math.floor((y0 + h - 1) / g.blockHeight);
    const colLo = Math.floor(x0 / g.blockWidth), colHi = Math.floor((x0 + w - 1) / g.blockWidth);
    for (let band = band0; band < band0 + nb; band++) {
      for (let row = rowLo; row <= rowHi; row++) {
        for (let col = colLo; col <= colHi; col++) this.copyInto(b, band, row, col, ((band - band0) * h - y0) * w - x0);
      }
    }
    return Promise.resolve();
  }

  /** `origin`: where pixel (band, 0, 0) of the raster would be in the box's data. */
  private copyInto(b: ResultBlock, band: number, row: number, col: number, origin: number): void {
    const { g } = this.layout;
    const nd = b.shape.length;
    const by0 = b.start[nd - 2]!, bx0 = b.start[nd - 1]!;
    const bw = b.shape[nd - 1]!;
    const ty0 = row * g.blockHeight, tx0 = col * g.blockWidth;
    const index = (band * g.down + row) * g.across + col;
    const block = this.open.get(index) ?? this.start(index, ty0, tx0);
    const ys = Math.max(by0, ty0), ye = Math.min(by0 + b.shape[nd - 2]!, ty0 + g.blockHeight, this.r.height);
    const xs = Math.max(bx0, tx0), xe = Math.min(bx0 + bw, tx0 + g.blockWidth, this.r.width);
    const n = xe - xs;
    const fill = this.r.fill;
    for (let y = ys; y < ye; y++) {
      const src = origin + y * bw + xs;
      const dst = (y - ty0) * g.blockWidth + (xs - tx0);
      block.data.set(b.data.subarray(src, src + n) as never, dst);
      const m = b.mask;
      if (m === undefined) continue;
      for (let k = 0; k < n; k++) {
        if (m[src + k] === 0) continue;
        this.sawMasked = true;
        if (fill !== undefined) block.data[dst + k] = fill as never;
      }
    }
    block.left -= n * (ye - ys);
    if (block.left === 0) this.finishBlock(index, block);
  }

  private start(index: number, ty0: number, tx0: number): Block {
    const { g } = this.layout;
    const h = Math.min(g.blockHeight, this.r.height - ty0);
    const w = Math.min(g.blockWidth, this.r.width - tx0);
    const data = allocate(this.r.dtype, g.blockWidth * (g.tiled ? g.blockHeight : h), false);
    const padded = g.tiled && (w < g.blockWidth || h < g.blockHeight);
    if (padded && this.r.fill !== undefined) data.fill(this.r.fill as never);
    const block: Block = { data, left: w * h, padded };
    this.open.set(index, block);
    return block;
  }

  private finishBlock(index: number, block: Block): void {
    this.open.delete(index);
    if (block.padded && this.r.nodataIfMasked && this.r.fill !== undefined) this.paddedRaw.set(index, block.data);
    this.compressed[index] = this.compress(block.data);
  }

  private compress(data: TypedArray): Promise<Uint8Array> {
    const p = compressTiffBlock(data, this.layout, this.r.dtype);
    p.catch(() => undefined); // awaited in finish(); a failure must not go unhandled meanwhile
    return p;
  }

  /** Every block compressed, in storage order, and whether any pixel was masked. */
  async finish(): Promise<{ blocks: Uint8Array[]; anyMasked: boolean }> {
    let left = 0;
    for (const c of this.compressed) if (c === undefined) left++;
    if (left > 0) {
      const { g } = this.layout;
      const missing = this.compressed.findIndex((c) => c === undefined);
      throw new Error(`${left} GeoTIFF block(s) of ${this.compressed.length} (${g.across} across, ${g.down} down, ${this.r.bands} band(s)) never received all their pixels (first: block ${missing})`);
    }
    if (!this.sawMasked) for (const [index, data] of this.paddedRaw) this.compressed[index] = this.compress(this.unpad(index, data));
    return { blocks: await Promise.all(this.compressed as Promise<Uint8Array>[]), anyMasked: this.sawMasked };
  }

  /** `data` with its padding set back to 0: no nodata tag, so padding is what a fresh block holds. */
  private unpad(index: number, data: TypedArray): TypedArray {
    const { g } = this.layout;
    const col = index % g.across, row = Math.floor(index / g.across) % g.down;
    const h = Math.min(g.blockHeight, this.r.height - row * g.blockHeight);
    const w = Math.min(g.blockWidth, this.r.width - col * g.blockWidth);
    const zero = (typeof this.r.fill === "bigint" ? 0n : 0) as never;
    for (let y = 0; y < h; y++) data.fill(zero, y * g.blockWidth + w, (y + 1) * g.blockWidth);
    data.fill(zero, h * g.blockWidth);
    return data;
  }
}
