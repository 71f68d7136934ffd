/** compute({destination}): files written whole or not at all, and Zarr v2/v3 arrays read back by zarrita. */
import "./env.js";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import FileSystemStore from "@zarrita/storage/fs";
import * as zarr from "zarrita";
import t from "tap";
import * as wf from "../../src/index.js";
import { npyValues, parseNpy, parseNpz } from "../support/npy-reader.js";
import { EXPECTED, expectedValues, expression } from "./support.js";

t.teardown(() => wf.shutdown());

const dir = mkdtempSync(join(tmpdir(), "tesserae-dest-"));

async function readZarr(path: string, version: 2 | 3): Promise<{ shape: number[]; chunks: number[]; values: unknown[]; fill: unknown }> {
  const store = new FileSystemStore(path);
  const arr = version === 2 ? await zarr.open.v2(store, { kind: "array" }) : await zarr.open.v3(store, { kind: "array" });
  const got: unknown = await zarr.get(arr);
  // 0-d arrays come back as the element; bool data as zarrita's BoolArray (iterable, not a typed array)
  const data = typeof got === "object" && got !== null && "data" in got ? (got as { data: Iterable<unknown> }).data : undefined;
  const values = data === undefined ? [got] : Array.from(data);
  return { shape: arr.shape, chunks: arr.chunks, values, fill: arr.fillValue };
}

t.test("file: npy by default, written whole under the final name", async (t) => {
  const path = join(dir, "affine.npy");
  const out = (await expression("affine").compute({ destination: { type: "file", path } })) as { type: string; path: string; bytes: number };
  t.same([out.type, out.path], ["file", path]);
  const p = parseNpy(new Uint8Array(readFileSync(path)));
  t.same(p.shape, [4, 6]);
  t.same(npyValues(p), expectedValues(EXPECTED.find((e) => e.name === "affine")!));
  t.equal(out.bytes, readFileSync(path).length);
  t.same(readdirSync(dir).filter((n) => n.startsWith(".")), [], "no temporary files left");
});

t.test("file: a masked result is an npz; other formats; the `file` shorthand and streams", async (t) => {
  const path = join(dir, "masked.npz");
  await expression("masked").compute({ file: path });
  t.same(parseNpz(new Uint8Array(readFileSync(path))).map((m) => m.name).sort(), ["data.npy", "mask.npy"]);
  const jpath = join(dir, "colsum.json");
  await expression("colsum").compute({ destination: { type: "file", path: jpath }, format: "json" });
  t.same(JSON.parse(readFileSync(jpath, "utf8")), { dtype: "float64", shape: [6], data: [36, 40, 44, 48, 52, 56] });
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  await expression("colsum").inspect({ file: stream, format: "json" });
  t.equal(JSON.parse(Buffer.concat(chunks).toString("utf8")).dtype, "float64");
});

t.test("file: an unwritable path fails the job with a JobComputeError naming it, leaving nothing behind", async (t) => {
  const ro = join(dir, "readonly");
  mkdirSync(ro);
  chmodSync(ro, 0o500);
  const path = join(ro, "x.npy");
  const canWrite = (() => {
    try {
      writeFileSync(join(ro, "probe"), "");
      return true;
    } catch {
      return false;
    }
  })();
  const missing = join(dir, "no-such-dir", "x.npy");
  for (const p of canWrite ? [missing] : [path, missing]) {
    const job = (await expression("affine").compute({ destination: { type: "file", path: p }, block: false })) as wf.Job;
    await t.rejects(job.result(), { name: "JobComputeError", message: new RegExp(p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) });
    t.equal(job.stage, "FAILED");
    t.equal((job.error as wf.JobComputeError).jobId, job.id);
    t.notOk(existsSync(p), "no file under the final name");
  }
  chmodSync(ro, 0o700);
});

for (const version of [2, 3] as const) {
  t.test(`zarr v${version}: chunk by chunk, edge chunks and masked elements hold the fill value`, async (t) => {
    const path = join(dir, `masked.v${version}.zarr`);
    const out = (await expression("masked").compute({ destination: { type: "zarr", path, version, chunks: [3, 4] } })) as { chunks: number[] };
    t.same(out.chunks, [3, 4]);
    const z = await readZarr(path, version);
    t.same([z.shape, z.chunks], [[4, 6], [3, 4]]);
    t.equal(z.fill, 1e20, "numpy.ma's default fill value");
    const e = EXPECTED.find((x) => x.name === "masked")!;
    t.same(z.values, expectedValues(e).map((v) => (v === null ? 1e20 : v)));
    const files = readdirSync(path, { recursive: true }).map(String).sort();
    const chunkFiles = version === 2 ? ["0.0", "0.1", "1.0", "1.1"] : ["c/0/0", "c/0/1", "c/1/0", "c/1/1"];
    for (const f of chunkFiles) t.ok(files.includes(f), `chunk ${f}`);
    t.ok(files.includes(version === 2 ? ".zarray" : "zarr.json"));
  });
}

t.test("zarr: default chunks, 64-bit ints, booleans, 0-d; replacing an older Zarr array but not anything else", async (t) => {
  const big = join(dir, "big.zarr");
  await expression("bigints").compute({ destination: { type: "zarr", path: big } });
  const z = await readZarr(big, 2);
  t.same(z.values, expectedValues(EXPECTED.find((x) => x.name === "bigints")!));
  const meta = JSON.parse(readFileSync(join(big, ".zarray"), "utf8")) as Record<string, unknown>;
  t.same([meta["dtype"], meta["fill_value"], meta["compressor"]], ["<i8", 0, { id: "blosc", cname: "lz4", clevel: 5, shuffle: 1, blocksize: 0 }]);

  await expression("greater").compute({ destination: { type: "zarr", path: big, version: 3 } });
  t.notOk(existsSync(join(big, ".zarray")), "the v2 array was replaced");
  const g = await readZarr(big, 3);
  t.same(g.values.map(Boolean), expectedValues(EXPECTED.find((x) => x.name === "greater")!));

  const scalar = join(dir, "mean.zarr");
  await expression("mean").compute({ destination: { type: "zarr", path: scalar, version: 3 } });
  t.same((await readZarr(scalar, 3)).values, [11.5]);

  const notZarr = join(dir, "precious");
  mkdirSync(notZarr);
  writeFileSync(join(notZarr, "keep.txt"), "mine");
  await t.rejects(expression("affine").compute({ destination: { type: "zarr", path: notZarr } }), { name: "JobComputeError", message: /precious.*not a Zarr array/ });
  t.equal(readFileSync(join(notZarr, "keep.txt"), "utf8"), "mine");
  t.same(readdirSync(dir).filter((n) => n.includes(".partial-")), [], "no partial directories left");
});
