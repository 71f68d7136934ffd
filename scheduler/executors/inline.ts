/** Runs tasks in the calling thread: for `inspect`, tiny tasks, and tests without threads. */
import { runTaskSafely, type TaskOutput, type WireTask } from "../../workers/run-task.js";
import type { Executor } from "../execute.js";
import { rethrow } from "./rethrow.js";

export class InlineExecutor implements Executor {
  readonly concurrency = 1;
  async run(task: WireTask, info: { key: string }): Promise<TaskOutput> {
    const r = await runTaskSafely(task);
    if (!r.ok) throw rethrow(r.error, info.key);
    return r.value;
  }
}
