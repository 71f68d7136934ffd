/**
 * The scaling paths of wf.numpy against NumPy (test/fixtures/numpy-scaling.json):
 * - every case again with tiny tasks in this thread, so one-pass argmin/argmax partials, unique's
 *   sorted runs and the search tables cross real combine trees (compute/inspect run them whole);
 * - nanargmin/nanargmax's "All-NaN slice encountered" from the pool's worker threads and from inspect;
 * - plan shapes: search reads each element once (no element × bin comparisons), unique is chunked,
 *   argmin/argmax read the input once.
 */
import t from "tap";
import * as wf from "../../src/index.js";
import { lower } from "../../scheduler/lower.js";
import { evaluate, scalarOf } from "../../src/compute/evaluate.js";
import { InlineExecutor } from "../../scheduler/executors/inline.js";
import { INLINE_BYTES, PoolExecutor } from "../../scheduler/executors/pool.js";
import { sizeOf } from "../../src/core/shape.js";
import type { Node } from "../../src/graph/node.js";
import type { Plan } from "../../scheduler/task.js";
import { FIXTURE_DIR, checkOutcome, isScal, loadFixture, type Case, type Outcome } from "../support/fixtures.js";
import { buildCase } from "../support/dsl.js";

t.setTimeout(10 * 60 * 1000);
t.teardown(async () => {
  await wf.shutdown();
});

const np = wf.numpy;
const { cases } = loadFixture(`${FIXTURE_DIR}numpy-scaling.json`);
const TINY = { minTaskBytes: 1, maxTaskBytes: 4096, fanIn: 3, parallelMinBytes: 0 };
const nodeOf = (p: unknown): Node => (p as { node: Node }).node;

async function runTiny(c: Case): Promise<Outcome> {
  let node: Node;
  try {
    node = nodeOf(buildCase(c));
  } catch (error) {
    return { ok: false, error, phase: "build" };
  }
  try {
    const { value } = await evaluate(node, { executor: new InlineExecutor(), plan: TINY });
    return { ok: true, value: isScal(c.expected) ? scalarOf(value) : value };
  } catch (error) {
    return { ok: false, error, phase: "compute" };
  }
}

t.test("every scaling case with tiny tasks, in this thread", async (t) => {
  t.ok(cases.length > 50, "the fixture file holds the cases");
  for (const c of cases) {
    const m = checkOutcome(c, await runTiny(c));
    if (m.length === 0) t.pass(c.id);
    else t.fail(`${c.id} (tiny tasks)\n    ${m.join("\n    ")}`);
  }
});

const kernels = (p: Plan): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const task of p.tasks) out[task.spec.kernel] = (out[task.spec.kernel] ?? 0) + 1;
  return out;
};

/** Elements all tasks of a plan cover (their block shapes): what the plan's work scales with. */
const work = (p: Plan): number => p.tasks.reduce((n, task) => n + ("shape" in task.spec ? sizeOf(task.spec.shape) : 0), 0);

const x = wf.Array.from(new Float64Array(200 * 150).map((_, i) => Math.sin(i) * 100), [200, 150], { chunks: [50, 40] });
const N = 200 * 150;
const edges = wf.Array.from(new Float64Array(10_000).map((_, i) => -100 + i * 0.02), [10_000]);
const testValues = wf.Array.from(new Int32Array(10_000).map((_, i) => (i * 7919) % 20_000 - 10_000), [10_000]);

t.test("histogram, digitize and isin search a sorted table: work grows with N, not N × bins", async (t) => {
  const plans: [string, Node][] = [
    ["histogram", nodeOf(np.histogram(x, { bins: edges })[0])],
    ["digitize", nodeOf(np.digitize(x, edges))],
    ["isin", nodeOf(np.isin(np.rint(x), testValues))],
  ];
  for (const [name, node] of plans) {
    // isin's table (the sorted distinct test values) is resolved before planning, as compute does
    const resolved = name === "isin" ? await resolvedTable(node) : node;
    const p = lower(resolved, TINY);
    t.ok((kernels(p)["search"] ?? 0) > 1, `${name}: search tasks over the blocks of x`);
    t.ok(work(p) < 4 * N, `${name}: tasks cover ${work(p)} elements for N = ${N} and 10,000 bins`);
  }
});

/** The graph with its `compressed` table computed (what evaluate does in its first round). */
async function resolvedTable(node: Node): Promise<Node> {
  const table = node.args[1]!;
  const { value } = await evaluate(table, { executor: new InlineExecutor() });
  const lit = wf.Array.from(value.data, value.shape);
  const { make } = await import("../../src/graph/make.js");
  return make("search", [node.args[0]!, nodeOf(lit)], node.attrs);
}

t.test("unique sorts each block and merges the runs in a combine tree", async (t) => {
  const u = nodeOf(np.unique(x));
  const along = u.args[0]!;
  const p = lower(along, TINY);
  const k = kernels(p);
  t.ok((k["along"] ?? 0) > 1, `one task per block (${k["along"]})`);
  t.ok((k["combine"] ?? 0) > 0, "runs merged by combine tasks");
  t.equal(p.tasks.reduce((n, task) => n + (task.spec.kernel === "along" ? sizeOf(task.spec.shape) : 0), 0), N, "each element is sorted by exactly one block task");
});

// (4, 40000): the indices along axis 0 are 40,000 int64, so the fused check runs in map tasks big
// enough for the pool to send to its worker threads
const wide = new Float64Array(4 * 40_000).map((_, i) => (i % 11) - 5);
for (let r = 0; r < 4; r++) wide[r * 40_000 + 31_234] = NaN;
wide[40_000 + 7] = NaN;
const wideArr = wf.Array.from(wide, [4, 40_000], { chunks: [4, 10_000] });

t.test("nanargmin's All-NaN error comes from the pool's worker threads and from inspect", async (t) => {
  const bad = np.nanargmin(wideArr, { axis: 0 });
  const p = lower(nodeOf(bad));
  const checks = p.tasks.filter((task) => task.spec.kernel === "map" && task.spec.program.nodes.some((n) => n.k === "check"));
  t.ok(checks.length > 0 && checks.every((task) => task.bytes >= INLINE_BYTES), "the check runs in tasks the pool does not run inline");
  await t.rejects(evaluate(nodeOf(bad), { executor: new PoolExecutor(2) }), { name: "JobComputeError", message: /ValueError: All-NaN slice encountered/ }, "pool executor");
  await t.rejects(bad.compute(), { name: "JobComputeError", message: /All-NaN slice encountered/ }, "compute()");
  await t.rejects(bad.inspect(), { name: "JobComputeError", message: /All-NaN slice encountered/ }, "inspect()");
  const err = await bad.compute().catch((e: unknown) => e);
  t.equal((err as wf.JobComputeError).code, "INVALID", "a data error, not a crash: code INVALID (not retried)");
});

t.test("with no all-NaN slice the same arrays give NumPy's indices, on the pool and inline", async (t) => {
  // axis 1 (each row has numbers) and the flat index: a NaN is skipped, ties keep the first
  for (const [name, r] of [["axis=1", np.nanargmax(wideArr, { axis: 1 })], ["axis=None", np.nanargmin(wideArr)]] as const) {
    const pool = await r.compute();
    const inline = await r.inspect();
    t.same(pool, inline, `${name}: compute and inspect agree`);
  }
  const rows = (await np.nanargmax(wideArr, { axis: 1 }).compute()) as wf.NDArray;
  // max is 5 at column 10 of each row (i % 11 === 10 first at i = 10 within row 0; rows start at r * 40000)
  const want = [0, 1, 2, 3].map((r) => { const off = (r * 40_000) % 11; return BigInt((10 - off + 11) % 11); });
  t.same(Array.from(rows.data as BigInt64Array), want);
});

t.test("computed histogram edges are checked when known: NumPy's error if they decrease", async (t) => {
  const steps = wf.Array.from(new Float64Array([0, 10, 20, 30, 40]), [5]);
  const data = wf.Array.from(new Float64Array([1, 5, 15, 25, 35, 40, 41, -1]), [8]);
  const good = np.histogram(data, { bins: np.add(steps, 0.5) })[0];
  const literal = np.histogram(data, { bins: [0.5, 10.5, 20.5, 30.5, 40.5] })[0];
  t.same(await good.compute(), await literal.compute(), "increasing computed edges count like the same literal edges");
  const bad = np.histogram(data, { bins: np.multiply(steps, wf.Array.from(new Float64Array([1, 1, -1, 1, 1]), [5])) })[0];
  await t.rejects(bad.compute(), { name: "JobComputeError", message: /`bins` must increase monotonically, when an array/ });
  t.throws(() => np.histogram(data, { bins: [0, 2, 1] }), { name: "ProxyTypeError", message: /must increase monotonically/ }, "literal edges: at build time");
});

t.test("unique(equal_nan=false) is refused rather than collapsing NaNs anyway", async (t) => {
  const x = wf.Array.from(new Float64Array([NaN, 1, NaN]), [3]);
  t.throws(() => np.unique(x, { equal_nan: false }), { name: "ProxyTypeError", message: /equal_nan=false is not supported/ });
  t.same(Array.from(((await np.unique(x, { equal_nan: true }).compute()) as wf.NDArray).data as Float64Array), [1, NaN], "the default collapses NaNs, as NumPy does");
});

t.test("argmin/argmax over a file-backed source: chained partials give the in-memory indices", async (t) => {
  const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "tesserae-arg-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const vals = new Float64Array(60 * 50).map((_, i) => ((i * 37) % 23) - 11);
  vals[1234] = NaN;
  vals[2222] = NaN;
  const file = join(dir, "x.npy");
  writeFileSync(file, new wf.NDArray(vals, [60, 50], "float64").toNpy());
  const src = wf.Array.fromNpy(file, { chunks: [7, 9] });
  const mem = wf.Array.from(vals, [60, 50], { chunks: [7, 9] });
  for (const [name, f, o] of [["argmax", np.argmax, { axis: 0 }], ["argmin", np.argmin, {}], ["nanargmax", np.nanargmax, { axis: 0 }], ["nanargmin", np.nanargmin, {}]] as const) {
    const p = lower(nodeOf(f(src, o)), TINY);
    t.ok(p.tasks.some((task) => task.spec.kernel === "reduce" && task.spec.merge === true), `${name}: the plan chains partials`);
    const { value: got } = await evaluate(nodeOf(f(src, o)), { executor: new InlineExecutor(), plan: TINY });
    const { value: want } = await evaluate(nodeOf(f(mem, o)), { executor: new InlineExecutor() });
    t.same(Array.from(got.data as BigInt64Array), Array.from(want.data as BigInt64Array), `${name}: same indices as in memory`);
  }
});
