/** The Piscina worker entry: run one task (or a batch of tiny ones), return results as data. */
import { runTaskSafely, type WireResult, type WireTask } from "./run-task.js";

export default async function work(msg: WireTask | { batch: WireTask[] }): Promise<WireResult | WireResult[]> {
  if ("batch" in msg) return Promise.all(msg.batch.map(runTaskSafely));
  return runTaskSafely(msg);
}
