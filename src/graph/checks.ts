/**
 * The closed table of data-dependent errors. A `check` node (`make("check", [cond, x], {error})`)
 * passes `x` through and makes the kernel that evaluates it throw the named error where `cond` holds:
 * NumPy raises for some values only once they are seen (an all-NaN slice in nanargmin), and a graph
 * can only say so as data. Kernels throw; the error comes back as data like every worker error and
 * surfaces as a `JobComputeError` naming it (`scheduler/executors/rethrow.ts`).
 */
export interface CheckError {
  /** NumPy's exception class, kept as the error's name. */
  readonly name: "ValueError";
  readonly message: string;
}

export const CHECK_ERRORS = {
  all_nan_slice: { name: "ValueError", message: "All-NaN slice encountered" },
  bins_not_monotonic: { name: "ValueError", message: "`bins` must increase monotonically, when an array" },
} as const satisfies Readonly<Record<string, CheckError>>;

export type CheckName = keyof typeof CHECK_ERRORS;

export function isCheckName(x: unknown): x is CheckName {
  return typeof x === "string" && Object.prototype.hasOwnProperty.call(CHECK_ERRORS, x);
}

/** The error a failed check throws (its name is NumPy's class). */
export function checkFailure(code: CheckName): Error {
  const e = CHECK_ERRORS[code];
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}
