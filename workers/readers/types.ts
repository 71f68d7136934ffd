/** The reader interface: fill one block of a source array (and its mask) from storage. */
import type { Operand } from "../codegen/loops.js";

/** Plain JSON parameters of a source node (paths, offsets, ids): validated by each reader. */
export type ReaderParams = { readonly [k: string]: unknown };

export interface ReadRegion {
  /** Block start and shape in the source's index space. */
  readonly start: readonly number[];
  readonly shape: readonly number[];
  readonly fullShape: readonly number[];
}

/**
 * Writes the region into `out` (strided over the full source: element `i` of the region is at
 * `out.offset + Σ (start + i) * strides`) and, for masked sources, `out.mask` (1 = masked).
 */
export type Reader = (params: ReaderParams, region: ReadRegion, out: Operand) => void | Promise<void>;
