import t from "tap";
import os from "node:os";
import path from "node:path";
import { configure, getConfig, onConfigChange, parseSize, resetConfig, type Config, type ConfigKey } from "../src/config.js";

const ENV_VARS = ["TESSERAE_HOME", "TESSERAE_CATALOG", "TESSERAE_MEMORY_LIMIT", "TESSERAE_WORKERS", "TESSERAE_MAX_JOBS", "TESSERAE_CACHE_SIZE"];

/** Run `fn` with a clean environment plus `env`, and reset the settings before and after. */
function withEnv(env: Record<string, string>, fn: () => void): void {
  const saved = Object.fromEntries(ENV_VARS.map((k) => [k, process.env[k]]));
  for (const k of ENV_VARS) delete process.env[k];
  Object.assign(process.env, env);
  try {
    resetConfig();
    fn();
  } finally {
    for (const k of ENV_VARS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    resetConfig();
  }
}

t.test("parseSize: bytes, decimal and binary units", async (t) => {
  t.equal(parseSize(1234), 1234);
  t.equal(parseSize(0), 0);
  t.equal(parseSize("512MiB"), 512 * 2 ** 20);
  t.equal(parseSize("1.5GB"), 1.5e9);
  t.equal(parseSize("100kB"), 100_000);
  t.equal(parseSize("100KB"), 100_000);
  t.equal(parseSize("1.5KiB"), 1536);
  t.equal(parseSize("2 gib"), 2 * 2 ** 30);
  t.equal(parseSize("4Gi"), 4 * 2 ** 30);
  t.equal(parseSize("1TiB"), 2 ** 40);
  t.equal(parseSize("77"), 77);
  t.equal(parseSize("77B"), 77);
  t.equal(parseSize("1e6"), 1e6);
  t.equal(parseSize(" 8 MB "), 8e6);
});

t.test("parseSize: bad input is a ProxyTypeError naming the value", async (t) => {
  const bad: [number | string, RegExp][] = [
    ["lots", /invalid size "lots": expected a number of bytes or a number with a unit/],
    ["12 parsecs", /invalid size "12 parsecs": unknown unit "parsecs"/],
    ["1G", /invalid size "1G": "G" is ambiguous: write GB .* or GiB/],
    ["-5MB", /invalid size "-5MB"/],
    ["", /invalid size ""/],
    ["MB", /invalid size "MB"/],
    ["1e400", /invalid size "1e400": too large/],
    [-1, /invalid size -1: expected a whole, non-negative number of bytes/],
    [1.5, /invalid size 1\.5/],
    [Number.NaN, /invalid size null/],
  ];
  for (const [v, message] of bad) t.throws(() => parseSize(v), { name: "ProxyTypeError", message }, String(v));
  t.throws(() => parseSize("x", "configure: cacheSize"), { message: /^configure: cacheSize: invalid size "x"/ });
});

t.test("defaults", async (t) => {
  withEnv({}, () => {
    const c = getConfig();
    t.equal(c.home, path.join(os.homedir(), ".tesserae"));
    t.equal(c.catalog, path.join(os.homedir(), ".tesserae", "catalog"));
    t.equal(c.memoryLimit, Math.floor(os.totalmem() / 2));
    t.equal(c.workers, os.availableParallelism());
    t.equal(c.maxOutstandingJobs, 64);
    t.equal(c.cacheSize, 2 ** 30);
    t.ok(Object.isFrozen(c));
    t.equal(getConfig(), c, "the same object until something changes");
  });
});

t.test("the environment", async (t) => {
  withEnv(
    { TESSERAE_HOME: "/tmp/th", TESSERAE_MEMORY_LIMIT: "256MiB", TESSERAE_WORKERS: "3", TESSERAE_MAX_JOBS: "5", TESSERAE_CACHE_SIZE: "0" },
    () => {
      t.same(getConfig(), { home: "/tmp/th", catalog: "/tmp/th/catalog", memoryLimit: 256 * 2 ** 20, workers: 3, maxOutstandingJobs: 5, cacheSize: 0 });
    },
  );
  withEnv({ TESSERAE_HOME: "~/h", TESSERAE_CATALOG: "/data/cat" }, () => {
    t.equal(getConfig().home, path.join(os.homedir(), "h"));
    t.equal(getConfig().catalog, "/data/cat");
  });
  process.env.TESSERAE_WORKERS = "two";
  t.throws(() => resetConfig(), { name: "ProxyTypeError", message: /environment variable TESSERAE_WORKERS: workers must be a positive integer, got "two"/ });
  t.equal(configure({ workers: 2 }).workers, 2, "configure overrides a bad environment value");
  process.env.TESSERAE_MEMORY_LIMIT = "huge";
  t.throws(() => resetConfig(), { message: /environment variable TESSERAE_MEMORY_LIMIT: memoryLimit: invalid size "huge"/ });
  delete process.env.TESSERAE_WORKERS;
  delete process.env.TESSERAE_MEMORY_LIMIT;
  resetConfig();
});

t.test("configure: precedence, catalog follows home, null restores", async (t) => {
  withEnv({ TESSERAE_WORKERS: "3" }, () => {
    const c = configure({ home: "/tmp/a", workers: 5, memoryLimit: "1GiB", cacheSize: 1000 });
    t.same(c, { ...c, home: "/tmp/a", catalog: "/tmp/a/catalog", workers: 5, memoryLimit: 2 ** 30, cacheSize: 1000 });
    t.equal(getConfig(), c);
    t.equal(configure({ catalog: "rel/cat" }).catalog, path.resolve("rel/cat"));
    t.equal(configure({}).workers, 5, "omitted keys keep their value");
    t.equal(configure({ workers: undefined }).workers, 5);
    t.equal(configure({ workers: null }).workers, 3, "null restores the environment's value");
    t.equal(configure({ catalog: null }).catalog, "/tmp/a/catalog");
  });
});

t.test("configure: validation", async (t) => {
  withEnv({}, () => {
    const before = getConfig();
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ workers: 0 }, /configure: workers must be a positive integer, got 0/],
      [{ workers: 1.5 }, /workers must be a positive integer, got 1\.5/],
      [{ workers: "4" }, /workers must be a positive integer, got "4"/],
      [{ maxOutstandingJobs: -1 }, /maxOutstandingJobs must be a positive integer, got -1/],
      [{ memoryLimit: 0 }, /memoryLimit must be at least 1 bytes, got 0/],
      [{ memoryLimit: "lots" }, /configure: memoryLimit: invalid size "lots"/],
      [{ cacheSize: true }, /cacheSize must be a number of bytes or a string like "512MiB", got boolean/],
      [{ home: "" }, /home must be a non-empty path/],
      [{ catalog: 3 }, /catalog must be a non-empty path, got 3/],
      [{ wrkers: 2 }, /configure: unknown option "wrkers" \(known: home, catalog, memoryLimit, workers, maxOutstandingJobs, cacheSize\)/],
      [{ workers: 2, foo: 1, bar: 2 }, /unknown options "foo", "bar"/],
    ];
    for (const [opts, message] of bad) {
      t.throws(() => configure(opts as never), { name: "ProxyTypeError", message }, JSON.stringify(opts));
    }
    t.throws(() => configure({ workers: 4, memoryLimit: "lots" }), /memoryLimit/);
    t.equal(getConfig(), before, "a rejected call changes nothing");
    t.throws(() => configure(null as never), { message: /expected an options object, got null/ });
    t.throws(() => configure("workers=2" as never), { message: /expected an options object, got string/ });
  });
});

t.test("onConfigChange", async (t) => {
  withEnv({ TESSERAE_WORKERS: "2" }, () => {
    const seen: [number, number, readonly ConfigKey[]][] = [];
    const stop = onConfigChange((next: Readonly<Config>, prev: Readonly<Config>, changed) => {
      seen.push([prev.workers, next.workers, changed]);
    });
    configure({ workers: 4 });
    configure({ workers: 4 }); // no change, no call
    configure({ memoryLimit: "1GiB", workers: 1 });
    stop();
    configure({ workers: 7 });
    t.same(seen, [
      [2, 4, ["workers"]],
      [4, 1, ["memoryLimit", "workers"]],
    ]);
  });

  withEnv({}, () => {
    const heard: string[] = [];
    const a = onConfigChange(() => {
      throw new Error("listener a failed");
    });
    const b = onConfigChange((next) => heard.push(next.home));
    t.throws(() => configure({ home: "/tmp/z" }), /listener a failed/);
    t.same(heard, ["/tmp/z"], "every listener hears of a change even when one throws");
    t.equal(getConfig().home, "/tmp/z", "the change stands");
    a();
    b();
  });
});
