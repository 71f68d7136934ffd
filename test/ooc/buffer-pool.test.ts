/**
 * The Zarr writer's pool of encode buffers: it lends at most `count` buffers, reuses the ones
 * given back, and a taker that finds none free waits (first come, first served) until one is.
 */
import t from "tap";
import { BufferPool } from "../../src/destinations/buffer-pool.js";

t.test("at most `count` buffers; takers wait in order and get given-back buffers", async (t) => {
  const pool = new BufferPool(64, 2);
  const a = await pool.take();
  const b = await pool.take();
  t.not(a, b, "two distinct buffers");
  t.equal(a.length, 64, "of the pool's size");
  const order: string[] = [];
  const third = pool.take().then((x) => (order.push("third"), x));
  const fourth = pool.take().then((x) => (order.push("fourth"), x));
  await new Promise((r) => setImmediate(r));
  t.same(order, [], "nobody gets a third buffer while two are out");
  pool.give(b);
  t.equal(await third, b, "the first waiter gets the buffer given back");
  pool.give(a);
  t.equal(await fourth, a, "then the second");
  t.same(order, ["third", "fourth"], "in the order they asked");
  pool.give(a);
  t.equal(await pool.take(), a, "a free buffer is reused, not made anew");
});

t.test("a pool of no buffers is refused", async (t) => {
  t.throws(() => new BufferPool(64, 0), /at least one buffer, not 0/);
});
