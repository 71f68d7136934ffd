/**
 * compute() and inspect(): run a node through a Job on the worker pool, or in this thread with no
 * job machinery, then encode the result in the requested format.
 */
import { availableParallelism } from "node:os";
import { JobTimeoutError, ProxyTypeError } from "../core/errors.js";
import type { Node } from "../graph/node.js";
import { encodeResult, resolveFormat, type ComputeResult } from "../formats/index.js";
import type { FormatInput } from "../formats/spec.js";
import { Job } from "../jobs/job.js";
import { InlineExecutor } from "../../scheduler/executors/inline.js";
import { PoolExecutor } from "../../scheduler/executors/pool.js";
import { getConfig } from "../config.js";
import { evaluate, scalarOf, type ArrayValue } from "./evaluate.js";

export interface InspectOptions {
  format?: FormatInput | string;
  timeout?: number;
  cache?: boolean;
  arguments?: Record<string, unknown>;
}

export interface ComputeOptions extends InspectOptions {
  block?: boolean;
  progressBar?: boolean;
  numRetries?: number;
}

const KNOWN = new Set(["format", "timeout", "cache", "arguments", "block", "progressBar", "numRetries", "geoctx", "destination", "file", "client"]);

function checkOptions(opts: object): void {
  for (const k of Object.keys(opts)) {
    if (!KNOWN.has(k)) throw new ProxyTypeError(`unknown compute option '${k}'; valid options: ${[...KNOWN].join(", ")}`);
  }
  const o = opts as Record<string, unknown>;
  for (const k of ["destination", "geoctx", "client"]) {
    if (o[k] !== undefined) throw new ProxyTypeError(`compute option '${k}' is not available yet`);
  }
  if (o["arguments"] !== undefined && Object.keys(o["arguments"] as object).length > 0) {
    throw new ProxyTypeError(`unexpected arguments ${Object.keys(o["arguments"] as object).join(", ")}: this expression has no parameters`);
  }
  if (o["timeout"] !== undefined && !(typeof o["timeout"] === "number" && o["timeout"] > 0)) {
    throw new ProxyTypeError(`timeout must be a positive number of seconds, got ${String(o["timeout"])}`);
  }
}

function toResult(node: Node, v: ArrayValue): ComputeResult {
  return node.kind === "scalar" ? scalarOf(v) : v;
}

export async function computeNode(node: Node, opts: ComputeOptions, mode: "compute" | "inspect"): Promise<unknown> {
  checkOptions(opts);
  const spec = resolveFormat(opts.format);
  const encode = (v: ArrayValue): unknown => encodeResult(toResult(node, v), spec, { dtype: node.dtype });
  if (mode === "inspect") {
    const timeout = opts.timeout ?? 60;
    const ac = new AbortController();
    const run = evaluate(node, { executor: new InlineExecutor(), signal: ac.signal }).then((r) => encode(r.value));
    return raceTimeout(run, timeout, ac, "inspect");
  }
  const job = new Job<unknown>();
  const workers = getConfig().workers ?? availableParallelism();
  const started = (async () => {
    job.update("PREPARING");
    try {
      job.update("RUNNING");
      const r = await evaluate(node, {
        executor: new PoolExecutor(workers),
        signal: job.controller.signal,
        onProgress: (p) => job.update("RUNNING", p),
      });
      job.update("SAVING");
      job.succeed(encode(r.value));
    } catch (e) {
      job.fail(e instanceof Error ? e : new Error(String(e)));
    }
  })();
  void started;
  if (opts.block === false) return job;
  if (opts.timeout !== undefined) {
    try {
      return await job.result({ timeout: opts.timeout });
    } catch (e) {
      if (e instanceof JobTimeoutError) job.cancel();
      throw e;
    }
  }
  return job.result();
}

async function raceTimeout<T>(p: Promise<T>, seconds: number, ac: AbortController, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ac.abort();
      reject(new JobTimeoutError(`${what} did not finish within ${seconds} s`));
    }, seconds * 1000);
    timer.unref();
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}
