/** The Job: stages, progress, block: false, Job.get, cancel, timeout, limits and the progress bar. */
import "./env.js";
import { PassThrough } from "node:stream";
import t, { type Test } from "tap";
import * as wf from "../../src/index.js";
import { getPool, poolTasksInFlight } from "../../scheduler/executors/pool.js";
import { RUNNING_JOBS, outstandingJobs } from "../../src/jobs/limits.js";
import type { JobStage, JobUpdate } from "../../src/jobs/job.js";
import { expression, sleep, slowArray } from "./support.js";

t.teardown(() => wf.shutdown());

const ORDER: JobStage[] = ["QUEUED", "PREPARING", "RUNNING", "SAVING", "SUCCEEDED"];

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(5);
  }
}

/** Nothing of the job runs any more: no task in flight, and the pool completes nothing new. */
async function poolStopped(t: Test): Promise<void> {
  await waitFor(() => poolTasksInFlight() === 0, 1000);
  const completed = getPool(wf.getConfig().workers).completed;
  await sleep(400);
  t.equal(getPool(wf.getConfig().workers).completed, completed, "the pool completed no further task");
  t.equal(poolTasksInFlight(), 0, "the pool is idle");
}

t.test("block: false gives a Job at once; stages in order; progress ends at total", async (t) => {
  const job = (await slowArray(6, 30).compute({ block: false, cache: false, format: "npy" })) as wf.Job;
  t.ok(job instanceof wf.Job);
  t.equal(await wf.Job.get(job.id), job, "Job.get finds it");
  const seen: JobUpdate[] = [];
  for await (const u of job.watch()) seen.push(u);
  const stages = seen.map((u) => u.stage);
  t.same(stages.filter((s, i) => s !== stages[i - 1]), ORDER.filter((s) => stages.includes(s)), "stages in order");
  t.ok(stages.includes("RUNNING") && stages.at(-1) === "SUCCEEDED", `RUNNING seen, SUCCEEDED last: ${stages.join(" ")}`);
  for (let i = 1; i < seen.length; i++) t.ok(seen[i]!.progress.finished >= seen[i - 1]!.progress.finished, "finished never goes back");
  const last = seen.at(-1)!.progress;
  t.ok(last.total > 0 && last.finished === last.total, `ends at total (${last.finished}/${last.total})`);
  t.same([job.done, job.error, job.stats.tasksRun], [true, undefined, last.total]);
  t.ok((await job.result()) instanceof Uint8Array);
  await t.rejects(wf.Job.get("nope"), /no job with id nope/);
});

t.test("progress accumulates over the rounds of a data-dependent size", async (t) => {
  const a = wf.Array.from(Float64Array.from({ length: 50_000 }, (_, i) => i % 7), [50_000]);
  const job = (await a.get(a.gt(3)).sum().compute({ block: false, cache: false })) as wf.Job;
  const seen: JobUpdate[] = [];
  for await (const u of job.watch()) seen.push(u);
  for (let i = 1; i < seen.length; i++) t.ok(seen[i]!.progress.finished >= seen[i - 1]!.progress.finished);
  const last = seen.at(-1)!.progress;
  t.equal(last.finished, last.total);
  t.ok(await job.result());
});

t.test("cancel mid-job: CANCELLED, JobCancelled, and the pool stops", async (t) => {
  const job = (await slowArray(40, 100).compute({ block: false, cache: false })) as wf.Job;
  await waitFor(() => job.progress.finished >= 1);
  job.cancel();
  t.equal(job.stage, "CANCELLED");
  await t.rejects(job.result(), { name: "JobCancelled" });
  t.ok(job.progress.finished < job.progress.total);
  await poolStopped(t);
});

t.test("timeout: JobTimeoutError, the job is cancelled and its work really stops", async (t) => {
  const started = Date.now();
  await t.rejects(slowArray(40, 100).compute({ timeout: 0.4, cache: false }), { name: "JobTimeoutError" });
  t.ok(Date.now() - started < 2000, "raised at the deadline");
  await poolStopped(t);
  const job = (await slowArray(40, 100).compute({ timeout: 0.3, block: false, cache: false })) as wf.Job;
  await t.rejects(job.wait({ timeout: 5 }).then(() => job.result()), { name: "JobTimeoutError" });
  t.equal(job.stage, "CANCELLED");
  await poolStopped(t);
});

t.test("inspect: a timeout stops it too", async (t) => {
  await t.rejects(slowArray(40, 100).inspect({ timeout: 0.3, cache: false }), { name: "JobTimeoutError" });
  await poolStopped(t);
});

t.test("wait/result with their own timeout leave the job running", async (t) => {
  const job = (await slowArray(4, 100).compute({ block: false, cache: false })) as wf.Job;
  await t.rejects(job.result({ timeout: 0.05 }), { name: "JobTimeoutError" });
  t.notOk(job.done);
  t.ok(await job.result({ timeout: 60 }));
});

t.test("ResourceExhausted past maxOutstandingJobs; p-queue runs at most RUNNING_JOBS at once", async (t) => {
  await waitFor(() => outstandingJobs() === 0, 30_000);
  wf.configure({ maxOutstandingJobs: RUNNING_JOBS + 1 });
  t.teardown(() => void wf.configure({ maxOutstandingJobs: null }));
  const jobs: wf.Job[] = [];
  for (let i = 0; i <= RUNNING_JOBS; i++) jobs.push((await slowArray(20, 100 + i).compute({ block: false, cache: false })) as wf.Job);
  t.equal(outstandingJobs(), RUNNING_JOBS + 1);
  await t.rejects(expression("affine").compute(), { name: "ResourceExhausted", message: /too many outstanding jobs: 3 of at most 3/ });
  await sleep(50);
  t.equal(jobs.at(-1)!.stage, "QUEUED", "the job past the running limit waits");
  t.same(jobs.slice(0, RUNNING_JOBS).map((j) => j.stage === "RUNNING" || j.stage === "PREPARING"), jobs.slice(0, RUNNING_JOBS).map(() => true));
  jobs.at(-1)!.cancel();
  t.equal(jobs.at(-1)!.stage, "CANCELLED", "a queued job can be cancelled");
  await sleep(0);
  t.ok(await expression("affine").compute(), "a slot freed: admitted again");
  for (const j of jobs) j.cancel();
  await waitFor(() => outstandingJobs() === 0);
  await poolStopped(t);
});

t.test("progressBar draws to a given stream and ends at 100 %", async (t) => {
  const s = new PassThrough();
  let text = "";
  s.on("data", (c: Buffer) => (text += c.toString("utf8")));
  await slowArray(4, 20).compute({ progressBar: s, cache: false });
  await sleep(20);
  t.match(text, /\r\[.*\] 100% \| (\d+)\/\1 tasks \| SUCCEEDED \| \d+\.\ds\s*\n$/);
  t.match(text, /RUNNING/);
});

t.test("a task that outlives the grace period has its worker terminated", async (t) => {
  const started = Date.now();
  await t.rejects(slowArray(2, 20_000).compute({ timeout: 0.3, cache: false }), { name: "JobTimeoutError" });
  await waitFor(() => poolTasksInFlight() === 0, 5000);
  t.ok(Date.now() - started < 5000, "stopped long before the task's 20 s");
});
