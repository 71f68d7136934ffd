/**
 * The scheduler's state machine (scheduler/execute.ts) driven by fake executors that record what
 * they are asked to run: LIFO order, the concurrency limit, dependencies, buffer release, abort,
 * task failures and progress events. Plans are written by hand (or lowered from small graphs).
 */
import t from "tap";
import * as wf from "../../src/index.js";
import type { Node } from "../../src/graph/node.js";
import { execute, type Executor, type Progress } from "../../scheduler/execute.js";
import { InlineExecutor } from "../../scheduler/executors/inline.js";
import { lower } from "../../scheduler/lower.js";
import type { Program } from "../../scheduler/program.js";
import type { Plan, PlanBuffer, Task } from "../../scheduler/task.js";
import { runTaskSafely, type TaskOutput, type WireTask } from "../../workers/run-task.js";
import type { Operand } from "../../workers/codegen/loops.js";

const nodeOf = (p: unknown): Node => (p as { node: Node }).node;

// ------------------------------------------------------------------ hand-written plans

const N = 1024; // elements per buffer: 8 KiB of float64
const COPY: Program = { nodes: [{ k: "leaf", leaf: 0, dtype: "float64", masked: false }], nLeaves: 1 };

function buffer(id: number, payload = false): PlanBuffer {
  const b: PlanBuffer = { id, dtype: "float64", shape: [N], masked: false, strides: [1] };
  return payload ? { ...b, payload: { data: new Float64Array(new SharedArrayBuffer(N * 8)) } } : b;
}

/** A map task copying elements [start, start + len) of buffer `from` into buffer `to`. */
function copy(key: string, deps: string[], from: number, to: number, start = 0, len = N): Task {
  const op = (buf: number) => ({ buf, offset: start, strides: [1] });
  return { key, deps, spec: { kernel: "map", program: COPY, shape: [len], leaves: [op(from)], out: op(to) }, bytes: len * 16 };
}

const barrier = (key: string, deps: string[]): Task => ({ key, deps, spec: { kernel: "barrier" }, bytes: 0 });

/** `n` independent copies of buffer 0 into buffers 1..n; the last is the result. */
function independent(n: number): Plan {
  const buffers = [buffer(0, true), ...Array.from({ length: n }, (_, i) => buffer(i + 1))];
  const tasks = Array.from({ length: n }, (_, i) => copy(`t${i}`, [], 0, i + 1));
  return { buffers, tasks, result: n };
}

// ------------------------------------------------------------------ fake executors

interface Call {
  key: string;
  task: WireTask;
}

/** Records calls; each task finishes when `finish(key)` is called (or at once with `auto`). */
class FakeExecutor implements Executor {
  readonly calls: Call[] = [];
  readonly done: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private readonly waiting = new Map<string, { resolve: (v: TaskOutput) => void; reject: (e: unknown) => void }>();

  constructor(
    readonly concurrency: number,
    private readonly behave: (key: string, task: WireTask, self: FakeExecutor) => "auto" | "hold" | Error = () => "auto",
  ) {}

  run(task: WireTask, info: { key: string }): Promise<TaskOutput> {
    this.calls.push({ key: info.key, task });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise<TaskOutput>((resolve, reject) => {
      const finish = (ok: boolean, v: unknown) => {
        this.inFlight--;
        if (ok) {
          this.done.push(info.key);
          resolve(v as TaskOutput);
        } else reject(v);
      };
      this.waiting.set(info.key, { resolve: (v) => finish(true, v), reject: (e) => finish(false, e) });
      const b = this.behave(info.key, task, this);
      if (b === "auto") setImmediate(() => this.finish(info.key));
      else if (b instanceof Error) setImmediate(() => this.fail(info.key, b));
    });
  }

  finish(key: string, value: TaskOutput = null): void {
    const w = this.waiting.get(key);
    if (w === undefined) throw new Error(`task ${key} is not running`);
    this.waiting.delete(key);
    w.resolve(value);
  }

  fail(key: string, e: unknown): void {
    const w = this.waiting.get(key)!;
    this.waiting.delete(key);
    w.reject(e);
  }

  get running(): string[] {
    return [...this.waiting.keys()];
  }
}

/** Runs the real kernels in this thread and records the order and what was in flight. */
class RecordingExecutor implements Executor {
  readonly started: string[] = [];
  readonly finished = new Set<string>();
  inFlight = 0;
  maxInFlight = 0;
  constructor(readonly concurrency: number, private readonly onStart: (key: string) => void = () => {}) {}
  async run(task: WireTask, info: { key: string }): Promise<TaskOutput> {
    this.onStart(info.key);
    this.started.push(info.key);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setImmediate(r));
    const r = await runTaskSafely(task);
    this.inFlight--;
    if (!r.ok) throw new Error(r.error.message);
    this.finished.add(info.key);
    return r.value;
  }
}

/** The error a promise rejects with (undefined if it resolves). */
const caught = (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (e: unknown) => e);

const tick = () => new Promise((r) => setImmediate(r));

// ------------------------------------------------------------------ tests

t.test("ready tasks run LIFO: a task made ready runs before older ready ones", async (t) => {
  // A, B, C are ready at the start; D waits on A. With one slot: A, then D (pushed last), then B, C.
  const plan: Plan = {
    buffers: [buffer(0, true), buffer(1), buffer(2), buffer(3), buffer(4)],
    tasks: [copy("A", [], 0, 1), copy("B", [], 0, 2), copy("C", [], 0, 3), copy("D", ["A"], 1, 4)],
    result: 4,
  };
  const ex = new FakeExecutor(1);
  const r = await execute(plan, ex);
  t.same(ex.calls.map((c) => c.key), ["A", "D", "B", "C"]);
  t.equal(r.tasksRun, 4);
  // same with a chain through a barrier: the barrier is done in the scheduler, never sent
  const plan2: Plan = {
    buffers: plan.buffers,
    tasks: [copy("A", [], 0, 1), copy("B", [], 0, 2), barrier("A:ready", ["A"]), copy("C", [], 0, 3), copy("D", ["A:ready"], 1, 4)],
    result: 4,
  };
  const ex2 = new FakeExecutor(1);
  const r2 = await execute(plan2, ex2);
  t.same(ex2.calls.map((c) => c.key), ["A", "D", "B", "C"]);
  t.equal(r2.tasksRun, 4, "barriers are not counted as tasks run");
});

t.test("the concurrency limit is respected and reached", async (t) => {
  for (const limit of [1, 3, 5]) {
    const ex = new FakeExecutor(limit);
    const r = await execute(independent(12), ex);
    t.equal(ex.maxInFlight, limit, `limit ${limit}`);
    t.equal(r.tasksRun, 12);
    t.equal(ex.calls.length, 12);
  }
  // holding tasks: nothing more starts until a slot frees
  const ex = new FakeExecutor(2, () => "hold");
  const p = execute(independent(5), ex);
  await tick();
  t.same(ex.running, ["t0", "t1"]);
  await tick();
  t.equal(ex.calls.length, 2, "no third task while two are held");
  ex.finish("t1");
  await tick();
  t.same(ex.running, ["t0", "t2"]);
  for (const k of ["t0", "t2"]) ex.finish(k);
  await tick();
  for (const k of ex.running) ex.finish(k);
  await tick();
  for (const k of ex.running) ex.finish(k);
  const r = await p;
  t.equal(r.tasksRun, 5);
});

t.test("a task starts only after everything it depends on finished", async (t) => {
  const x = wf.Array.from(new Float64Array(4096).map((_, i) => i % 13), [64, 64], { chunks: [16, 16] });
  const y = x.add(1).sum(0).mul(x.mean(1)).add(x.get(wf.slice(1, 3)).max(0)).sub(x.sum());
  const plan = lower(nodeOf(y), { minTaskBytes: 0, maxTaskBytes: 2048, fanIn: 2, parallelMinBytes: 0 });
  const byKey = new Map(plan.tasks.map((task) => [task.key, task] as const));
  const violations: string[] = [];
  const ex = new RecordingExecutor(4, (key) => {
    const need = (k: string): string[] => {
      const d = byKey.get(k)!;
      return d.spec.kernel === "barrier" ? d.deps.flatMap(need) : [k];
    };
    for (const d of byKey.get(key)!.deps.flatMap(need)) if (!ex.finished.has(d)) violations.push(`${key} before ${d}`);
  });
  const r = await execute(plan, ex);
  t.same(violations, []);
  t.ok(plan.tasks.some((task) => task.spec.kernel === "combine"), "the plan has a reduction tree");
  t.equal(ex.started.length, plan.tasks.filter((task) => task.spec.kernel !== "barrier").length);
  t.ok(ex.maxInFlight > 1 && ex.maxInFlight <= 4);
  // and the value is right
  const xs = Array.from({ length: 4096 }, (_, i) => i % 13);
  const at = (i: number, j: number) => xs[i * 64 + j]!;
  const want = (j: number) => {
    let s = 0, m = 0, mx = -Infinity;
    for (let i = 0; i < 64; i++) s += at(i, j) + 1;
    for (let k = 0; k < 64; k++) m += at(j, k);
    for (let i = 1; i < 3; i++) mx = Math.max(mx, at(i, j));
    return s * (m / 64) + mx - xs.reduce((a, b) => a + b, 0);
  };
  const got = r.storage.data as Float64Array;
  t.same([...got].map((v, j) => Math.abs(v - want(j)) < 1e-9), new Array(64).fill(true));
});

t.test("buffers are released as soon as their last reader finishes", async (t) => {
  // b0 (input) → t1 → b1 → {t2a, t2b} → b2 → t3 → b3 → t4 → b4 → t5 → b5 (result)
  const plan: Plan = {
    buffers: [0, 1, 2, 3, 4, 5].map((i) => buffer(i, i === 0)),
    tasks: [
      copy("t1", [], 0, 1),
      copy("t2a", ["t1"], 1, 2, 0, N / 2),
      copy("t2b", ["t1"], 1, 2, N / 2, N / 2),
      copy("t3", ["t2a", "t2b"], 2, 3),
      copy("t4", ["t3"], 3, 4),
      copy("t5", ["t4"], 4, 5),
    ],
    result: 5,
  };
  for (const concurrency of [1, 2]) {
    const ex = new FakeExecutor(concurrency);
    const r = await execute(plan, ex);
    t.equal(r.peakBytes, 2 * N * 8, `concurrency ${concurrency}: at most two buffers of ${N * 8} bytes alive at once`);
    const data = (key: string, which: "leaf" | "out"): Operand["data"] => {
      const c = ex.calls.find((x) => x.key === key)!.task as Extract<WireTask, { kernel: "map" }>;
      const leaf = c.leaves[0]!;
      if (!("data" in leaf)) throw new Error(`task ${key}: leaf 0 is not a buffer`);
      return which === "out" ? c.out.data : leaf.data;
    };
    t.equal(data("t2a", "leaf"), data("t1", "out"), "b1 is still alive for its first reader");
    t.equal(data("t2b", "leaf"), data("t1", "out"), "…and for its second reader");
    t.equal(data("t2a", "out"), data("t2b", "out"), "both halves write the same b2");
    t.equal(data("t3", "leaf"), data("t2a", "out"));
    t.equal(r.storage.data, data("t5", "out"), "the result buffer is kept");
    t.equal(data("t1", "leaf"), plan.buffers[0]!.payload!.data, "the input is read in place");
  }
  // With every buffer read by one final task, all stay alive: the peak is all five.
  const held: Plan = {
    buffers: [...plan.buffers, buffer(6)],
    tasks: [
      copy("u1", [], 0, 1), copy("u2", ["u1"], 1, 2), copy("u3", ["u2"], 2, 3), copy("u4", ["u3"], 3, 4), copy("u5", ["u4"], 4, 5),
      { key: "last", deps: ["u5"], spec: { kernel: "map", program: COPY, shape: [N], leaves: [1, 2, 3, 4, 5].map((b) => ({ buf: b, offset: 0, strides: [1] })), out: { buf: 6, offset: 0, strides: [1] } }, bytes: 0 },
    ],
    result: 6,
  };
  t.equal((await execute(held, new FakeExecutor(1))).peakBytes, 6 * N * 8, "buffers with a pending reader are not released");
});

t.test("peak memory of a lowered chain stays below the sum of its stages", async (t) => {
  const x = wf.Array.from(new Float64Array(1 << 16).fill(1), [256, 256], { chunks: [64, 256] });
  // three gathers in a row: three materialized 512 KiB buffers, each read only by the next stage
  const rev = Array.from({ length: 256 }, (_, i) => 255 - i);
  const y = x.get(rev).mul(2).get(rev).add(1).get(rev).sum();
  const plan = lower(nodeOf(y), { minTaskBytes: 0 });
  const r = await execute(plan, new InlineExecutor());
  const takes = plan.tasks.filter((task) => task.spec.kernel === "take").length;
  t.ok(takes >= 3, `${takes} gather tasks`);
  t.equal(r.storage.data[0], 3 * 65536);
  const stageBytes = plan.buffers.filter((b) => b.payload === undefined && b.shape.length === 2).length * 65536 * 8;
  t.ok(r.peakBytes < stageBytes, `peak ${r.peakBytes} < ${stageBytes} (all intermediate buffers together)`);
});

t.test("abort: the signal rejects with JobCancelled and stops dispatching", async (t) => {
  // aborted while a task runs: no new task starts, the run rejects at once
  const ac = new AbortController();
  const ex = new FakeExecutor(1, (key) => (key === "t2" ? "hold" : "auto"));
  const p = execute(independent(6), ex, { signal: ac.signal });
  while (ex.calls.length < 3) await tick();
  ac.abort();
  await t.rejects(p, { name: "JobCancelled", code: "CANCELLED" });
  const e = await caught(p);
  t.ok(e instanceof wf.JobCancelled && e instanceof wf.JobComputeError, "a JobCancelled, which is a JobComputeError");
  ex.finish("t2");
  await tick();
  t.equal(ex.calls.length, 3, "nothing dispatched after the abort");
  // aborted before the start: nothing runs
  const pre = new AbortController();
  pre.abort();
  const ex2 = new FakeExecutor(2);
  await t.rejects(execute(independent(3), ex2, { signal: pre.signal }), { name: "JobCancelled" });
  t.equal(ex2.calls.length, 0);
  // aborted between tasks (from inside the executor)
  const ac3 = new AbortController();
  const ex3 = new FakeExecutor(1, (key) => {
    if (key === "t1") ac3.abort();
    return "auto";
  });
  await t.rejects(execute(independent(5), ex3, { signal: ac3.signal }), { name: "JobCancelled" });
  t.same(ex3.calls.map((c) => c.key), ["t0", "t1"]);
});

t.test("a failing task rejects with JobComputeError naming the task", async (t) => {
  const boom = new Error("boom in the kernel");
  const ex = new FakeExecutor(1, (key) => (key === "t2" ? boom : "auto"));
  const err = await caught(execute(independent(5), ex));
  t.type(err, wf.JobComputeError);
  const e = err as wf.JobComputeError;
  t.equal(e.taskKey, "t2");
  t.match(e.message, /t2/);
  t.match(e.message, /boom in the kernel/);
  t.equal(e.cause, boom, "the executor's error is the cause");
  await tick();
  t.same(ex.calls.map((c) => c.key), ["t0", "t1", "t2"], "no task starts after the failure");
  // a JobComputeError from the executor (as the real executors raise) passes through as it is
  const own = new wf.JobComputeError("kernel said no", { taskKey: "t1", code: "INVALID" });
  const ex2 = new FakeExecutor(2, (key) => (key === "t1" ? own : "auto"));
  await t.rejects(execute(independent(4), ex2), own);
  // with tasks in flight, the first failure wins and later ones are ignored
  const ex3 = new FakeExecutor(3, () => "hold");
  const p3 = execute(independent(3), ex3);
  await tick();
  ex3.fail("t1", new Error("first"));
  ex3.fail("t0", new Error("second"));
  ex3.finish("t2");
  await t.rejects(p3, { taskKey: "t1", message: /first/ });
  // the real in-thread executor: an out-of-range computed index fails in the gather kernel
  const x = new wf.Array([1, 2, 3]);
  const idx = new wf.Array([0, 5, 1]).add(0);
  const plan = lower(nodeOf(x.get(idx)));
  const takeKey = plan.tasks.find((task) => task.spec.kernel === "take")!.key;
  await t.rejects(execute(plan, new InlineExecutor()), { name: "JobComputeError", taskKey: takeKey, message: /index 5 is out of bounds/ });
});

t.test("a plan whose tasks wait on a missing task stalls with an error, not a hang", async (t) => {
  const plan: Plan = { buffers: [buffer(0, true), buffer(1), buffer(2)], tasks: [copy("a", [], 0, 1), copy("b", ["nowhere"], 1, 2)], result: 2 };
  await t.rejects(execute(plan, new FakeExecutor(2)), { message: /stalled/ });
});

t.test("progress events are consistent, monotone and end at the total", async (t) => {
  const x = wf.Array.from(new Float64Array(1 << 14).map((_, i) => i), [128, 128], { chunks: [32, 32] });
  const y = x.mul(2).sum(0).add(x.max(1));
  const plan = lower(nodeOf(y), { minTaskBytes: 0, maxTaskBytes: 4096, fanIn: 3, parallelMinBytes: 0 });
  const total = plan.tasks.filter((task) => task.spec.kernel !== "barrier").length;
  for (const concurrency of [1, 3]) {
    const events: Progress[] = [];
    const ex = new RecordingExecutor(concurrency);
    const r = await execute(plan, ex, { onProgress: (p) => events.push(p) });
    const label = `concurrency ${concurrency}`;
    t.ok(events.length >= total, `${label}: an event at least per task (${events.length})`);
    t.ok(events.every((p) => p.total === total), `${label}: total is constant (${total})`);
    t.ok(events.every((p) => p.waiting + p.ready + p.running + p.finished === p.total), `${label}: the counts add up`);
    t.ok(events.every((p) => p.waiting >= 0 && p.ready >= 0 && p.running >= 0 && p.running <= concurrency), `${label}: counts in range`);
    t.ok(events.every((p, i) => i === 0 || p.finished >= events[i - 1]!.finished), `${label}: finished never goes back`);
    const last = events[events.length - 1]!;
    t.same(last, { waiting: 0, ready: 0, running: 0, finished: total, total }, `${label}: the last event is all finished`);
    t.equal(r.tasksRun, total);
    const want = Array.from({ length: 128 }, (_, j) => {
      let s = 0;
      for (let i = 0; i < 128; i++) s += 2 * (i * 128 + j);
      return s + (j * 128 + 127);
    });
    t.same([...(r.storage.data as Float64Array)], want, `${label}: value`);
  }
});
