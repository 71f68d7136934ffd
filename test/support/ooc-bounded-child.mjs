// Child process for the test/ooc memory tests, run with plain node on the built package (dist/): computes over
// a Zarr input under a memory limit and reports its peak RSS before and after.
//   node ooc-bounded-child.mjs <zarr> <limit>                 the mean over axis 0, returned
//   node ooc-bounded-child.mjs <zarr> <limit> stream <out>    2x + 1, streamed to the Zarr array <out>
//   node ooc-bounded-child.mjs <zarr> <limit> median          the median over axis 0 (every task cuts through all chunks)
const wf = await import(new URL("../../dist/src/index.js", import.meta.url).href);

const [path, limit, mode, out] = process.argv.slice(2);
wf.configure({ memoryLimit: limit });
// warm the pool and the code paths on one plane first: that is the fixed overhead
await wf.Array.fromZarr(path).get(wf.slice(0, 1)).sum().compute();
const before = process.resourceUsage().maxRSS;
if (mode === "stream") {
  await wf.Array.fromZarr(path).mul(2).add(1).compute({ destination: { type: "zarr", path: out } });
  const after = process.resourceUsage().maxRSS;
  process.stdout.write(JSON.stringify({ before, after }));
} else {
  const x = wf.Array.fromZarr(path);
  const mean = await (mode === "median" ? x.median(0) : x.mean(0)).compute();
  const after = process.resourceUsage().maxRSS;
  process.stdout.write(JSON.stringify({ before, after, first: mean.data[0], last: mean.data[mean.data.length - 1], n: mean.data.length }));
}
await wf.shutdown();
