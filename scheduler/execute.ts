/**
 * The scheduler: a small state machine over a Plan (waiting → ready → running → done → released)
 * driving an injected executor. Ready tasks are taken LIFO (depth first keeps memory low); a buffer
 * is released as soon as no pending task reads it.
 */
import { JobCancelled, JobComputeError, JobOOM, RetryError } from "../src/core/errors.js";
import type { Partial } from "../workers/kernels/reduce.js";
import { ArenaAccumulators } from "./arena-acc.js";
import type { TaskOutput, WireTask } from "../workers/run-task.js";
import { BufferTable, type Storage } from "./storage.js";
import { elementBytes, isSourceLeaf, outOperand, type LeafSpec, type OperandSpec, type Plan, type Task, type TaskSpec } from "./task.js";
import type { Operand } from "../workers/codegen/loops.js";
import type { SourceLeafSpec } from "./task.js";
import { allocate, type TypedArray } from "../src/core/dtype.js";
import { sizeOf } from "../src/core/shape.js";
import type { OutBox } from "./stream.js";
import { FileSpillStore, type SpillStore } from "./spill.js";
import { StoreDirs } from "./store-dirs.js";
import { STORE_READER } from "./restage.js";

export interface Executor {
  /** How many tasks to keep in flight. */
  readonly concurrency: number;
  run(task: WireTask, info: { key: string; bytes: number }): Promise<TaskOutput>;
}

export interface Progress {
  waiting: number;
  ready: number;
  running: number;
  finished: number;
  total: number;
}

export interface ExecuteOptions {
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
  /** Bytes the plan may hold at once: buffers allocated plus the projected memory of running tasks. */
  memoryLimit?: number;
  /**
   * Where finished buffers that must wait go when the limit needs their room (default: files in a
   * temporary directory when a limit is set); `false` never spills.
   */
  spill?: SpillStore | false;
}

/** One finished box of the result, C-ordered. */
export interface ResultBlock {
  readonly start: readonly number[];
  readonly shape: readonly number[];
  readonly data: TypedArray;
  readonly mask?: Uint8Array;
}

export interface ResultStream {
  readonly boxes: ReadonlyMap<string, OutBox>;
  /** Takes a finished box; it must not keep `block`'s arrays once the promise settles (they are reused). */
  write(block: ResultBlock): Promise<void>;
}

/** The extent over which a task reads its buffer leaves (fused kernels read them over their block). */
function leafExtent(spec: TaskSpec): readonly number[] | undefined {
  return spec.kernel === "map" || spec.kernel === "reduce" || spec.kernel === "median" || spec.kernel === "along" ? spec.shape : undefined;
}

const wholeBytes = (plan: Plan, id: number): number => {
  let b = plan.buffers[id]!;
  while (b.aliasOf !== undefined) b = plan.buffers[b.aliasOf]!;
  return b.payload !== undefined ? 0 : sizeOf(b.shape) * elementBytes(b);
};

/**
 * Refuse, before anything runs, a plan with a task that could never fit the memory limit: its own
 * working memory plus the buffer it writes (held whole unless the result is streamed; the buffers
 * it reads can be spilled and read back by range, so they don't count here).
 */
export function checkFits(plan: Plan, limit: number, streamed?: ReadonlySet<string>): void {
  let worst: Task | undefined;
  let worstBytes = 0;
  let worstOut = 0;
  for (const t of plan.tasks) {
    const out = outOperand(t.spec);
    const outBytes = out === null || streamed?.has(t.key) === true ? 0 : wholeBytes(plan, out.buf);
    if (worst === undefined || t.bytes + outBytes > worstBytes) {
      worst = t;
      worstBytes = t.bytes + outBytes;
      worstOut = outBytes;
    }
  }
  if (worst !== undefined && worstBytes > limit) {
    const parts = worstOut > 0 ? ` (${mib(worst.bytes)} of its own and ${mib(worstOut)} for the whole buffer it writes)` : "";
    throw new JobOOM(
      `task ${worst.key} needs about ${mib(worstBytes)}${parts} but the memory limit is ${mib(limit)}; raise wf.configure({memoryLimit}) or use smaller chunks`,
      { code: "OOM", taskKey: worst.key },
    );
  }
}

const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;

export interface ExecuteResult extends ExecuteStats {
  storage: Storage;
}

export interface ExecuteStats {
  /** Buffers moved to the spill store, and reads back from it (ranges or whole buffers). */
  spills?: number;
  restores?: number;
  /** Peak bytes of buffers the plan allocated. */
  peakBytes: number;
  /** Tasks that ran (barriers excluded). */
  tasksRun: number;
}

const bufLeaves = (ls: readonly LeafSpec[]): OperandSpec[] => ls.filter((l): l is OperandSpec => !isSourceLeaf(l));

function operandsOf(spec: TaskSpec): OperandSpec[] {
  switch (spec.kernel) {
    case "map": return [...bufLeaves(spec.leaves), spec.out];
    case "reduce": return spec.out === null ? bufLeaves(spec.leaves) : [...bufLeaves(spec.leaves), spec.out];
    case "median": return [...bufLeaves(spec.leaves), spec.out];
    case "along": return spec.out === null ? bufLeaves(spec.leaves) : [...bufLeaves(spec.leaves), spec.out];
    case "combine": return spec.out === null ? [] : [spec.out];
    case "take": return [spec.src, ...spec.indices, spec.out];
    case "search": return [...bufLeaves(spec.leaves), spec.table, spec.out];
    case "read": return [spec.out];
    case "rechunk":
    case "barrier": return [];
  }
}

/** Tasks that take their dependencies' partial results as inputs. */
function consumesResults(spec: TaskSpec): boolean {
  return spec.kernel === "combine" || (spec.kernel === "reduce" && spec.merge === true);
}

function wire(
  spec: Exclude<TaskSpec, { kernel: "barrier" }>, t: BufferTable, dirs: StoreDirs, inputs: Partial[], onHeld: (bytes: number) => void, outTo?: Operand, accInto?: Float64Array,
): WireTask {
  if (spec.kernel === "rechunk") {
    return { kernel: "rechunk", from: dirs.locate(spec.from), box: spec.box, viaChunk: spec.viaChunk, store: dirs.locate(spec.store), at: spec.at };
  }
  const op = (o: OperandSpec) => (outTo !== undefined && o === spec.out ? outTo : t.operand(o));
  const ext = leafExtent(spec);
  const located = (l: SourceLeafSpec): SourceLeafSpec => (l.source.reader === STORE_READER ? { ...l, source: dirs.locate(l.source) } : l);
  const leaf = (l: LeafSpec): Operand | SourceLeafSpec => (isSourceLeaf(l) ? located(l) : t.readOperand(l, ext!, onHeld));
  switch (spec.kernel) {
    case "map":
      return { kernel: "map", program: spec.program, shape: [...spec.shape], leaves: spec.leaves.map(leaf), out: op(spec.out) };
    case "reduce":
      return {
        kernel: "reduce", program: spec.program, shape: [...spec.shape], leaves: spec.leaves.map(leaf), reduced: [...spec.reduced],
        fn: spec.fn, ddof: spec.ddof, out: spec.out === null ? null : op(spec.out), outDType: spec.outDType, inputs,
        ...(spec.argIndex === undefined ? {} : { argIndex: { base: spec.argIndex.base, strides: [...spec.argIndex.strides] } }),
        ...(accInto === undefined ? {} : { accInto }),
      };
    case "combine":
      return { kernel: "combine", fn: spec.fn, ddof: spec.ddof, out: spec.out === null ? null : op(spec.out), outShape: [...spec.outShape], outDType: spec.outDType, inputs };
    case "median":
      return { kernel: "median", program: spec.program, shape: [...spec.shape], leaves: spec.leaves.map(leaf), reduced: [...spec.reduced], out: op(spec.out), outDType: spec.outDType };
    case "along":
      return {
        kernel: "along", program: spec.program, shape: [...spec.shape], leaves: spec.leaves.map(leaf), reduced: [...spec.reduced],
        params: spec.params, qStride: spec.qStride, out: spec.out === null ? null : op(spec.out), outDType: spec.outDType,
      };
    case "search":
      // read whole (no extent): the table is not laid over the block
      return {
        kernel: "search", program: spec.program, shape: [...spec.shape], leaves: spec.leaves.map((l) => (isSourceLeaf(l) ? located(l) : op(l))),
        table: op(spec.table), tableLength: spec.tableLength, mode: spec.mode, out: op(spec.out),
      };
    case "take":
      return {
        kernel: "take", src: op(spec.src), indices: spec.indices.map(op), axes: [...spec.axes], srcShape: [...spec.srcShape],
        bAt: spec.bAt, bNdim: spec.bNdim, start: [...spec.start], shape: [...spec.shape], out: op(spec.out),
      };
    case "read":
      return { kernel: "read", reader: spec.reader, params: spec.params, start: [...spec.start], shape: [...spec.shape], fullShape: [...spec.fullShape], out: op(spec.out) };
  }
}

/**
 * Buffers for streamed boxes, reused once a box's write settles. Fresh SharedArrayBuffers per box
 * would pile up: worker isolates keep a reference to every buffer they were sent until their own
 * (rare) garbage collection, so memory would grow with the result instead of staying bounded.
 */
class BoxBuffers {
  private readonly spare = new Map<number, { data: TypedArray; mask: Uint8Array | undefined }[]>();

  constructor(private readonly dtype: Plan["buffers"][number]["dtype"], private readonly masked: boolean) {}

  take(box: OutBox): ResultBlock {
    const n = sizeOf(box.shape);
    const hit = this.spare.get(n)?.pop();
    const data = hit?.data ?? allocate(this.dtype, n, true);
    const mask = hit !== undefined ? hit.mask : this.masked ? new Uint8Array(new SharedArrayBuffer(n)) : undefined;
    if (hit !== undefined && mask !== undefined) mask.fill(0);
    return mask === undefined ? { start: box.start, shape: box.shape, data } : { start: box.start, shape: box.shape, data, mask };
  }

  give(b: ResultBlock): void {
    const list = this.spare.get(b.data.length);
    const item = { data: b.data, mask: b.mask };
    if (list === undefined) this.spare.set(b.data.length, [item]);
    else list.push(item);
  }
}

export async function execute(plan: Plan, executor: Executor, opts: ExecuteOptions = {}): Promise<ExecuteResult> {
  const r = await drive(plan, executor, opts, undefined);
  return { storage: r.table.get(plan.result), peakBytes: r.peakBytes, tasksRun: r.tasksRun, spills: r.table.spills, restores: r.table.restores };
}

/**
 * Run a plan streaming its result instead of holding it whole (see stream.ts): each task in
 * `stream.boxes` writes its box into a buffer of its own, handed to `stream.write` when the task
 * finishes. A box's memory counts against the limit until its write settles.
 */
export async function executeStreamed(plan: Plan, executor: Executor, stream: ResultStream, opts: ExecuteOptions = {}): Promise<ExecuteStats> {
  const r = await drive(plan, executor, opts, stream);
  return { peakBytes: r.peakBytes, tasksRun: r.tasksRun, spills: r.table.spills, restores: r.table.restores };
}

function drive(plan: Plan, executor: Executor, opts: ExecuteOptions, stream: ResultStream | undefined): Promise<ExecuteStats & { table: BufferTable }> {
  const limit = opts.memoryLimit ?? Infinity;
  const store = opts.spill === false ? undefined : opts.spill ?? (limit < Infinity ? new FileSpillStore() : undefined);
  const table = new BufferTable(plan, store);
  const dirs = new StoreDirs();
  const run = driveWith(plan, executor, opts, stream, table, dirs, limit, store !== undefined);
  // a failing clean-up must neither hide the run's own error nor skip the other clean-up
  return run.finally(() => {
    try {
      dirs.close();
    } finally {
      store?.close();
    }
  });
}

function driveWith(
  plan: Plan, executor: Executor, opts: ExecuteOptions, stream: ResultStream | undefined, table: BufferTable, dirs: StoreDirs, limit: number, canSpill: boolean,
): Promise<ExecuteStats & { table: BufferTable }> {
  // intermediate stores to remove once the task after which nothing reads them completes
  const dropAfter = new Map<string, number[]>();
  for (const s of plan.stores ?? []) dropAfter.set(s.dropAfter, [...(dropAfter.get(s.dropAfter) ?? []), s.id]);
  const byKey = new Map<string, Task>();
  const dependents = new Map<string, string[]>();
  const pending = new Map<string, number>();
  const results = new Map<string, Partial>();
  const resultUses = new Map<string, number>();
  const accs = new ArenaAccumulators();
  const readers = new Map<number, number>();
  const resultRoot = table.rootId(plan.result);
  for (const t of plan.tasks) {
    byKey.set(t.key, t);
    pending.set(t.key, t.deps.length);
    for (const d of t.deps) {
      const list = dependents.get(d);
      if (list === undefined) dependents.set(d, [t.key]);
      else list.push(t.key);
    }
    if (consumesResults(t.spec)) for (const d of t.deps) resultUses.set(d, (resultUses.get(d) ?? 0) + 1);
    for (const o of operandsOf(t.spec)) {
      const r = table.rootId(o.buf);
      readers.set(r, (readers.get(r) ?? 0) + 1);
    }
  }
  const ready: string[] = plan.tasks.filter((t) => t.deps.length === 0).map((t) => t.key).reverse();
  // ready tasks that are real work (barriers excluded), kept as a count so reporting stays O(1)
  let readyWork = ready.reduce((n, k) => n + (byKey.get(k)!.spec.kernel === "barrier" ? 0 : 1), 0);
  const total = plan.tasks.filter((t) => t.spec.kernel !== "barrier").length;
  const progress: Progress = { waiting: total, ready: 0, running: 0, finished: 0, total };
  let running = 0;
  let inflightBytes = 0;
  let finishedAll = 0;
  let tasksRun = 0;
  let failed = false;
  const resultBuf = plan.buffers[plan.result]!;
  const boxBytesPer = elementBytes(resultBuf);
  const boxBytes = (key: string): number => {
    const box = stream?.boxes.get(key);
    return box === undefined ? 0 : sizeOf(box.shape) * boxBytesPer;
  };
  let writesPending = 0;
  const boxBuffers = new BoxBuffers(resultBuf.dtype, resultBuf.masked);

  // Spilling bookkeeping: a buffer may leave memory once every task writing it finished and no
  // running task uses it; the ones still to be read later are exactly the "finished chunks that wait".
  const writersLeft = new Map<number, number>();
  for (const t of plan.tasks) {
    const o = outOperand(t.spec);
    if (o !== null) writersLeft.set(table.rootId(o.buf), (writersLeft.get(table.rootId(o.buf)) ?? 0) + 1);
  }
  const pinned = new Map<number, number>();
  const pin = (spec: TaskSpec, by: number) => {
    for (const o of operandsOf(spec)) {
      const r = table.rootId(o.buf);
      pinned.set(r, (pinned.get(r) ?? 0) + by);
    }
  };
  const streamsOut = (t: Task): boolean => stream?.boxes.has(t.key) === true;
  /** What starting `t` adds to the table: the buffer it writes if not allocated yet, and ranges read back from spills. */
  const tableNeed = (t: Task): number => {
    const out = outOperand(t.spec);
    let n = out === null || streamsOut(t) || table.liveBytes(out.buf) > 0 || table.isSpilled(out.buf) ? 0 : wholeBytes(plan, out.buf);
    const ext = leafExtent(t.spec);
    for (const o of operandsOf(t.spec)) if (o !== out) n += table.restoreCost(o, ext);
    return n;
  };
  /** Spill waiting buffers (largest first) until `need` more bytes fit beside what the table holds. */
  const makeRoom = (t: Task, need: number) => {
    let over = table.allocated + need - limit;
    if (!canSpill || over <= 0) return;
    const mine = new Set(operandsOf(t.spec).map((o) => table.rootId(o.buf)));
    const waiting = table.liveRoots()
      .filter((r) => r !== resultRoot && !mine.has(r) && (writersLeft.get(r) ?? 0) === 0 && (pinned.get(r) ?? 0) === 0 && (readers.get(r) ?? 0) > 0)
      .map((r) => ({ r, bytes: table.liveBytes(r) }))
      .sort((a, b) => b.bytes - a.bytes);
    for (const w of waiting) {
      if (over <= 0) break;
      table.spill(w.r);
      over -= w.bytes;
    }
  };

  return new Promise((resolve, reject) => {
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      accs.drain();
      reject(e);
    };
    const report = () => {
      if (opts.onProgress === undefined) return;
      progress.running = running;
      progress.ready = readyWork;
      progress.waiting = total - progress.finished - progress.running - progress.ready;
      opts.onProgress({ ...progress });
    };
    const complete = (t: Task, out: TaskOutput) => {
      if (out !== null && out !== undefined) {
        results.set(t.key, out);
        accs.hold(out);
      }
      const written = outOperand(t.spec);
      if (written !== null) writersLeft.set(table.rootId(written.buf), (writersLeft.get(table.rootId(written.buf)) ?? 1) - 1);
      if (consumesResults(t.spec)) {
        for (const d of t.deps) {
          const left = (resultUses.get(d) ?? 1) - 1;
          resultUses.set(d, left);
          if (left <= 0) {
            accs.drop(results.get(d));
            results.delete(d);
          }
        }
      }
      for (const o of operandsOf(t.spec)) {
        const r = table.rootId(o.buf);
        const left = (readers.get(r) ?? 1) - 1;
        readers.set(r, left);
        if (left <= 0 && r !== resultRoot) table.release(r);
      }
      for (const k of dependents.get(t.key) ?? []) {
        const left = pending.get(k)! - 1;
        pending.set(k, left);
        if (left === 0) {
          ready.push(k);
          if (byKey.get(k)!.spec.kernel !== "barrier") readyWork++;
        }
      }
      const dropped = dropAfter.get(t.key);
      if (dropped !== undefined) for (const id of dropped) dirs.drop(id);
      finishedAll++;
      if (t.spec.kernel !== "barrier") progress.finished++;
    };
    const pump = () => {
      if (failed) return;
      if (opts.signal?.aborted) {
        fail(new JobCancelled("the computation was cancelled", { code: "CANCELLED" }));
        return;
      }
      while (ready.length > 0 && running < executor.concurrency) {
        const key = ready[ready.length - 1]!;
        const t = byKey.get(key)!;
        // Hold the next task back while memory is near the limit; one task always may run.
        const own = t.bytes + boxBytes(key);
        // makeRoom never spills the task's own operands, so what it needs from the table stays the same
        const need = t.spec.kernel === "barrier" ? 0 : own + tableNeed(t);
        if (t.spec.kernel !== "barrier") makeRoom(t, need);
        if (t.spec.kernel !== "barrier" && running + writesPending > 0 && table.allocated + inflightBytes + need > limit) break;
        ready.pop();
        if (t.spec.kernel !== "barrier") readyWork--;
        if (t.spec.kernel === "barrier") {
          complete(t, null);
          continue;
        }
        const inputs = consumesResults(t.spec) ? t.deps.map((d) => results.get(d)).filter((p): p is Partial => p !== undefined) : [];
        const box = stream?.boxes.get(key);
        const block = box === undefined ? undefined : boxBuffers.take(box);
        let msg: WireTask;
        let held = 0;
        const accInto = accs.forTask(t.spec, inputs);
        const accBlocks = accs.blocksOf(accInto, inputs);
        accs.begin(accBlocks);
        try {
          msg = wire(t.spec, table, dirs, inputs, (b) => (held += b), block === undefined ? undefined : { data: block.data, mask: block.mask, offset: 0, strides: box!.strides }, accInto);
        } catch (e) {
          accs.end(accBlocks);
          fail(e instanceof Error ? e : new Error(String(e)));
          return;
        }
        running++;
        pin(t.spec, 1);
        inflightBytes += own;
        tasksRun++;
        executor.run(msg, { key, bytes: t.bytes }).then(
          (out) => {
            running--;
            inflightBytes -= t.bytes;
            pin(t.spec, -1);
            table.unhold(held);
            complete(t, out);
            accs.end(accBlocks);
            if (failed) accs.drain();
            if (block !== undefined) {
              writesPending++;
              stream!.write(block).then(
                () => {
                  writesPending--;
                  boxBuffers.give(block);
                  inflightBytes -= own - t.bytes;
                  pump();
                },
                (e: unknown) => fail(e instanceof Error ? e : new Error(String(e))),
              );
            }
            report();
            pump();
          },
          (e: unknown) => {
            running--;
            inflightBytes -= own;
            accs.end(accBlocks);
            const err = e instanceof Error ? e : new Error(String(e));
            if (err instanceof JobComputeError || err instanceof RetryError) fail(err);
            else fail(new JobComputeError(`task ${key} failed: ${err.message}`, { taskKey: key, cause: err }));
          },
        );
      }
      report();
      if (finishedAll === plan.tasks.length) {
        if (writesPending === 0) {
          accs.drain();
          resolve({ table, peakBytes: table.peak, tasksRun });
        }
      } else if (running === 0 && ready.length === 0 && writesPending === 0) {
        fail(new Error("scheduler stalled: tasks wait on dependencies that never finish"));
      }
    };
    opts.signal?.addEventListener("abort", () => pump(), { once: true });
    pump();
  });
}
