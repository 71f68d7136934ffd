/**
 * A pool worker holds two tasks at once (executors/balancer.ts: the next one waits in the worker, not
 * in the main thread) but runs them one at a time (workers/serial.ts). Checked here: the queue's order
 * and its one-at-a-time rule, that a finished job's awaiting caller runs before the next job starts
 * (Piscina posts a task's result from there), that a failed job does not stop the queue, which worker
 * the balancer picks (abortable tasks included: every task of a job carries its stop signal), and
 * that a one-thread pool with queued tasks gives the same bits as this thread, errors included.
 */
import t from "tap";
import * as wf from "../../src/index.js";
import { serialQueue } from "../../workers/serial.js";
import { lower } from "../../scheduler/lower.js";
import { execute } from "../../scheduler/execute.js";
import { InlineExecutor } from "../../scheduler/executors/inline.js";
import { INLINE_BYTES, PoolExecutor, TASKS_PER_WORKER } from "../../scheduler/executors/pool.js";
import { queueingBalancer, type WorkerLoad } from "../../scheduler/executors/balancer.js";
import { evaluate } from "../../src/compute/evaluate.js";
import type { Node } from "../../src/graph/node.js";

t.setTimeout(300_000);
t.teardown(() => wf.shutdown());

const nodeOf = (p: unknown): Node => (p as { node: Node }).node;
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 2));

t.test("jobs run in arrival order, one at a time, async ones included", async (t) => {
  const enqueue = serialQueue();
  const log: string[] = [];
  let running = 0;
  let most = 0;
  const job = (name: string, waits: number) => async (): Promise<string> => {
    running++;
    most = Math.max(most, running);
    log.push(`start ${name}`);
    for (let i = 0; i < waits; i++) await tick();
    log.push(`end ${name}`);
    running--;
    return name;
  };
  const results = await Promise.all([enqueue(job("a", 3)), enqueue(job("b", 0)), enqueue(job("c", 1))]);
  t.same(results, ["a", "b", "c"], "each caller gets its own job's value");
  t.equal(most, 1, "never two jobs at once");
  t.same(log, ["start a", "end a", "start b", "end b", "start c", "end c"]);
});

t.test("a finished job's caller runs before the next job starts, even for synchronous jobs", async (t) => {
  const enqueue = serialQueue();
  const log: string[] = [];
  // like Piscina: the result is posted a few awaits after the job's promise settles
  const post = async (p: Promise<string>): Promise<void> => {
    const v = await p;
    for (let i = 0; i < 4; i++) await null;
    log.push(`posted ${v}`);
  };
  const done = [post(enqueue(() => (log.push("run 1"), "1"))), post(enqueue(() => (log.push("run 2"), "2"))), post(enqueue(() => (log.push("run 3"), "3")))];
  await Promise.all(done);
  t.same(log, ["run 1", "posted 1", "run 2", "posted 2", "run 3", "posted 3"]);
});

t.test("a job that throws fails its own caller only; the queue goes on", async (t) => {
  const enqueue = serialQueue();
  const first = enqueue((): number => {
    throw new Error("job one broke");
  });
  const second = enqueue(() => Promise.reject(new Error("job two broke")));
  const third = enqueue(() => 3);
  await t.rejects(first, { message: "job one broke" });
  await t.rejects(second, { message: "job two broke" });
  t.equal(await third, 3);
});

t.test("the balancer queues one task behind a running one, on the least loaded worker", (t) => {
  // what Piscina reports: a worker running one abortable task shows Infinity
  const idle: WorkerLoad = { currentUsage: 0, isRunningAbortableTask: false, terminating: false, destroyed: false };
  const oneAbortable: WorkerLoad = { currentUsage: Infinity, isRunningAbortableTask: true, terminating: false, destroyed: false };
  const one: WorkerLoad = { currentUsage: 1, isRunningAbortableTask: false, terminating: false, destroyed: false };
  const full: WorkerLoad = { currentUsage: TASKS_PER_WORKER, isRunningAbortableTask: false, terminating: false, destroyed: false };
  const stopping: WorkerLoad = { ...idle, terminating: true };
  t.equal(TASKS_PER_WORKER, 2);
  t.equal(queueingBalancer(null, [full, oneAbortable, idle]), idle, "an idle worker first");
  t.equal(queueingBalancer(null, [full, oneAbortable]), oneAbortable, "behind a running abortable task");
  t.equal(queueingBalancer(null, [full, one]), one, "behind a running task");
  t.equal(queueingBalancer(null, [full, full]), null, "no worker holds more than two: the task waits in the main thread");
  t.equal(queueingBalancer(null, [stopping, { ...idle, destroyed: true }, one]), one, "never a terminating or destroyed worker");
  t.equal(queueingBalancer(null, []), null);
  t.end();
});

t.test("a one-thread pool holding queued tasks gives this thread's bits, and reports a task's error", async (t) => {
  // 64 reduce tasks of ~100 KiB (over the inline limit): the worker always has one queued
  const data = new Float64Array(32 * 256 * 256).map((_, i) => Math.sin(i) * 100 + (i % 7));
  const x = wf.Array.from(data, [32, 256, 256]);
  const expr = x.mul(x).sub(x.div(3)).mean(0);
  const opts = { maxTaskBytes: 256 << 10 };
  const plan = lower(nodeOf(expr), opts);
  const tasks = plan.tasks.filter((k) => k.spec.kernel !== "barrier");
  t.ok(tasks.length >= 8 * TASKS_PER_WORKER, `${tasks.length} tasks`);
  t.ok(tasks.every((k) => k.bytes >= INLINE_BYTES), "every task goes to the worker thread");
  // with a stop signal, as compute() runs it: every task abortable
  const pool = new PoolExecutor(1, { signal: new AbortController().signal });
  t.equal(pool.concurrency, TASKS_PER_WORKER, "the scheduler keeps a queued task per worker");
  const inline = await execute(plan, new InlineExecutor());
  const onPool = await execute(lower(nodeOf(expr), opts), pool);
  t.same(Array.from(onPool.storage.data as Float64Array), Array.from(inline.storage.data as Float64Array), "same bits as in this thread");

  // a data error in one of many queued tasks: reported, and the same pool still computes after it
  const wide = new Float64Array(4 * 40_000).map((_, i) => (i % 11) - 5);
  for (let r = 0; r < 4; r++) wide[r * 40_000 + 31_234] = NaN;
  const bad = wf.numpy.nanargmin(wf.Array.from(wide, [4, 40_000], { chunks: [4, 10_000] }), { axis: 0 });
  await t.rejects(evaluate(nodeOf(bad), { executor: pool }), { name: "JobComputeError", message: /ValueError: All-NaN slice encountered/ });
  const again = await execute(lower(nodeOf(expr), opts), pool);
  t.same(Array.from(again.storage.data as Float64Array), Array.from(inline.storage.data as Float64Array), "the pool still computes after the failure");
});
