/**
 * Medians of fused chains (workers/kernels/median-program.ts) against NumPy: numpy.ma.median of an
 * NDVI over masked uint16 bands, several reduced axes with NaNs, runs past the insertion-sort
 * limit, integer chains and a full reduction, float32 runs of up to 16 values (median16's SIMD
 * planes: a row longer than one of its tiles, zero medians' signs); each in one block and in small
 * chunks (tiles and the walk over outer kept axes), and with SIMD off.
 */
import t from "tap";
import { medianCases, type MedianCase, type MedianInput } from "../support/median-fixture.js";
import * as wf from "../../src/index.js";
import { DTYPES, allocate } from "../../src/core/dtype.js";
import { MaskedNDArray, NDArray } from "../../src/core/ndarray.js";
import { mergeExchange, NETWORK_MAX } from "../../workers/kernels/median-network.js";
import { setSimdEnabled } from "../../workers/codegen/wasm/runtime.js";

t.teardown(() => wf.shutdown());

const fixture = { cases: medianCases() };

function input(i: MedianInput, chunks: number[] | undefined): wf.Array | wf.MaskedArray {
  const data = allocate(i.dtype, i.data.length, false) as Float64Array;
  i.data.forEach((v, k) => (data[k] = v ?? NaN));
  const a = wf.Array.from(data, i.shape, chunks === undefined ? {} : { chunks });
  if (i.mask === undefined) return a;
  return new wf.MaskedArray(a, { mask: wf.Array.from(Uint8Array.from(i.mask), i.shape, { dtype: "bool" }) });
}

function build(c: MedianCase, chunks: number[] | undefined): wf.Array | wf.MaskedArray {
  const v = Object.fromEntries(Object.entries(c.inputs).map(([k, i]) => [k, input(i, chunks)]));
  switch (c.expr) {
    case "ndvi": {
      const red = v["red"]!.astype("float32"), nir = v["nir"]!.astype("float32");
      return nir.sub(red).div(nir.add(red));
    }
    case "x*2+y":
      return v["x"]!.mul(2).add(v["y"]!);
    case "a-b":
      return v["a"]!.sub(v["b"]!);
    case "i+j":
      return v["i"]!.add(v["j"]!);
  }
}

for (const c of fixture.cases) {
  t.test(c.name, async (t) => {
    const ndim = Object.values(c.inputs)[0]!.shape.length;
    // small tasks run in this thread: with SIMD off, float32 runs take the JavaScript network instead of median16's planes
    t.teardown(() => setSimdEnabled(true));
    for (const [simd, chunks] of [[true, undefined], [true, new Array<number>(ndim).fill(2)], [false, undefined]] as const) {
      setSimdEnabled(simd);
      const e = build(c, chunks);
      // no result cache: every run computes
      const got = (await (c.axis === null ? e.median() : e.median(c.axis)).compute({ cache: false })) as NDArray | MaskedNDArray | number | null;
      const label = `${c.name}, chunks ${chunks === undefined ? "default" : chunks.join("×")}${simd ? "" : ", SIMD off"}`;
      if (c.shape.length === 0) {
        t.equal(got, c.data[0], label);
        continue;
      }
      const a = got as NDArray | MaskedNDArray;
      t.equal(a.dtype, c.dtype, `${label}: dtype`);
      t.same(a.shape, c.shape, `${label}: shape`);
      const mask = a instanceof MaskedNDArray ? Array.from(a.mask) : new Array<number>(c.mask.length).fill(0);
      t.same(mask, c.mask, `${label}: mask`);
      let bad = 0;
      c.data.forEach((want, k) => {
        if (c.mask[k] === 1) return;
        const v = Number(a.data[k]);
        // Object.is: a zero median's sign counts too
        if (want === null ? !Number.isNaN(v) : !Object.is(v, want)) bad++;
      });
      t.equal(bad, 0, `${label}: values equal NumPy's exactly`);
      t.ok(!DTYPES[a.dtype].big);
    }
  });
}

t.test("the merge-exchange networks sort every 0-1 input (so, by the 0-1 principle, every input) up to 16 keys", async (t) => {
  for (let n = 1; n <= 16; n++) {
    const pairs = mergeExchange(n);
    let unsorted = 0;
    const a = new Uint8Array(n);
    for (let bits = 0; bits < 1 << n; bits++) {
      for (let i = 0; i < n; i++) a[i] = (bits >> i) & 1;
      for (const [i, j] of pairs) if (a[j]! < a[i]!) [a[i], a[j]] = [a[j]!, a[i]!];
      for (let i = 1; i < n; i++) if (a[i - 1]! > a[i]!) { unsorted++; break; }
    }
    t.equal(unsorted, 0, `${n} keys, ${pairs.length} comparators`);
  }
  t.ok(NETWORK_MAX >= 12, "a year of monthly images takes the network");
});
