/**
 * Values computed through rechunking stages against NumPy (test/fixtures/restage.json, written by
 * gen_restage_fixtures.py from the same formula the stacks are written with here), with the plans
 * checked to go through intermediate stores, one stage and several.
 */
import t from "tap";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as wf from "../../src/index.js";
import { lower } from "../../scheduler/lower.js";
import { evaluate } from "../../src/compute/evaluate.js";
import { InlineExecutor } from "../../scheduler/executors/inline.js";
import { writeZarr } from "../support/raw-zarr.js";

interface Case {
  name: string;
  shape: number[];
  chunks: number[];
  expr: "median0" | "banddiff" | "window" | "p90";
  outShape: number[];
  data: string[];
}

const fixture = JSON.parse(readFileSync(new URL("../fixtures/restage.json", import.meta.url), "utf8")) as { cases: Case[] };
const dir = mkdtempSync(join(tmpdir(), "tesserae-restage-np-"));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
t.teardown(() => wf.shutdown());

function build(c: Case, x: wf.Array): wf.Array {
  switch (c.expr) {
    case "median0": return x.median(0) as wf.Array;
    case "banddiff": return x.get(":, 1").sub(x.get(":, 0")).median(0) as wf.Array;
    case "window": return x.get(":, :, 3:21, 5:19").median(0) as wf.Array;
    case "p90": return wf.numpy.percentile(x, 90, { axis: 0 }) as wf.Array;
  }
}

// small tasks, so the blocks cut every stored chunk; the long series needs several stages
const plan = { maxTaskBytes: 4 << 10, minTaskBytes: 1 };

fixture.cases.forEach((c, k) => {
  t.test(c.name, async (t) => {
    const path = join(dir, `${k}.zarr`);
    // the generator's formula, in float32
    writeZarr(path, c.shape, c.chunks, (i) => Math.fround(((i * 7919) % 1013) * 0.5 - 7));
    const expr = build(c, wf.Array.fromZarr(path));
    const stores = lower(expr.node, plan).stores?.length ?? 0;
    t.ok(stores >= (c.shape.length === 3 ? 2 : 1), `${stores} intermediate store(s)`);
    const { value } = await evaluate(expr.node, { executor: new InlineExecutor(), plan, memoryLimit: 1 << 30 });
    t.same(value.shape, c.outShape);
    t.same(Array.from(value.data as Float32Array), c.data.map((v) => Math.fround(Number(v))), "equals NumPy");
  });
});
