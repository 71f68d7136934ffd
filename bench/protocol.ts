/** What a child process (one workload's tesserae side) reports to the runner, as one marked JSON line on stdout. */
export const REPORT_MARK = "@@tesserae-bench ";

export interface ChildSuccess {
  ok: true;
  /** Seconds of each timed `compute()`. */
  times: number[];
  warmupSec: number;
  /** Peak RSS of the child, KiB (`process.resourceUsage().maxRSS`). */
  maxRssKiB: number;
}

export interface ChildFailure {
  ok: false;
  error: string;
  maxRssKiB: number;
}

export type ChildReport = ChildSuccess | ChildFailure;
