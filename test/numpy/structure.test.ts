/**
 * Structural guarantees of wf.numpy: what the lowered plan looks like, not just the values.
 * A ufunc chain is one map task per chunk; movement (moveaxis, flip, broadcasting products) folds
 * into the consuming stage instead of materializing an intermediate array.
 */
import t from "tap";
import * as wf from "../../src/index.js";
import { lower } from "../../scheduler/lower.js";
import type { Plan } from "../../scheduler/task.js";
import { sizeOf } from "../../src/core/shape.js";

const np = wf.numpy;
// no batching of small chunks, so tasks follow the chunk grid exactly
const PLAN = { minTaskBytes: 1, workers: 1 };

function kernels(p: Plan): Record<string, number> {
  const out: Record<string, number> = {};
  for (const task of p.tasks) out[task.spec.kernel] = (out[task.spec.kernel] ?? 0) + 1;
  return out;
}
/** Buffers the plan writes (inputs with a payload excluded). */
const written = (p: Plan) => p.buffers.filter((b) => b.payload === undefined && b.aliasOf === undefined);

const x3 = wf.Array.from(new Float64Array(6 * 8 * 10).map((_, i) => (i % 17) - 8), [6, 8, 10], { chunks: [2, 3, 4] });
const chunks3 = 3 * 3 * 3;

t.test("a chain of ufuncs is one map task per chunk", async (t) => {
  const e = np.sqrt(np.add(np.absolute(np.multiply(x3, 2)), np.exp2(np.clip(x3, -1, 1))));
  const p = lower(e.node, PLAN);
  t.same(kernels(p), { map: chunks3, barrier: 1 });
  t.equal(written(p).length, 1, "only the result is written");
});

t.test("rounding, nan_to_num, isclose and where stay in the one map stage", async (t) => {
  const e = np.where(np.isclose(np.around(x3, 1), 0), np.nan_to_num(np.divide(x3, 0)), np.fix(x3));
  const p = lower((e as wf.Array).node, PLAN);
  t.same(kernels(p), { map: chunks3, barrier: 1 });
});

t.test("moveaxis then a reduction reads through the transposed view", async (t) => {
  const r = np.sum(np.moveaxis(x3, 0, -1), { axis: -1 });
  const p = lower(r.node, PLAN);
  t.notOk("map" in kernels(p), "no stage materializes the transposed array");
  t.equal(written(p).length, 1, "only the reduction's output is written");
  t.same(r.node.shape, [8, 10]);
});

t.test("a nan reduction fuses its NaN handling into the reduction", async (t) => {
  const p = lower(np.nanmean(x3, { axis: [0, 2] }).node, PLAN);
  t.same(written(p).filter((b) => sizeOf(b.shape) >= sizeOf(x3.node.shape)), [], "nothing of the input's size is written");
});

t.test("flip and roll are views and a concatenation, not copies before the consumer", async (t) => {
  const p = lower(np.add(np.flip(x3, 1), 1).node, PLAN);
  t.same(kernels(p), { map: chunks3, barrier: 1 });
  const roll = lower(np.multiply(np.roll(x3, 3, { axis: 2 }), 2).node, PLAN);
  t.equal(written(roll).length, 2, "the rolled concatenation, then the product");
});

t.test("products never materialize the broadcast operand", async (t) => {
  const a = wf.Array.from(new Float64Array(40 * 30).fill(1), [40, 30], { chunks: [7, 6] });
  const b = wf.Array.from(new Float64Array(30 * 20).fill(2), [30, 20], { chunks: [8, 6] });
  for (const [name, r] of [["matmul", np.matmul(a, b)], ["dot", np.dot(a, b)], ["einsum", np.einsum("ij,jk->ik", a, b)], ["tensordot", np.tensordot(a, b, 1)]] as const) {
    const p = lower(r.node, PLAN);
    const big = written(p).filter((buf) => sizeOf(buf.shape) >= 40 * 30 * 20);
    t.equal(big.length, 0, `${name}: no buffer of the broadcast size`);
    t.ok((kernels(p)["reduce"] ?? 0) > 0, `${name}: the product is reduced in a fused reduce stage`);
  }
});

t.test("argmin/argmax read the input once: one partial per block, merged in the combine tree", async (t) => {
  for (const ax of [1, null]) {
    for (const [name, f] of [["argmax", np.argmax], ["argmin", np.argmin], ["nanargmax", np.nanargmax]] as const) {
      // tiny tasks, so the reduced axis spans several blocks
      const p = lower(f(x3, { axis: ax }).node, { ...PLAN, maxTaskBytes: 64 });
      const reads = p.tasks.filter((task) => task.spec.kernel === "reduce");
      const elements = p.tasks.reduce((n, task) => n + (task.spec.kernel === "reduce" ? sizeOf(task.spec.shape) : 0), 0);
      t.equal(elements, sizeOf(x3.node.shape), `${name} axis=${ax}: every input element is read by exactly one task`);
      t.ok(reads.length > 1 && (kernels(p)["combine"] ?? 0) > 0, `${name} axis=${ax}: partials per block, combined`);
      const big = written(p).filter((b) => sizeOf(b.shape) >= sizeOf(x3.node.shape));
      t.same(big, [], `${name} axis=${ax}: nothing of the input's size is written`);
    }
  }
});

t.test("cumsum keeps the scan axis whole in each task, and the other axes follow the chunks", async (t) => {
  const p = lower(np.cumsum(x3, { axis: 1 }).node, PLAN);
  const scans = p.tasks.filter((task) => task.spec.kernel === "along");
  t.ok(scans.length > 1);
  for (const task of scans) if (task.spec.kernel === "along") t.equal(task.spec.shape[1], 8);
});

t.teardown(async () => {
  await wf.shutdown();
});
