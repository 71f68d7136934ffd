/**
 * Structural tests of lowering (issue 2): how many tasks a graph becomes after fusion, batching of
 * tiny chunks, movement ops folded into the map program, reduction trees and their depth, median
 * blocks. Pure: `lower` only plans, no data is read and no thread is started.
 */
import t from "tap";
import * as wf from "../../src/index.js";
import { sizeOf } from "../../src/core/shape.js";
import type { Node } from "../../src/graph/node.js";
import { lower } from "../../scheduler/lower.js";
import type { OperandSpec, Plan, Task, TaskSpec } from "../../scheduler/task.js";
import { execute } from "../../scheduler/execute.js";
import { InlineExecutor } from "../../scheduler/executors/inline.js";

const nodeOf = (p: unknown): Node => (p as { node: Node }).node;

/** Tasks per kernel name. */
function kernels(plan: Plan): Record<string, number> {
  const out: Record<string, number> = {};
  for (const task of plan.tasks) out[task.spec.kernel] = (out[task.spec.kernel] ?? 0) + 1;
  return out;
}

type Spec<K extends TaskSpec["kernel"]> = Extract<TaskSpec, { kernel: K }>;
function specs<K extends TaskSpec["kernel"]>(plan: Plan, k: K): Spec<K>[] {
  return plan.tasks.filter((task) => task.spec.kernel === k).map((task) => task.spec as Spec<K>);
}

/** The leaves that are views of plan buffers (leaves may also be sources read inside the task). */
const bufferLeaves = (leaves: readonly object[]): OperandSpec[] => leaves.filter((l): l is OperandSpec => "buf" in l);

/** A float64 array over shared memory (no copy when wrapped), values first, first + 1, ... */
function f64(shape: number[], chunks: number[], first = 0): wf.Array {
  const n = sizeOf(shape);
  const data = new Float64Array(new SharedArrayBuffer(n * 8));
  for (let i = 0; i < n; i++) data[i] = first + i;
  return wf.Array.from(data, shape, { chunks });
}

/** Longest chain of combine tasks above the partials (0 = no combine tree). */
function combineDepth(plan: Plan): number {
  const byKey = new Map(plan.tasks.map((task) => [task.key, task] as const));
  const memo = new Map<string, number>();
  const depth = (task: Task): number => {
    const hit = memo.get(task.key);
    if (hit !== undefined) return hit;
    const below = Math.max(0, ...task.deps.map((d) => byKey.get(d)).filter((d): d is Task => d !== undefined && d.spec.kernel === "combine").map(depth));
    const v = task.spec.kernel === "combine" ? below + 1 : 0;
    memo.set(task.key, v);
    return v;
  };
  return Math.max(0, ...plan.tasks.map(depth));
}

/** How the map tasks cover the output: elements written, distinct start offsets, tasks, all into the result. */
function cover(plan: Plan): { elements: number; regions: number; tasks: number; intoResult: boolean } {
  const maps = specs(plan, "map");
  return {
    elements: maps.reduce((s, m) => s + sizeOf(m.shape), 0),
    regions: new Set(maps.map((m) => m.out.offset)).size,
    tasks: maps.length,
    intoResult: maps.every((m) => m.out.buf === plan.result),
  };
}
const once = (plan: Plan, total: number) => ({ elements: total, regions: specs(plan, "map").length, tasks: specs(plan, "map").length, intoResult: true });

t.test("a 5-op elementwise chain over 4 chunks is 4 map tasks", async (t) => {
  const x = f64([2048, 2048], [1024, 1024]); // 8 MiB chunks: far above minTaskBytes, never batched
  const y = x.add(1).mul(2).sub(3).abs().div(5);
  const plan = lower(nodeOf(y));
  t.same(kernels(plan), { map: 4, barrier: 1 });
  t.same(cover(plan), once(plan, 2048 * 2048), "each block written once");
  const progs = new Set(specs(plan, "map").map((m) => JSON.stringify(m.program)));
  t.equal(progs.size, 1, "all blocks run the same program");
  const prog = specs(plan, "map")[0]!.program;
  t.equal(prog.nodes.filter((n) => n.k === "map").length, 5, "the five ops are in one program");
  t.equal(prog.nLeaves, 1, "one input leaf; constants are inlined");

  // The same chain over tiny chunks, with batching switched off, is still one task per chunk.
  const s = f64([4, 4], [2, 2]).add(1).mul(2).sub(3).abs().div(5);
  t.same(kernels(lower(nodeOf(s), { minTaskBytes: 0 })), { map: 4, barrier: 1 });
  t.same(kernels(lower(nodeOf(s))), { map: 1, barrier: 1 }, "…and batched into one task by default");
});

t.test("tiny chunks are batched into a handful of tasks", async (t) => {
  const x = f64([1_000_000], [100]); // 10,000 chunks of 100 float64
  const y = x.add(1);
  const unbatched = lower(nodeOf(y), { minTaskBytes: 0 });
  t.same(kernels(unbatched), { map: 10_000, barrier: 1 }, "one task per chunk without batching");
  const plan = lower(nodeOf(y));
  const n = kernels(plan)["map"]!;
  t.ok(n >= 1 && n <= 64, `batched to a handful of tasks (got ${n})`);
  t.same(cover(plan), once(plan, 1_000_000), "each element written once");
  const full = plan.tasks.filter((task) => task.spec.kernel === "map").slice(0, -1);
  t.ok(full.every((task) => task.bytes >= 1 << 20), "every batch but the last reaches minTaskBytes");
  const shapes = specs(plan, "map").map((m) => m.shape[0]!);
  t.ok(shapes.every((s) => s % 100 === 0 || s === shapes[shapes.length - 1]), "batches are whole chunks");
});

t.test("slices, transposes and broadcasts fuse: still one map task per block", async (t) => {
  const x = f64([2048, 2048], [1024, 1024]);
  const b = f64([2048], [2048]);
  const y = x.get(wf.slice(undefined, undefined, -1)).add(wf.numpy.transpose(x)).mul(b).sub(1);
  const plan = lower(nodeOf(y));
  t.same(kernels(plan), { map: 4, barrier: 1 }, "no copy stage for the movement ops");
  t.same(cover(plan), once(plan, 2048 * 2048), "each block written once");
  const first = specs(plan, "map")[0]!;
  t.equal(first.program.nLeaves, 3);
  const xBuf = plan.buffers.find((buf) => buf.payload !== undefined && buf.shape.length === 2)!.id;
  const leaves = bufferLeaves(first.leaves);
  t.equal(leaves.length, 3, "all three read materialized buffers");
  const strides = leaves.filter((l) => l.buf === xBuf).map((l) => l.strides.join(",")).sort();
  t.same(strides, ["-2048,1", "1,2048"], "x is read reversed and transposed through strides");
  const bLeaf = leaves.find((l) => l.buf !== xBuf)!;
  t.same(bLeaf.strides, [0, 1], "the broadcast row has stride 0 along the new axis");
  // the reversed leaf of the block at index (0, 0) starts at the last row of x
  t.equal(leaves.find((l) => l.strides[0] === -2048)!.offset, 2047 * 2048);
});

t.test("fused program leaves: one per distinct view of a buffer", async (t) => {
  // (small literals are interned by content: z must hold other values than x to be another node)
  const x = f64([64, 64], [64, 64]);
  const z = f64([64, 64], [64, 64], 1);
  const leaves = (p: unknown) => specs(lower(nodeOf(p)), "map")[0]!.program.nLeaves;
  t.equal(leaves(x.mul(x).add(x).sub(x.mul(2))), 1, "x used four times is one leaf");
  t.equal(leaves(x.add(z)), 2);
  t.equal(leaves(x.mul(z).add(x).div(z.add(1))), 2);
  t.equal(leaves(x.add(x.get(wf.slice(undefined, undefined, -1)))), 2, "a second view of x is a second leaf");
});

t.test("tree reductions: depth follows fanIn and maxTaskBytes", async (t) => {
  // 65,536 float64 read as 16 bytes per element (input + output accounting) = 1 MiB in all.
  const x = f64([65536], [4096]);
  const s = nodeOf(x.sum());
  const base = { parallelMinBytes: Infinity, workers: 2 };
  const at = (fanIn: number, maxTaskBytes: number) => lower(s, { ...base, fanIn, maxTaskBytes });
  const cases: [fanIn: number, maxTaskBytes: number, partials: number, combines: number, depth: number][] = [
    [2, 1 << 16, 16, 15, 4],
    [4, 1 << 16, 16, 5, 2],
    [3, 1 << 16, 16, 6 + 2 + 1, 3],
    [16, 1 << 16, 16, 1, 1],
    [4, 1 << 14, 64, 16 + 4 + 1, 3],
  ];
  for (const [fanIn, maxTaskBytes, partials, combines, depth] of cases) {
    const plan = at(fanIn, maxTaskBytes);
    const label = `fanIn ${fanIn}, maxTaskBytes ${maxTaskBytes}`;
    t.same(kernels(plan), { reduce: partials, combine: combines, barrier: 1 }, label);
    t.equal(combineDepth(plan), depth, `${label}: depth ${depth}`);
    t.ok(specs(plan, "reduce").every((r) => r.out === null), `${label}: partials write no output`);
    t.equal(specs(plan, "combine").filter((c) => c.out !== null).length, 1, `${label}: only the root combine writes`);
    t.ok(specs(plan, "combine").every((c) => c.outShape.length === 0));
  }
  const one = at(16, 1 << 20);
  t.same(kernels(one), { reduce: 1, barrier: 1 }, "a block covering everything needs no combine");
  t.not(specs(one, "reduce")[0]!.out, null);

  // the tree gives the same value, whatever its shape
  for (const [fanIn, maxTaskBytes] of [[2, 1 << 16], [3, 1 << 14], [16, 1 << 20]] as const) {
    const r = await execute(at(fanIn, maxTaskBytes), new InlineExecutor());
    t.equal(r.storage.data[0], (65535 * 65536) / 2, `sum with fanIn ${fanIn}`);
  }
});

t.test("a block that covers the reduced axis is one reduce task, no combine", async (t) => {
  const opts = { workers: 2, maxTaskBytes: 16 << 20, parallelMinBytes: 1 << 20, fanIn: 16 };
  for (const chunks of [[128, 4096], [512, 1024], [64, 512]]) {
    const x = f64([512, 4096], chunks);
    const plan = lower(nodeOf(x.sum(1)), opts);
    const k = kernels(plan);
    t.equal(k["combine"], undefined, `chunks ${chunks}: no combine`);
    t.ok(k["reduce"]! >= 2, `chunks ${chunks}: split along the kept axis (${k["reduce"]} tasks)`);
    const reds = specs(plan, "reduce");
    t.ok(reds.every((r) => r.shape[1] === 4096 && r.out !== null), `chunks ${chunks}: each task reduces the whole axis and writes`);
    t.equal(reds.reduce((s, r) => s + r.shape[0]!, 0), 512, "the kept axis is covered once");
  }
});

t.test("median blocks hold the whole reduced axis", async (t) => {
  const x = f64([64, 4096], [64, 256]);
  const tiny = { workers: 2, maxTaskBytes: 4096, parallelMinBytes: 1 << 20, fanIn: 4 };
  const med = lower(nodeOf(x.median(1)), tiny);
  t.same(Object.keys(kernels(med)).sort(), ["barrier", "median"]);
  t.equal(kernels(med)["median"], 64, "split along the kept axis only");
  t.ok(specs(med, "median").every((m) => m.shape[1] === 4096 && m.reduced[1] === true && m.reduced[0] === false));
  // the same options split a sum along the reduced axis into a tree
  const sum = kernels(lower(nodeOf(x.sum(1)), tiny));
  t.ok((sum["combine"] ?? 0) > 0, "sum with the same options needs combines");
  // axis 0 and all axes
  const med0 = lower(nodeOf(x.median(0)), tiny);
  t.ok(specs(med0, "median").every((m) => m.shape[0] === 64));
  const all = lower(nodeOf(x.median()), tiny);
  t.same(kernels(all), { median: 1, barrier: 1 });
  t.same(specs(all, "median")[0]!.shape, [64, 4096]);
});

t.test("stages: reductions, gathers and reshapes of materialized buffers", async (t) => {
  const x = f64([256, 256], [128, 128]);
  // an elementwise op over a reduction's result is a second stage reading its buffer
  const p = lower(nodeOf(x.sum(0).add(1)), { minTaskBytes: 0 });
  const red = specs(p, "reduce");
  const maps = specs(p, "map");
  t.ok(red.length >= 1 && maps.length >= 1);
  t.ok(maps.every((m) => bufferLeaves(m.leaves).some((l) => l.buf === red[0]!.out!.buf)), "the map stage reads the reduction's buffer");
  // the map stage waits only on the reduction's barrier
  const mapTask = p.tasks.find((task) => task.spec.kernel === "map")!;
  t.same(mapTask.deps.map((d) => p.tasks.find((task) => task.key === d)!.spec.kernel), ["barrier"]);
  // reshape of a materialized buffer is an alias, not a copy
  const r = lower(nodeOf(x.sum(0).reshape(16, 16)));
  t.equal(kernels(r)["map"], undefined, "no copy task for the reshape");
  t.not(r.buffers[r.result]!.aliasOf, undefined);
  // a gather is its own stage
  const g = lower(nodeOf(x.get([3, 1, 2])));
  t.same(kernels(g), { take: 1, barrier: 1 });
});

t.test("reductions over in-memory buffers take larger blocks (maxInPlaceTaskBytes): they read their inputs in place", async (t) => {
  const x = wf.Array.from(new Float32Array(16 * 4 * 256 * 256), [16, 4, 256, 256]);
  const red = x.get(":, 2"), nir = x.get(":, 3");
  const ndviMean = nodeOf(nir.sub(red).div(nir.add(red)).mean(0));
  const sized = specs(lower(ndviMean, { maxTaskBytes: 1 << 20, maxInPlaceTaskBytes: 1 << 20 }), "reduce");
  const larger = specs(lower(ndviMean, { maxTaskBytes: 1 << 20, maxInPlaceTaskBytes: 4 << 20 }), "reduce");
  // a block reads 12 bytes per element (two float32 leaves and the float32 chain value)
  t.ok(sized.every((s) => sizeOf(s.shape) * 12 <= 1 << 20) && larger.every((s) => sizeOf(s.shape) * 12 <= 4 << 20), "blocks within their budgets");
  t.ok(larger.length * 3 <= sized.length, `${larger.length} tasks instead of ${sized.length}`);
  t.ok(larger.length >= 4, "still at least two tasks per worker");
  // a caller who sizes tasks sizes in-place reductions too; medians are never sized as in-place
  t.equal(specs(lower(ndviMean, { maxTaskBytes: 1 << 20 }), "reduce").length, sized.length);
  const med = nodeOf(nir.sub(red).median(0));
  t.equal(specs(lower(med, { maxTaskBytes: 1 << 20, maxInPlaceTaskBytes: 4 << 20 }), "median").length, specs(lower(med, { maxTaskBytes: 1 << 20 }), "median").length);
});
