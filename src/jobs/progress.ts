/**
 * Task progress across the rounds of one evaluation: each data-dependent size (a boolean
 * selection, `compressed`) plans and runs a new round with its own counts, and the job reports
 * their sum so that `finished` never goes back and ends at `total`.
 */
import type { Progress } from "../../scheduler/execute.js";

export class ProgressSum {
  private doneBefore = 0;
  private last: Progress | undefined;

  /** The job-wide progress for a report of the current round. */
  add(p: Progress): Progress {
    const prev = this.last;
    if (prev !== undefined && (p.total !== prev.total || p.finished < prev.finished)) this.doneBefore += prev.total;
    this.last = p;
    return {
      waiting: p.waiting,
      ready: p.ready,
      running: p.running,
      finished: this.doneBefore + p.finished,
      total: this.doneBefore + p.total,
    };
  }
}
