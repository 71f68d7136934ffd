/**
 * Every case of test/fixtures/core-*.json, run through the public API and checked against NumPy.
 * `.compute()` for all cases, then `.inspect()` (the in-thread path) for every fifth one.
 */
import t from "tap";
import * as wf from "../../src/index.js";
import { runCase } from "../support/dsl.js";
import { checkOutcome, coreSuites, loadFixture, type Case } from "../support/fixtures.js";

// Some 2,900 computations plus a fifth as many inspects: more than tap's default per-file limit.
t.setTimeout(15 * 60 * 1000);
t.teardown(async () => {
  await wf.shutdown();
});

const CONCURRENCY = 8;
const INSPECT_EVERY = 5;

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
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

/** The two assertions used; tap's own Test type is generic over its plugins. */
interface Asserts {
  pass(message: string): boolean;
  fail(message: string, extra: { expr: string }): boolean;
}

async function runAll(t: Asserts, cases: readonly Case[], mode: "compute" | "inspect"): Promise<void> {
  const mismatches = await mapLimit(cases, CONCURRENCY, async (c) => checkOutcome(c, await runCase(c, mode)));
  cases.forEach((c, i) => {
    const m = mismatches[i]!;
    if (m.length === 0) t.pass(c.id);
    else t.fail(`${c.id} (${mode})\n    ${m.join("\n    ")}`, { expr: JSON.stringify(c.expr) });
  });
}

for (const suite of coreSuites()) {
  t.test(`core-${suite}`, async (t) => {
    const { cases } = loadFixture(suite);
    await t.test("compute", (t) => runAll(t, cases, "compute"));
    await t.test("inspect", (t) => runAll(t, cases.filter((_, i) => i % INSPECT_EVERY === 0), "inspect"));
  });
}
