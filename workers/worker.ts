/**
 * The Piscina worker entry: run one task (or a batch of tiny ones), return results as data. The pool
 * hands a worker its next task while the current one runs; they still run one at a time (serial.ts).
 */
import { runTaskSafely, type WireResult, type WireTask } from "./run-task.js";
import { serialQueue } from "./serial.js";

type Message = WireTask | { batch: WireTask[] };

const enqueue = serialQueue();

function runMessage(msg: Message): WireResult | WireResult[] | Promise<WireResult | WireResult[]> {
  if ("batch" in msg) return Promise.all(msg.batch.map(runTaskSafely));
  return runTaskSafely(msg);
}

export default function work(msg: Message): Promise<WireResult | WireResult[]> {
  return enqueue(() => runMessage(msg));
}
