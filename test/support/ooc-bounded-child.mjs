// Child process for test/ooc/memory.test.ts, run with plain node on the built package (dist/): computes over
// a Zarr input under a memory limit and reports its peak RSS before and after.
const wf = await import(new URL("../../dist/src/index.js", import.meta.url).href);

const [path, limit] = [process.argv[2], process.argv[3]];
wf.configure({ memoryLimit: limit });
// warm the pool and the code paths on one plane first: that is the fixed overhead
await wf.Array.fromZarr(path).get(wf.slice(0, 1)).sum().compute();
const before = process.resourceUsage().maxRSS;
const mean = await wf.Array.fromZarr(path).mean(0).compute();
const after = process.resourceUsage().maxRSS;
process.stdout.write(JSON.stringify({ before, after, first: mean.data[0], last: mean.data[mean.data.length - 1], n: mean.data.length }));
await wf.shutdown();
