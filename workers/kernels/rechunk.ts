/** The copy task of a rechunking stage: read a box of a source (or of the previous store) and write it as whole chunks of a store. */
import { leaseBoxes } from "../../src/core/arena.js";
import type { SourceInfo } from "../../scheduler/task.js";
import { readBox } from "../readers/resolve.js";
import { writeStoreChunks } from "../readers/store.js";

export interface RechunkArgs {
  readonly from: SourceInfo;
  readonly box: { readonly start: readonly number[]; readonly shape: readonly number[] };
  readonly viaChunk: boolean;
  readonly store: SourceInfo;
  readonly at: readonly number[];
}

export async function runRechunk(t: RechunkArgs): Promise<void> {
  // the box lives in the lease's memory until its chunks are written
  const lease = leaseBoxes();
  try {
    const b = await readBox(t.from, t.box, 0, t.viaChunk, lease);
    writeStoreChunks(t.store.params, t.at, t.box.shape, b);
  } finally {
    lease?.end();
  }
}
