/**
 * Sum accumulators lent from the arena (scheduler/arena-acc.ts): which tasks get one, when a block
 * is freed (last holder dropped and no running writer, or the run's end), and a chained reduction
 * over file chunks that adds into them: the same values as without, and no block left behind.
 */
import t from "tap";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as wf from "../../src/index.js";
import type { Node } from "../../src/graph/node.js";
import { arenaUsage } from "../../src/core/arena.js";
import { ArenaAccumulators } from "../../scheduler/arena-acc.js";
import { evaluate } from "../../src/compute/evaluate.js";
import { InlineExecutor } from "../../scheduler/executors/inline.js";
import type { TaskSpec } from "../../scheduler/task.js";
import type { AccPartial } from "../../workers/kernels/reduce.js";
import type { Program } from "../../scheduler/program.js";
import { writeRampStack } from "../support/raw-zarr.js";

const F32: Program = { nodes: [{ k: "leaf", leaf: 0, dtype: "float32", masked: false }], nLeaves: 1 };
const reduceSpec = (fn: "sum" | "mean" | "std" | "max", outElems: number, program = F32): TaskSpec => ({
  kernel: "reduce", program, shape: [4, outElems], leaves: [], reduced: [true, false], fn, ddof: 0, out: null, outDType: "float32",
});
const partialIn = (a: Float64Array): AccPartial => ({ fn: "sum", a, n: 4, arena: true });

t.test("blocks go to tasks that start a large enough unmasked sum partial", async (t) => {
  const accs = new ArenaAccumulators();
  t.ok(accs.forTask(reduceSpec("mean", 1 << 14), []) instanceof Float64Array, "a mean of 16384 outputs gets one");
  t.equal(accs.forTask(reduceSpec("sum", 16), []), undefined, "not a tiny sum (its mirror is cheap)");
  t.equal(accs.forTask(reduceSpec("std", 1 << 14), []), undefined, "not moments");
  t.equal(accs.forTask(reduceSpec("max", 1 << 14), []), undefined, "not max");
  const masked: Program = { nodes: [{ k: "leaf", leaf: 0, dtype: "float32", masked: true }], nLeaves: 1 };
  t.equal(accs.forTask(reduceSpec("sum", 1 << 14, masked), []), undefined, "not a masked sum (it keeps counts)");
  const a = accs.forTask(reduceSpec("sum", 1 << 14), [])!;
  t.equal(accs.forTask(reduceSpec("sum", 1 << 14), [partialIn(a)]), undefined, "not a link that continues a partial");
  accs.drain();
});

t.test("a block is freed once no kept partial holds it and no running task writes it", async (t) => {
  const start = arenaUsage().blocks;
  const accs = new ArenaAccumulators();
  const a = accs.forTask(reduceSpec("sum", 1 << 14), [])!;
  const first = accs.blocksOf(a, []);
  accs.begin(first);
  t.equal(arenaUsage().blocks, start + 1, "allocated for the task");
  const p1 = partialIn(a);
  accs.hold(p1);
  accs.end(first);
  t.equal(arenaUsage().blocks, start + 1, "kept: the scheduler holds the task's partial");
  // the next link adds into the same block and returns it
  const second = accs.blocksOf(undefined, [p1]);
  t.same(second, [a.byteOffset], "the link writes the incoming partial's block");
  accs.begin(second);
  const p2 = partialIn(a);
  accs.hold(p2);
  accs.drop(p1);
  accs.end(second);
  t.equal(arenaUsage().blocks, start + 1, "still held by the link's partial");
  accs.drop(p2);
  t.equal(arenaUsage().blocks, start, "freed with its last holder");

  // a task that returns no partial (it finalized) frees its block when it ends
  const b = accs.forTask(reduceSpec("sum", 1 << 14), [])!;
  accs.begin(accs.blocksOf(b, []));
  accs.drain();
  t.equal(arenaUsage().blocks, start + 1, "the run ended, but a running task still writes the block");
  accs.end([b.byteOffset]);
  t.equal(arenaUsage().blocks, start, "freed when that task ends");
});

t.test("a chained reduction over file chunks adds into arena blocks: same values, nothing left behind", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tesserae-arena-acc-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const [n, rows, cols] = [12, 64, 512];
  writeRampStack(dir, n, rows, cols);
  const x = wf.Array.fromZarr(dir);
  const node = (x.mean(0) as unknown as { node: Node }).node;
  const run = () => evaluate(node, { executor: new InlineExecutor(), plan: { maxTaskBytes: 2 * rows * cols * 4 + rows * cols * 16 } });
  await run(); // the first run also gives this thread its kernel scratch slot
  const before = arenaUsage();
  let lent = 0;
  const forTask = ArenaAccumulators.prototype.forTask;
  ArenaAccumulators.prototype.forTask = function (...args) {
    const a = forTask.apply(this, args);
    if (a !== undefined) lent++;
    return a;
  };
  t.teardown(() => void (ArenaAccumulators.prototype.forTask = forTask));
  const { value, stats } = await run();
  t.ok(stats.tasks >= 3, `a chain of links ran (${stats.tasks} tasks)`);
  // one block per (sub-)chain: its first link's; the other links add into it
  t.ok(lent >= 1 && lent <= 2 && lent < stats.tasks - 2, `${lent} blocks lent for ${stats.tasks} tasks`);
  // plane i holds i + k / plane: the mean over planes is (n - 1) / 2 + k / plane, in float32
  let worst = 0;
  for (let k = 0; k < rows * cols; k++) worst = Math.max(worst, Math.abs((value.data[k] as number) - Math.fround((n - 1) / 2 + k / (rows * cols))));
  t.ok(worst <= 1e-6, `mean over the stack (worst error ${worst})`);
  t.same(arenaUsage(), before, "every block lent during the run was freed");
});
