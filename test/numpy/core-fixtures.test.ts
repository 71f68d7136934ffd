/**
 * Every case of test/fixtures/core-*.json, run through the public API and checked against NumPy.
 * `.compute()` for all cases, then `.inspect()` (the in-thread path) for every fifth one.
 */
import t from "tap";
import * as wf from "../../src/index.js";
import { coreSuites, loadFixture } from "../support/fixtures.js";
import { runAll } from "./fixture-runner.js";

// Some 2,900 computations plus a fifth as many inspects: more than tap's default per-file limit.
t.setTimeout(15 * 60 * 1000);
t.teardown(async () => {
  await wf.shutdown();
});

const INSPECT_EVERY = 5;

for (const suite of coreSuites()) {
  t.test(`core-${suite}`, async (t) => {
    const { cases } = loadFixture(suite);
    await t.test("compute", (t) => runAll(t, cases, "compute"));
    await t.test("inspect", (t) => runAll(t, cases.filter((_, i) => i % INSPECT_EVERY === 0), "inspect"));
  });
}
