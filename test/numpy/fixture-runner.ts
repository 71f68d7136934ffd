/** Runs fixture cases through the public API with bounded concurrency and reports each as a tap assertion. */
import { runCase } from "../support/dsl.js";
import { checkOutcome, type Case } from "../support/fixtures.js";

export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export interface Asserts {
  pass(message: string): boolean;
  fail(message: string, extra: { expr: string }): boolean;
}

export async function runAll(t: Asserts, cases: readonly Case[], mode: "compute" | "inspect", concurrency = 8): Promise<void> {
  const mismatches = await mapLimit(cases, concurrency, async (c) => checkOutcome(c, await runCase(c, mode)));
  cases.forEach((c, i) => {
    const m = mismatches[i]!;
    if (m.length === 0) t.pass(c.id);
    else t.fail(`${c.id} (${mode})\n    ${m.join("\n    ")}`, { expr: JSON.stringify(c.expr) });
  });
}
