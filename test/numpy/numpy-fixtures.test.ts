/**
 * Every case of test/fixtures/numpy-*.json (written by gen_numpy_fixtures.py) through `wf.numpy`,
 * checked against NumPy: `.compute()` for all cases, `.inspect()` for every fifth.
 */
import { readdirSync } from "node:fs";
import t from "tap";
import * as wf from "../../src/index.js";
import { FIXTURE_DIR, loadFixture } from "../support/fixtures.js";
import { runAll } from "./fixture-runner.js";

t.setTimeout(20 * 60 * 1000);
t.teardown(async () => {
  await wf.shutdown();
});

const INSPECT_EVERY = 5;
const only = process.env["NUMPY_SUITE"];
const suites = readdirSync(FIXTURE_DIR)
  .filter((f) => /^numpy-.*\.json$/.test(f))
  .filter((f) => only === undefined || f === `numpy-${only}.json`)
  .sort();

for (const file of suites) {
  t.test(file.slice(0, -".json".length), async (t) => {
    const { cases } = loadFixture(`${FIXTURE_DIR}${file}`);
    await t.test("compute", (t) => runAll(t, cases, "compute"));
    await t.test("inspect", (t) => runAll(t, cases.filter((_, i) => i % INSPECT_EVERY === 0), "inspect"));
  });
}
