/**
 * Medians of many runs at once, a tile of output elements at a time. The runs are gathered one
 * reduced position ("plane") at a time into a scratch that holds each output element's values
 * side by side, so the source is read along its rows instead of jumping between planes for every
 * element (planes a power of two apart alias in the cache). Masked values are skipped without a
 * branch: every value is written at its element's count, and the count only grows for a valid one.
 * Each run is then sorted in place (insertion sort: runs are short) and its middle taken.
 */
/** Scratch per tile, in float64 values: small enough to stay in L1 while a tile is sorted. */
const TILE_VALUES = 2048;
/** Runs longer than this are sorted by the typed-array sort instead of by insertion. */
const INSERTION_MAX = 48;

/** Where a run's values (and its mask) are, relative to the first element of the row being walked. */
export interface RunLayout {
  /** Any numeric (not 64-bit integer) typed array. */
  data: ArrayLike<number>;
  /** Offset of the run's k-th value from its element's first value. */
  dataOffsets: Int32Array;
  mask: Uint8Array | undefined;
  maskOffsets: Int32Array;
  out: Float64Array | Float32Array;
  outMask: Uint8Array | undefined;
  /** float32 results: the mean of the two middle values is rounded as NumPy rounds it in float32. */
  f32: boolean;
}

/** One row of output elements: element k starts at data `db + k·sd`, mask `mb + k·sm`, and writes `pos + k·so`. */
export interface Row {
  db: number;
  mb: number;
  pos: number;
  n: number;
  sd: number;
  sm: number;
  so: number;
}

/** Scratch for one task's tiles (allocated once per task, not per element). */
export interface TileScratch {
  width: number;
  tile: number;
  values: Float64Array;
  count: Int32Array;
  nan: Uint8Array;
}

export function tileScratch(runLength: number): TileScratch {
  const width = Math.max(1, runLength);
  const tile = Math.max(1, Math.floor(TILE_VALUES / width));
  return { width, tile, values: new Float64Array(tile * width), count: new Int32Array(tile), nan: new Uint8Array(tile) };
}

/** The medians of one row of output elements, a tile at a time. */
export function medianRow(l: RunLayout, s: TileScratch, row: Row): void {
  const { n, sd, sm, so } = row;
  for (let k0 = 0; k0 < n; k0 += s.tile) {
    const t = Math.min(s.tile, n - k0);
    if (l.mask === undefined) gatherAll(l.data, l.dataOffsets, s, row.db + k0 * sd, t, sd);
    else gatherValid(l.data, l.dataOffsets, l.mask, l.maskOffsets, s, row.db + k0 * sd, row.mb + k0 * sm, t, sd, sm);
    select(l, s, row.pos + k0 * so, t, so);
  }
}

function gatherAll(D: ArrayLike<number>, dOff: Int32Array, s: TileScratch, db: number, t: number, sd: number): void {
  const S = s.values, N = s.nan, W = s.width;
  N.fill(0, 0, t);
  for (let r = 0; r < dOff.length; r++) {
    let d = db + dOff[r]!;
    for (let k = 0; k < t; k++, d += sd) {
      const v = D[d]!;
      S[k * W + r] = v;
      if (v !== v) N[k] = 1;
    }
  }
  s.count.fill(dOff.length, 0, t);
}

function gatherValid(
  D: ArrayLike<number>, dOff: Int32Array, M: Uint8Array, mOff: Int32Array, s: TileScratch, db: number, mb: number, t: number, sd: number, sm: number,
): void {
  const S = s.values, C = s.count, N = s.nan, W = s.width;
  C.fill(0, 0, t);
  N.fill(0, 0, t);
  for (let r = 0; r < dOff.length; r++) {
    let d = db + dOff[r]!;
    let m = mb + mOff[r]!;
    for (let k = 0; k < t; k++, d += sd, m += sm) {
      const v = D[d]!;
      const c = C[k]!;
      S[k * W + c] = v;
      // 1 where the mask byte is 0, else 0
      const valid = (M[m]! - 1) >>> 31;
      C[k] = c + valid;
      if (v !== v) N[k]! |= valid;
    }
  }
}

function select(l: RunLayout, s: TileScratch, pos: number, t: number, so: number): void {
  const O = l.out, OM = l.outMask, f32 = l.f32;
  const S = s.values, C = s.count, N = s.nan, W = s.width;
  for (let k = 0; k < t; k++, pos += so) {
    const n = C[k]!;
    let med = NaN;
    if (n > 0 && N[k] === 0) {
      const lo = k * W;
      sortRun(S, lo, lo + n);
      const h = lo + (n >> 1);
      med = n & 1 ? S[h]! : f32 ? Math.fround(Math.fround(S[h - 1]! + S[h]!) / 2) : (S[h - 1]! + S[h]!) / 2;
    }
    // + 0: a zero median is +0 whatever the signs of the zeros, as NumPy's mean makes it
    O[pos] = med + 0;
    if (OM !== undefined) OM[pos] = n === 0 ? 1 : 0;
  }
}

function sortRun(a: Float64Array, lo: number, hi: number): void {
  if (hi - lo > INSERTION_MAX) {
    a.subarray(lo, hi).sort();
    return;
  }
  for (let i = lo + 1; i < hi; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= lo && a[j]! > x) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = x;
  }
}
