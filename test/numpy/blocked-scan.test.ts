/** Long scans run in segments with carries; they must equal the whole-axis scan for any segment length. */
import t from "tap";
import * as wf from "../../src/index.js";
import { blockedScan } from "../../src/numpy/blocked-scan.js";

const values = (r: unknown): number[] => Array.from((r as wf.NDArray).data as ArrayLike<number | bigint>, Number);
const maskOf = (r: unknown): number[] => Array.from((r as wf.MaskedNDArray).mask ?? []);

t.test("segmented scans equal whole-axis scans", async (t) => {
  const cases: { shape: number[]; axis: number; c: number; dtype: "int16" | "float64" | "int64" }[] = [
    { shape: [17], axis: 0, c: 4, dtype: "float64" },
    { shape: [16], axis: 0, c: 4, dtype: "int16" },
    { shape: [3, 11, 2], axis: 1, c: 3, dtype: "int64" },
    { shape: [9, 5], axis: 0, c: 2, dtype: "float64" },
    { shape: [4, 7], axis: 1, c: 7, dtype: "int16" },
  ];
  for (const c of cases) {
    const n = c.shape.reduce((a, b) => a * b, 1);
    const base = wf.Array.from(new Float64Array(n).map((_, i) => ((i * 7) % 11) - 4), c.shape, { chunks: c.shape.map((s) => Math.max(1, s - 1)) }).astype(c.dtype);
    const mask = wf.Array.from(new Uint8Array(n).map((_, i) => (i % 5 === 2 ? 1 : 0)), c.shape, { dtype: "bool" });
    for (const x of [base, new wf.MaskedArray(base, { mask })]) {
      for (const fn of ["cumsum", "cumprod"] as const) {
        const whole = await wf.numpy[fn](x, { axis: c.axis }).inspect();
        const seg = await new wf.Array(blockedScan(x.node, c.axis, fn, c.c)).inspect();
        const label = `${fn} ${c.dtype} ${JSON.stringify(c.shape)} axis ${c.axis} segment ${c.c}${x.node.masked ? " masked" : ""}`;
        t.same(maskOf(seg), maskOf(whole), `${label}: mask`);
        const w = values(whole), s = values(seg), m = maskOf(whole);
        t.same(s.filter((_, i) => !m[i]), w.filter((_, i) => !m[i]), `${label}: values`);
      }
    }
  }
});

t.test("a scan longer than a segment runs as several tasks", async (t) => {
  const n = (1 << 20) + 5;
  const x = wf.Array.from(new Float64Array(n).fill(1), [n]);
  const r = (await wf.numpy.cumsum(x).compute()) as wf.NDArray;
  t.equal(r.data[n - 1], n);
  t.equal(r.data[(1 << 20) - 1], 1 << 20);
  t.equal(r.data[1 << 20], (1 << 20) + 1);
});

t.teardown(async () => {
  await wf.shutdown();
});
