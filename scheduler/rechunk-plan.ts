/**
 * Multi-stage rechunking, planned: the chunk shapes of the intermediate stores that take a region
 * from the chunk grid it is stored in (`from`) to one its consumers read without waste (`to`).
 *
 * Why stages: a consumer block that cuts across stored chunks makes every task decode whole chunks
 * for a sliver of each (a median over time of a stack stored one image per chunk decodes each chunk
 * once per task that touches it). Copying the region once into a store whose chunks fit the blocks
 * removes that, but a direct copy can need chunks too small to be worth a file (many images, few
 * pixels each) or copy boxes too large for memory. Each stage therefore grows the chunks along the
 * axes the consumer wants long and shrinks them along the axes it wants short, as far as a copy box
 * of at most `maxBytes` allows while keeping intermediate chunks of at least `minChunkBytes`: the
 * same budget-driven sequence as Rechunker's and Cubed's multi-stage plans, in whole multiples of
 * the target sizes so consecutive grids nest. Pure: shapes in, shapes out.
 */

export interface RechunkLimits {
  /** Largest copy box a stage may hold (bytes). */
  readonly maxBytes: number;
  /** Smallest intermediate chunk worth a file (bytes). */
  readonly minChunkBytes: number;
  /**
   * Smallest last chunk that ends the plan a stage early: another stage copies the whole region
   * once more, which costs more than reading chunks this small (the very last store may still go
   * below it when it must).
   */
  readonly minLastChunkBytes: number;
  /** Stages at most; the last one then cuts the long axes straight to `to`. */
  readonly maxStages: number;
}

export const DEFAULT_RECHUNK_LIMITS: RechunkLimits = { maxBytes: 16 << 20, minChunkBytes: 1 << 20, minLastChunkBytes: 64 << 10, maxStages: 6 };

const vol = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
const roundUp = (v: number, m: number): number => Math.ceil(v / m) * m;

/** A stage: the chunks of the store it writes, and the box it copies at a time (whole chunks of that store). */
export interface RechunkStage {
  readonly chunks: number[];
  readonly box: number[];
}

/** A copy box may exceed the budget by this much to read whole chunks of the previous grid. */
const NESTED_SLACK = 1.5;

/**
 * The box a stage copies at a time: whole chunks of `next` covering whole chunks of `prev`, or, when
 * the grids don't nest and that would be too large for `maxEl`, whole chunks of `next` within one of
 * `prev` (a chunk of `prev` is then read by two boxes at each seam).
 */
export function copyBox(prev: readonly number[], next: readonly number[], extent: readonly number[], maxEl = Infinity): number[] {
  const clip = (v: number, d: number) => Math.min(v, roundUp(extent[d]!, next[d]!));
  const nested = prev.map((p, d) => clip(roundUp(Math.max(p, next[d]!), next[d]!), d));
  if (vol(nested) <= maxEl * NESTED_SLACK) return nested;
  return prev.map((p, d) => clip(p > next[d]! ? Math.floor(p / next[d]!) * next[d]! : next[d]!, d));
}

/** True when a consumer reading `to` blocks from chunks `c` reads no chunk it uses only part of. */
function fits(c: readonly number[], to: readonly number[]): boolean {
  return c.every((v, d) => v <= to[d]!);
}

/** `c` with its short axes grown toward `to` by whole factors, by at most `factor` in all. */
function grown(c: readonly number[], to: readonly number[], extent: readonly number[], factor: number): number[] {
  const n = [...c];
  const axes = c.map((_, d) => d).filter((d) => c[d]! < to[d]!).sort((a, b) => to[b]! / c[b]! - to[a]! / c[a]!);
  for (const d of axes) {
    const m = Math.min(Math.ceil(to[d]! / c[d]!), Math.floor(factor));
    if (m < 2) continue;
    n[d] = Math.min(c[d]! * m, to[d]!, extent[d]!);
    factor /= n[d]! / c[d]!;
  }
  return n;
}

/** The last stage from chunks `c`, if one copy within memory reaches chunks the consumer reads whole and of at least `minEl`. */
function lastStep(c: readonly number[], to: readonly number[], extent: readonly number[], maxEl: number, minEl: number): number[] | undefined {
  const boxOver = c.reduce((f, v, d) => f * (v > to[d]! ? roundUp(v, to[d]!) / v : 1), 1);
  const n = grown(c, to, extent, maxEl / (vol(c) * boxOver)).map((v, d) => Math.min(v, to[d]!));
  return vol(n) >= minEl && vol(copyBox(c, n, extent, maxEl)) <= maxEl * NESTED_SLACK ? n : undefined;
}

/**
 * One stage from chunks `c`: grow the axes where `c` is shorter than `to` by whole factors (only as
 * much as shrinking the others needs to keep chunks of `minEl` elements, and as the copy box allows),
 * then shrink the axes where `c` is longer to multiples of `to` no smaller than that.
 */
function step(c: readonly number[], to: readonly number[], extent: readonly number[], maxEl: number, minEl: number): number[] {
  const shrinkAxes = c.map((_, d) => d).filter((d) => c[d]! > to[d]!);
  // the chunk volume if every long axis were cut to `to` now
  const shrunk = vol(c) * shrinkAxes.reduce((f, d) => f * (to[d]! / c[d]!), 1);
  const boxOver = shrinkAxes.reduce((f, d) => f * (roundUp(c[d]!, to[d]!) / c[d]!), 1);
  const n = grown(c, to, extent, Math.min(Math.max(1, minEl / shrunk), maxEl / (vol(c) * boxOver)));
  // shrink as far as chunks of `minEl` allow, spread evenly over the long axes
  const total = shrinkAxes.reduce((f, d) => f * (c[d]! / to[d]!), 1);
  const allowed = Math.min(total, vol(n) / minEl);
  const per = allowed ** (1 / Math.max(1, shrinkAxes.length));
  for (const d of shrinkAxes) n[d] = shrunkLength(c[d]!, to[d]!, c[d]! / per);
  return n;
}

/**
 * A shorter chunk length for an axis now `c` long that the consumer reads `t` at a time: a multiple
 * of `t`, at least `atLeast`, and preferably dividing `c` (so each copy box reads whole chunks).
 */
function shrunkLength(c: number, t: number, atLeast: number): number {
  for (let m = Math.max(1, Math.ceil(atLeast / t)); m * t <= c; m++) if (c % (m * t) === 0) return m * t;
  // no multiple of t divides c (a source chunk the blocks don't nest in): cut near atLeast
  return Math.max(t, Math.floor(atLeast / t) * t);
}

/**
 * The stages, first to last, that take a region of `extent` stored in `from` chunks to a store read
 * in `to` blocks: empty when `from` already serves `to` (no consumer block cuts a chunk), null when
 * no sequence keeps every copy box within `maxBytes`.
 */
export function rechunkStages(extent: readonly number[], from: readonly number[], to: readonly number[], itemBytes: number, limits: RechunkLimits = DEFAULT_RECHUNK_LIMITS): RechunkStage[] | null {
  const clip = (s: readonly number[]) => s.map((v, d) => Math.max(1, Math.min(v, extent[d]!)));
  const target = clip(to);
  let c = clip(from);
  // a copy may always hold one stored chunk: reading the source as stored holds one too
  const maxEl = Math.max(1, Math.floor(limits.maxBytes / itemBytes), vol(c));
  // a chunk need never be larger than a consumer block, nor so large a copy box could not hold it
  const minEl = Math.max(1, Math.min(Math.floor(limits.minChunkBytes / itemBytes), vol(target), Math.floor(maxEl / 4)));
  const minLastEl = Math.max(1, Math.min(Math.floor(limits.minLastChunkBytes / itemBytes), minEl));
  const stages: RechunkStage[] = [];
  const add = (n: number[]): boolean => {
    const box = copyBox(c, n, extent, maxEl);
    if (vol(box) > maxEl * NESTED_SLACK) return false;
    stages.push({ chunks: n, box });
    c = n;
    return true;
  };
  while (!fits(c, target)) {
    const last = lastStep(c, target, extent, maxEl, minLastEl);
    if (last !== undefined) return add(last) ? stages : null;
    // out of stages, or stuck (neither grown nor shrunk): the last store just cuts the long axes to
    // the target, with chunks below `minChunkBytes` if it must
    const cut = c.map((v, d) => Math.min(v, target[d]!));
    let n = stages.length + 1 >= limits.maxStages ? cut : step(c, target, extent, maxEl, minEl);
    if (n.every((v, d) => v === c[d]!)) n = cut;
    if (!add(n)) return null;
  }
  return stages;
}
