/** arenaFill (workers/codegen/wasm/runtime.ts): memory.fill over a view of leased arena memory, exactly its bytes. */
import t from "tap";
import { leaseBoxes } from "../../src/core/arena.js";
import { arenaFill } from "../../workers/codegen/wasm/runtime.js";

t.test("fills exactly the view's bytes of arena memory", async (t) => {
  const lease = leaseBoxes();
  if (lease === null) throw new Error("no arena lease in this thread");
  t.teardown(() => lease.end());
  const m = lease.take(4096)!;
  const all = new Uint8Array(m.buffer, m.at, 4096).fill(9);
  for (const [from, n, value] of [[0, 4096, 0], [1, 1, 7], [13, 1000, 1], [4000, 96, 255], [50, 0, 3]] as const) {
    const before = all.slice();
    t.ok(arenaFill(all.subarray(from, from + n), value), `${n} bytes from ${from}`);
    const bad = all.reduce((c, v, i) => c + (v === (i >= from && i < from + n ? value : before[i]) ? 0 : 1), 0);
    t.equal(bad, 0, `${n} bytes from ${from} hold ${value}, the others are untouched`);
  }
});
