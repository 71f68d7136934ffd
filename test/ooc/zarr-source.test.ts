import t from "tap";
import { readFileSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import * as zarr from "zarrita";
import FileSystemStore from "@zarrita/storage/fs";
import * as wf from "../../src/index.js";
import { lower } from "../../scheduler/lower.js";
import { make } from "../../src/graph/make.js";
import { wrapNode } from "../../src/proxy/wrap.js";

const FIX = new URL("../fixtures/zarr/", import.meta.url).pathname;
const expected = (name: string) => wf.NDArray.fromNpy(readFileSync(join(FIX, `${name}.npy`)));

t.teardown(() => wf.shutdown());

/** "" when `got` equals NumPy's `want` (within rtol), else what differs. */
function diff(got: wf.NDArray, want: wf.NDArray, rtol = 0): string {
  if (JSON.stringify(got.shape) !== JSON.stringify(want.shape)) return `shape ${JSON.stringify(got.shape)} vs ${JSON.stringify(want.shape)}`;
  if (got.dtype !== want.dtype) return `dtype ${got.dtype} vs ${want.dtype}`;
  for (let i = 0; i < want.data.length; i++) {
    const a = Number(got.data[i]), b = Number(want.data[i]);
    if (!(a === b || Math.abs(a - b) <= rtol * Math.abs(b))) return `first mismatch at ${i}: ${a} vs ${b}`;
  }
  return "";
}

// v2_blosc_zstd_bitshuffle_f4: Blosc the direct decoder leaves to zarrita
for (const name of ["v2_blosc_f4", "v2_zlib_i2", "v2_raw_u1", "v2_bool", "v2_blosc_f8_big", "v2_blosc_zstd_bitshuffle_f4"]) {
  t.test(`${name}: read lazily and whole`, async (t) => {
    const x = wf.Array.fromZarr(join(FIX, name));
    const want = expected(name);
    t.same(x.known.shape, want.shape);
    t.equal(diff((await x.compute()) as wf.NDArray, want), "", "values match NumPy");
    t.equal(diff((await x.inspect()) as wf.NDArray, want), "", "values match NumPy");
  });
}

t.test("a reduction reads each chunk inside its task (read fusion) and matches NumPy", async (t) => {
  const name = "v2_blosc_f8_big";
  const x = wf.Array.fromZarr(join(FIX, name));
  const want = expected(name);
  const plan = lower(x.mean(0).node, { maxTaskBytes: 64 * 1024 });
  t.equal(plan.tasks.filter((k) => k.spec.kernel === "read").length, 0, "no whole-source read stage");
  t.ok(plan.tasks.some((k) => k.spec.kernel === "reduce" && k.spec.merge === true), "groups along the reduced axis run as a chain");
  t.equal(plan.buffers.length, 1, "only the output is a plan buffer");
  const got = (await x.mean(0).compute()) as wf.NDArray;
  const [n0, n1, n2] = want.shape as [number, number, number];
  const ref = new Float64Array(n1 * n2);
  for (let i = 0; i < n0; i++) for (let k = 0; k < n1 * n2; k++) ref[k]! += (want.data[i * n1 * n2 + k] as number) / n0;
  t.equal(diff(got, new wf.NDArray(ref, [n1, n2], "float64"), 1e-12), "", "values match NumPy");
});

t.test("missing chunks read as the fill value; chunks need not divide the shape", async (t) => {
  const x = wf.Array.fromZarr(join(FIX, "v2_zlib_i2"));
  const want = expected("v2_zlib_i2");
  const got = (await x.get(wf.slice(2, 6), wf.slice(3, 8)).compute()) as wf.NDArray;
  const ref = new Int16Array(4 * 5);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 5; j++) ref[i * 5 + j] = want.data[(i + 2) * 9 + j + 3] as number;
  t.equal(diff(got, new wf.NDArray(ref, [4, 5], "int16")), "", "values match NumPy");
});

t.test("a Zarr v3 array written by zarrita reads back", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tesserae-z3-"));
  const store = new FileSystemStore(dir);
  const arr = await zarr.create(store, { shape: [5, 4], chunkShape: [2, 3], dtype: "int32" });
  const data = new Int32Array(20).map((_, i) => i * 3 - 7);
  await zarr.set(arr, null, { data, shape: [5, 4], stride: [4, 1] });
  const got = (await wf.Array.fromZarr(dir).sum(1).compute()) as wf.NDArray;
  t.same(Array.from(got.data as BigInt64Array, Number), [0, 1, 2, 3, 4].map((r) => [0, 1, 2, 3].reduce((s, c) => s + (r * 4 + c) * 3 - 7, 0)));
});

t.test("bad Zarr paths are clear errors at build time", async (t) => {
  t.throws(() => wf.Array.fromZarr(join(FIX, "nope")), { name: "ProxyTypeError", message: /not a Zarr array/ });
});

t.test("a zarr source node whose params give no usable chunk grid is refused by name, never read as fill values", async (t) => {
  // a graph document can carry any params: the reader names chunk files by params.chunks, and planning reads by it too
  const good = wf.Array.fromZarr(join(FIX, "v2_zlib_i2"));
  const withChunks = (chunks: unknown): wf.Array => wrapNode(make("source", [], { ...good.node.attrs, params: { ...(good.node.attrs["params"] as object), chunks } } as never)) as wf.Array;
  const want = (await good.sum(0).compute({ cache: false })) as wf.NDArray;
  const stored = (good.node.attrs["params"] as { chunks: number[] }).chunks;
  t.equal(diff((await withChunks([...stored]).sum(0).compute({ cache: false })) as wf.NDArray, want), "", "the same node rebuilt reads the same values");
  for (const bad of [["a", stored[1]], [stored[0]! + 0.5, stored[1]], [0, stored[1]], [stored[0]], null]) {
    await t.rejects(withChunks(bad).sum(0).compute({ cache: false }), /zarr source: params\.chunks .* must give one positive integer per axis of its shape/, JSON.stringify(bad));
  }
});
