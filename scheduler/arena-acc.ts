/**
 * Sum accumulators in the arena (src/core/arena.ts), lent to the reduce tasks of one run: a SIMD
 * kernel adds into them where they are, instead of mirroring them through its scratch for every
 * region (in a chain of short links over file chunks, that mirror moved more bytes than the data).
 *
 * A block is given to a task that starts a sum partial; the partial it returns (and the links of
 * its chain, which add into the same block) hold it while the scheduler keeps them; it is freed
 * when the last holder is dropped and no running task writes it, or when the run ends.
 */
import { DTYPES } from "../src/core/dtype.js";
import { arenaAlloc, arenaFree, arenaMemory } from "../src/core/arena.js";
import { partialFnOf, type AccPartial, type Partial } from "../workers/kernels/reduce.js";
import type { TaskSpec } from "./task.js";

/** Smaller accumulators are mirrored cheaply: not worth a block. */
const MIN_BYTES = 64 << 10;

function arenaAddressOf(p: Partial | undefined): number | undefined {
  const acc = p as AccPartial | undefined;
  return acc?.arena === true ? acc.a.byteOffset : undefined;
}

export class ArenaAccumulators {
  /** Block → partials kept by the scheduler that hold it. */
  private readonly holders = new Map<number, number>();
  /** Block → running tasks that write it. */
  private readonly writers = new Map<number, number>();
  private readonly owned = new Set<number>();

  /** A zeroed-on-use float64 block for a reduce task that starts a sum partial, or undefined. */
  forTask(spec: TaskSpec, inputs: readonly Partial[]): Float64Array | undefined {
    if (spec.kernel !== "reduce" || inputs.length > 0 || spec.argIndex !== undefined || partialFnOf(spec.fn) !== "sum") return undefined;
    const last = spec.program.nodes[spec.program.nodes.length - 1]!;
    if (last.masked || DTYPES[last.dtype].big) return undefined;
    const n = spec.shape.reduce((a, s, i) => (spec.reduced[i] ? a : a * s), 1);
    if (n * 8 < MIN_BYTES) return undefined;
    const at = arenaAlloc(n * 8);
    if (at === undefined) return undefined;
    this.owned.add(at);
    return new Float64Array(arenaMemory()!.buffer, at, n);
  }

  /** The blocks a task about to run writes: its own, and those of the partials it adds into. */
  blocksOf(accInto: Float64Array | undefined, inputs: readonly Partial[]): number[] {
    const out: number[] = [];
    if (accInto !== undefined) out.push(accInto.byteOffset);
    for (const p of inputs) {
      const at = arenaAddressOf(p);
      if (at !== undefined && this.owned.has(at)) out.push(at);
    }
    return out;
  }

  begin(blocks: readonly number[]): void {
    for (const at of blocks) this.writers.set(at, (this.writers.get(at) ?? 0) + 1);
  }

  /** A task ended: its blocks that no kept partial holds are freed. */
  end(blocks: readonly number[]): void {
    for (const at of blocks) {
      this.writers.set(at, this.writers.get(at)! - 1);
      this.freeIfIdle(at);
    }
  }

  /** The scheduler keeps a task's partial. */
  hold(p: Partial): void {
    const at = arenaAddressOf(p);
    if (at !== undefined && this.owned.has(at)) this.holders.set(at, (this.holders.get(at) ?? 0) + 1);
  }

  /** The scheduler drops a partial. */
  drop(p: Partial | undefined): void {
    const at = arenaAddressOf(p);
    if (at === undefined || !this.owned.has(at)) return;
    this.holders.set(at, (this.holders.get(at) ?? 1) - 1);
    this.freeIfIdle(at);
  }

  /** The run is over (finished or failed): every block no running task writes is freed now, the rest as their tasks end. */
  drain(): void {
    this.holders.clear();
    for (const at of [...this.owned]) this.freeIfIdle(at);
  }

  private freeIfIdle(at: number): void {
    if (!this.owned.has(at) || (this.writers.get(at) ?? 0) > 0 || (this.holders.get(at) ?? 0) > 0) return;
    this.owned.delete(at);
    this.writers.delete(at);
    this.holders.delete(at);
    arenaFree(at);
  }
}
