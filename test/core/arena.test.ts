/**
 * The arena (src/core/arena.ts): the allocator's blocks never overlap and come back merged, a
 * copy holds the source's values, views are freed when collected, and a large literal built from
 * ordinary memory lands in the arena and computes the same as one given in shared memory.
 */
import t from "tap";
import { setFlagsFromString } from "node:v8";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import * as wf from "../../src/index.js";
import { arenaAddress, arenaAlloc, arenaCopyOf, arenaFree, arenaUsage } from "../../src/core/arena.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

t.test("blocks are aligned, disjoint, reused after free, and merged with their neighbours", async (t) => {
  const start = arenaUsage();
  const sizes = [1, 100, 4096, 65536 + 3, 10];
  const blocks = sizes.map((n) => ({ at: arenaAlloc(n)!, n }));
  for (const b of blocks) t.equal(b.at % 64, 0, `block of ${b.n} bytes is 64-byte aligned`);
  const sorted = [...blocks].sort((a, b) => a.at - b.at);
  for (let i = 1; i < sorted.length; i++) t.ok(sorted[i - 1]!.at + sorted[i - 1]!.n <= sorted[i]!.at, "blocks do not overlap");
  t.equal(arenaUsage().blocks, start.blocks + sizes.length);
  // free the middle three: one merged hole that a block of their total size fits in
  arenaFree(blocks[1]!.at);
  arenaFree(blocks[3]!.at);
  arenaFree(blocks[2]!.at);
  const hole = arenaAlloc(128 + 4096 + 65536 + 64);
  t.equal(hole, blocks[1]!.at, "the merged hole is reused first-fit");
  arenaFree(hole!);
  arenaFree(blocks[0]!.at);
  arenaFree(blocks[4]!.at);
  t.same(arenaUsage(), start, "everything freed: the high-water mark comes back down");
  t.throws(() => arenaFree(blocks[0]!.at), /not a live block/, "a double free is refused");
});

t.test("a copy in the arena holds the values and is freed once collected", async (t) => {
  const src = new Float64Array(1000).map((_, i) => i * 0.5 - 7);
  let view = arenaCopyOf(src, "float64");
  t.ok(view !== undefined && arenaAddress(view) === view.byteOffset, "the view knows its address");
  t.same([...view!], [...src], "same values");
  t.equal(arenaAddress(src), undefined, "an ordinary array has no arena address");
  const live = arenaUsage().blocks;
  view = undefined;
  // finalization callbacks run some time after a collection: a loaded machine may need a few rounds
  for (let i = 0; i < 100 && arenaUsage().blocks >= live; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
  t.equal(arenaUsage().blocks, live - 1, "the block is freed after the view is collected");
});

t.test("a large literal from ordinary memory computes in the arena, on the pool too", async (t) => {
  wf.configure({ workers: 2 });
  t.teardown(() => wf.shutdown());
  const shape = [4, 3, 256, 256];
  const n = shape.reduce((a, b) => a * b);
  const plain = new Float32Array(n).map((_, i) => ((i * 7919) % 997) / 997 + 0.01);
  const shared = new Float32Array(new SharedArrayBuffer(n * 4));
  shared.set(plain);
  const ndvi = (d: Float32Array) => {
    const x = wf.Array.from(d, shape);
    const [r, g] = [x.get(":", 0), x.get(":", 2)];
    return g.sub(r).div(g.add(r)).mean(0);
  };
  const inArena = (await ndvi(plain).compute({ cache: false, progressBar: false })) as wf.NDArray;
  const outside = (await ndvi(shared).compute({ cache: false, progressBar: false })) as wf.NDArray;
  t.same([...inArena.data as Float32Array], [...outside.data as Float32Array], "identical results");
  // reference: the same mean in plain JS (float32 chain, float64 sum)
  let worst = 0;
  for (let i = 0; i < 256 * 256; i++) {
    let s = 0;
    for (let k = 0; k < 4; k++) {
      const r = plain[k * 3 * 65536 + i]!, g = plain[(k * 3 + 2) * 65536 + i]!;
      s += Math.fround(Math.fround(g - r) / Math.fround(g + r));
    }
    worst = Math.max(worst, Math.abs(Math.fround(s / 4) - (inArena.data[i] as number)));
  }
  t.equal(worst, 0, "equal to the mean computed element by element");
});

t.test("without the arena or any WebAssembly memory (an address-space limit), kernels fall back to JS loops", async (t) => {
  const dist = new URL("../../dist/src/index.js", import.meta.url).pathname;
  if (!existsSync(dist)) {
    t.fail("dist/ is missing: run `npm run build` (npm ci builds it) before this test");
    return;
  }
  // the same NDVI mean as above, on the pool, printed as float32 bits
  const script = `
    import * as wf from ${JSON.stringify(dist)};
    import { arenaMemory } from ${JSON.stringify(dist.replace(/index\.js$/, "core/arena.js"))};
    const shape = [4, 3, 256, 256];
    const n = shape.reduce((a, b) => a * b);
    const plain = new Float32Array(n).map((_, i) => ((i * 7919) % 997) / 997 + 0.01);
    const x = wf.Array.from(plain, shape);
    const [r, g] = [x.get(":", 0), x.get(":", 2)];
    const m = await g.sub(r).div(g.add(r)).mean(0).compute({ cache: false, progressBar: false });
    // a masked float32 median over 4 dates: median16's SIMD planes normally, the JS network without its memory
    const clouds = wf.Array.from(Uint8Array.from({ length: n }, (_, i) => ((i * 2654435761) >>> 28) < 4 ? 1 : 0), shape, { dtype: "bool" });
    const xm = new wf.MaskedArray(x, { mask: clouds });
    const [rm, gm] = [xm.get(":", 0), xm.get(":", 2)];
    const med = await gm.sub(rm).div(gm.add(rm)).median(0).compute({ cache: false, progressBar: false });
    const hash = (a) => {
      let h = 0;
      for (const v of new Uint32Array(a.buffer, a.byteOffset, a.length >> (a.BYTES_PER_ELEMENT === 1 ? 2 : 0))) h = (Math.imul(h, 31) + v) >>> 0;
      return h;
    };
    console.log(JSON.stringify({ arena: arenaMemory() !== undefined, hash: hash(m.data), median: [hash(med.data), hash(med.mask)] }));
    await wf.shutdown();`;
  const dir = mkdtempSync(join(tmpdir(), "tesserae-arena-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "ndvi.mjs");
  writeFileSync(file, script);
  const run = (limit: string) => {
    // the child runs plain node (no test-runner loaders, which need more address space)
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "NODE_OPTIONS"));
    const r = spawnSync("sh", ["-c", `${limit} exec "${process.execPath}" "${file}"`], { env, encoding: "utf8", timeout: 120_000 });
    if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr.slice(-2000)}`);
    return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { arena: boolean; hash: number; median: number[] };
  };
  const free = run("");
  // WebAssembly memories reserve 8 GiB and more of address space; node itself runs in far less
  const limited = run("ulimit -v 6000000;");
  t.ok(free.arena, "normally the arena exists");
  t.notOk(limited.arena, "under a 6 GB address-space limit it cannot be reserved");
  t.equal(limited.hash, free.hash, "and the result is the same, bit for bit");
  t.same(limited.median, free.median, "a masked float32 median too (median16 without its memory: the JS network)");
});
