/** numRetries: a dead worker or a transient error is retried; bad data fails at once with the task key. */
import "./env.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";
import * as wf from "../../src/index.js";
import { crashingArray } from "./support.js";

t.teardown(() => wf.shutdown());

const dir = mkdtempSync(join(tmpdir(), "tesserae-retry-"));
let n = 0;
const marker = (): string => join(dir, `marker-${n++}`);
/** Σ i for i < 8192: the crash reader fills each element with its index. */
const SUM = (8192 * 8191) / 2;

t.test("a task whose worker thread dies on the first try succeeds with numRetries: 2", async (t) => {
  const job = (await crashingArray(marker(), 1).sum().compute({ numRetries: 2, block: false, cache: false })) as wf.Job;
  t.equal(await job.result(), SUM);
  t.equal(job.stage, "SUCCEEDED");
});

t.test("after the retries: RetryError with every underlying error", async (t) => {
  // inline (small) tasks, where the reader's failure is a transient EAGAIN: no worker to respawn
  const err = await crashingArray(marker(), 5, 512).compute({ numRetries: 2, cache: false }).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(err instanceof wf.RetryError, "a RetryError");
  const r = err as wf.RetryError;
  t.equal(r.exceptions.length, 3, "one error per attempt");
  for (const e of r.exceptions) t.match(e, { name: "JobComputeError", code: "TRANSIENT", message: /EAGAIN|transient failure/ });
});

t.test("with numRetries: 0 a dead worker fails the job", async (t) => {
  await t.rejects(crashingArray(marker(), 1).compute({ numRetries: 0, cache: false }), {
    name: "JobComputeError", code: "WORKER_LOST", message: /worker thread running task .* died/,
  });
});

t.test("a transient error in the main thread is retried too", async (t) => {
  // 512 elements: the task is small enough to run inline, where the reader throws EAGAIN instead of exiting
  t.equal(await crashingArray(marker(), 1, 512).sum().compute({ numRetries: 1, cache: false }), (512 * 511) / 2);
  await t.rejects(crashingArray(marker(), 1, 512).compute({ numRetries: 0, cache: false }), { name: "JobComputeError", code: "TRANSIENT" });
});

t.test("a deterministic kernel error fails at once as JobComputeError with the task key", async (t) => {
  const a = wf.Array.from(Float64Array.from({ length: 10 }, (_, i) => i), [10]);
  const idx = wf.Array.from(new BigInt64Array([0n, 1n]), [2]).add(100);
  const job = (await a.get(idx).compute({ numRetries: 3, block: false, cache: false })) as wf.Job;
  await t.rejects(job.result(), { name: "JobComputeError", code: "INVALID", message: /index 100 is out of bounds for axis 0 with size 10/ });
  const e = job.error as wf.JobComputeError;
  t.ok(e.taskKey !== undefined && e.message.includes(e.taskKey), `names the task (${e.taskKey})`);
  t.equal(e.jobId, job.id);
  t.equal(job.stage, "FAILED");
});
