/**
 * `tesserae run <workflow-id>@<version> [--arg k=v] [--format f] [--out path]`: arguments typed by
 * the workflow's parameters, results equal to computing the published object, files in the format
 * asked for (or that their extension names), and every mistake reported with the right exit status.
 */
import t from "tap";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fromArrayBuffer } from "geotiff";
import * as wf from "../src/index.js";
import { configure } from "../src/config.js";
import { runCli } from "../src/cli/commands.js";
import { synthProduct } from "../src/imagery/catalog/synth.js";
import { closeEmbeddedStores } from "../src/registry/embedded.js";
import { testServer, type TestServer } from "./server/support.js";

const home = mkdtempSync(join(tmpdir(), "tesserae-run-"));
configure({ home, catalog: join(home, "catalog") });
const dir = join(home, "out");
mkdirSync(dir);
let s: TestServer;
t.before(async () => {
  s = await testServer();
});
t.teardown(async () => {
  await s.server.close();
  await closeEmbeddedStores();
  await wf.shutdown();
  rmSync(home, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(...args: string[]): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { stdout: { write: (x: string) => (stdout += x) }, stderr: { write: (x: string) => (stderr += x) } });
  return { code, stdout, stderr };
}

interface Computable {
  compute(o?: object): Promise<unknown>;
}
const text = (b: unknown): string => new TextDecoder().decode(b as Uint8Array);

const x = wf.parameter("x", wf.Array, { dtype: "float64" });
const n = wf.parameter("n", wf.Int);
const f = wf.parameter("f", wf.Float);
const name = wf.parameter("name", wf.Str);
const b = wf.parameter("b", wf.Bool);
const plain = new wf.Array([[1, 2, 3], [4, 5, 6]], { dtype: "int32" }).mul(2).mean(0);
const arrayFn = x.mul(n).add(f);
const strFn = name.add("!");
const boolFn = b.not().or(n.gt(10));

t.before(async () => {
  await plain.publish("me@example.com:plain", "1.0.0");
  await wf.Function.fromObject(arrayFn).publish("me@example.com:arr", "1.0.0");
  await strFn.publish("me@example.com:str", "1.0.0");
  await boolFn.publish("me@example.com:bool", "1.0.0");
});

t.test("results equal the published object's, arguments typed by its parameters", async (t) => {
  const r = await cli("run", "me@example.com:plain@1.0.0");
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, `${text(await plain.compute({ format: "json" }))}\n`, "no parameters");

  const a = await cli("run", "me@example.com:arr@1.0.0", "--arg", "x=[1.5, -2, 4]", "--arg", "n=3", "--arg", "f=0.25");
  t.equal(a.code, 0, a.stderr);
  t.equal(a.stdout, `${text(await arrayFn.compute({ arguments: { x: [1.5, -2, 4], n: 3, f: 0.25 }, format: "json" }))}\n`, "Array, Int and Float");

  const nan = await cli("run", "me@example.com:arr@1.0.0", "--arg", "x=[1]", "--arg", "n=-2", "--arg", "f=nan");
  t.equal(nan.stdout, `${text(await arrayFn.compute({ arguments: { x: [1], n: -2, f: NaN }, format: "json" }))}\n`, "nan as a Float");

  const str = await cli("run", "me@example.com:str@1.0.0", "--arg", "name=123");
  t.equal(str.stdout, `${text(await strFn.compute({ arguments: { name: "123" }, format: "json" }))}\n`, "a Str stays a string, even when it looks like a number");
  t.match(str.stdout, /"123!"/);

  for (const [bv, js] of [["false", false], ["1", true]] as const) {
    const r2 = await cli("run", "me@example.com:bool@1.0.0", "--arg", `b=${bv}`, "--arg", "n=4");
    t.equal(r2.stdout, `${text(await boolFn.compute({ arguments: { b: js, n: 4 }, format: "json" }))}\n`, `Bool ${bv}`);
  }

  const npyIn = join(home, "x.npy");
  writeFileSync(npyIn, new wf.NDArray(new Float64Array([0.5, 1, 2]), [3], "float64").toNpy());
  const fromFile = await cli("run", "me@example.com:arr@1.0.0", "--arg", `x=@${npyIn}`, "--arg", "n=2", "--arg", "f=1");
  t.equal(fromFile.stdout, `${text(await arrayFn.compute({ arguments: { x: [0.5, 1, 2], n: 2, f: 1 }, format: "json" }))}\n`, "an array from @file.npy");
});

t.test("--out writes npy, json, ... as asked or as the extension says", async (t) => {
  const args = ["--arg", "x=[1, 2, 3]", "--arg", "n=5", "--arg", "f=-1"];
  const want = (await arrayFn.compute({ arguments: { x: [1, 2, 3], n: 5, f: -1 } })) as wf.NDArray;
  for (const [file, format] of [["a.npy", undefined], ["a.out", undefined], ["b.bin", "npy"]] as const) {
    const out = join(dir, file);
    const r = await cli("run", "me@example.com:arr@1.0.0", ...args, "--out", out, ...(format ? ["--format", format] : []));
    t.equal(r.code, 0, r.stderr);
    t.same(wf.NDArray.fromNpy(readFileSync(out)), want, `${file}: npy`);
    t.match(r.stderr, /wrote .* \(npy, \d+ bytes\)/);
  }
  const json = join(dir, "a.json");
  t.equal((await cli("run", "me@example.com:arr@1.0.0", ...args, "--out", json)).code, 0);
  t.equal(readFileSync(json, "utf8"), text(await arrayFn.compute({ arguments: { x: [1, 2, 3], n: 5, f: -1 }, format: "json" })), ".json: json");
  const mp = join(dir, "a.msgpack");
  t.equal((await cli("run", "me@example.com:arr@1.0.0", ...args, "--out", mp)).code, 0);
  t.same(new Uint8Array(readFileSync(mp)), await arrayFn.compute({ arguments: { x: [1, 2, 3], n: 5, f: -1 }, format: "msgpack" }), ".msgpack: msgpack");
});

t.test("--out a GeoTIFF of imagery, with --geoctx", async (t) => {
  await synthProduct(join(home, "catalog"), "syn", { dates: 2, size: 32 });
  const ic = wf.ImageCollection.fromId("syn").pickBands("red nir");
  const ndvi = ic.ndarray.get(":", 1).sub(ic.ndarray.get(":", 0)).div(ic.ndarray.get(":", 1).add(ic.ndarray.get(":", 0))).max(0);
  await ndvi.publish("me@example.com:ndvi", "1.0.0");
  const geo: wf.GeoContextOptions = { bounds: [500000, 5100000 - 320, 500000 + 320, 5100000], crs: "EPSG:32633", resolution: 10 };
  const out = join(dir, "ndvi.tif");
  const r = await cli("run", "me@example.com:ndvi@1.0.0", "--out", out, "--geoctx", JSON.stringify(geo));
  t.equal(r.code, 0, r.stderr);
  const want = (await ndvi.compute({ geoctx: new wf.GeoContext(geo) })) as wf.MaskedNDArray;
  const bytes = readFileSync(out);
  const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const image = await tiff.getImage();
  t.same([image.getHeight(), image.getWidth()], want.shape, "the GeoContext's grid");
  t.equal(want.dtype, "float64");
  t.equal(image.getBitsPerSample(), 64, "float64 pixels");
  t.same(image.getOrigin().slice(0, 2), [500000, 5100000]);
  const [band] = (await image.readRasters({ interleave: false })) as unknown as ArrayLike<number>[];
  const nodata = image.getGDALNoData();
  let mismatches = 0;
  for (let i = 0; i < want.data.length; i++) {
    const got = band![i]!;
    const ok = want.mask[i] ? (nodata === null ? true : Object.is(got, nodata) || (Number.isNaN(nodata) && Number.isNaN(got))) : got === want.data[i];
    if (!ok) mismatches++;
  }
  t.equal(mismatches, 0, "every pixel is the computed value, masked ones nodata");
  t.ok(want.count() > 0, "some pixels are valid");
  const noGeo = await cli("run", "me@example.com:ndvi@1.0.0", "--out", join(dir, "x.tif"));
  t.equal(noGeo.code, 1);
  t.match(noGeo.stderr, /GeoContext/, "imagery without --geoctx says what is missing");
});

t.test("mistakes: usage errors exit 2, a missing workflow exits 1", async (t) => {
  const usage: [string[], RegExp][] = [
    [["me@example.com:arr@1.0.0", "--arg", "x=[1]", "--arg", "n=1", "--arg", "f=1", "--arg", "zz=1"], /unknown argument "zz": its parameters are f \(Float\), n \(Int\), x \(Array\)/],
    [["me@example.com:arr@1.0.0", "--arg", "x=[1]"], /missing --arg for f \(Float\), n \(Int\)/],
    [["me@example.com:arr@1.0.0", "--arg", "x=[1]", "--arg", "n=1.5", "--arg", "f=1"], /--arg n: an Int parameter takes an integer, got "1.5"/],
    [["me@example.com:arr@1.0.0", "--arg", "x=[1]", "--arg", "n=1", "--arg", "f=abc"], /--arg f: a Float parameter takes a number, got "abc"/],
    [["me@example.com:arr@1.0.0", "--arg", "x=1", "--arg", "n=1", "--arg", "f=1"], /--arg x: an Array parameter takes a JSON list/],
    [["me@example.com:arr@1.0.0", "--arg", "x=@/nonexistent.npy", "--arg", "n=1", "--arg", "f=1"], /cannot read \/nonexistent\.npy as \.npy/],
    [["me@example.com:bool@1.0.0", "--arg", "b=maybe", "--arg", "n=1"], /--arg b: a Bool parameter takes true or false/],
    [["me@example.com:arr@1.0.0", "--arg", "n=1", "--arg", "n=2"], /--arg n is given twice/],
    [["me@example.com:plain@1.0.0", "--arg", "n=1"], /unknown argument "n": this workflow takes no arguments/],
    [["me@example.com:plain@1.0.0", "--arg", "novalue"], /--arg needs name=value/],
    [["me@example.com:plain@1.0.0", "--format", "exe"], /unknown format "exe"; formats: json, npy, msgpack, arrow, geotiff, png/],
    [["me@example.com:plain@1.0.0", "--format", "npy"], /--format npy is binary: give --out <path>/],
    [["me@example.com:plain@1.0.0", "--geoctx", "[1]"], /--geoctx takes a JSON object/],
    [["me@example.com:plain@1.0.0", "--geoctx", "{\"bounds\": [0, 0, 1, 1]}"], /--geoctx: a coordinate system must be a string/],
    [["me@example.com:plain"], /expected <workflow-id>@<version>/],
    [[], /missing <workflow-id>@<version>/],
  ];
  for (const [args, message] of usage) {
    const r = await cli("run", ...args);
    t.equal(r.code, 2, `exit 2: ${args.join(" ")}`);
    t.match(r.stderr, message);
    t.match(r.stderr, /Run "tesserae run --help" for usage/);
    t.equal(r.stdout, "");
  }
  const noWf = await cli("run", "nobody@example.com:none@1.0.0");
  t.equal(noWf.code, 1);
  t.match(noWf.stderr, /WorkflowNotFound: no version 1\.0\.0 of workflow "nobody@example\.com:none"/);
  const noVersion = await cli("run", "me@example.com:plain@9.9.9");
  t.equal(noVersion.code, 1);
  t.match(noVersion.stderr, /WorkflowNotFound: no version 9\.9\.9/);
  const badVersion = await cli("run", "me@example.com:plain@1.0");
  t.equal(badVersion.code, 1);
  t.match(badVersion.stderr, /invalid version "1\.0"/);
});

t.test("--url runs it on a job server, with the same result", async (t) => {
  const client = new wf.Client({ url: s.server.url });
  await wf.Function.fromObject(arrayFn).publish("me@example.com:arr", "1.0.0", { client });
  const r = await cli("run", "me@example.com:arr@1.0.0", "--url", s.server.url, "--arg", "x=[2, 4]", "--arg", "n=3", "--arg", "f=0.5");
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, `${text(await arrayFn.compute({ arguments: { x: [2, 4], n: 3, f: 0.5 }, format: "json" }))}\n`);
  const missing = await cli("run", "me@example.com:plain@1.0.0", "--url", s.server.url);
  t.equal(missing.code, 1, "published only locally: not on the server");
  t.match(missing.stderr, /WorkflowNotFound/);
});

t.test("the real entry point", async (t) => {
  const mainTs = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
  const spawnRun = (...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(process.execPath, ["--import", "tsx", mainTs, "run", ...args], { env: { ...process.env, TESSERAE_HOME: home }, timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err === null ? 0 : typeof err.code === "number" ? err.code : -1, stdout, stderr });
      });
    });
  const ok = await spawnRun("me@example.com:str@1.0.0", "--arg", "name=world");
  t.equal(ok.code, 0, ok.stderr);
  t.equal(ok.stdout, `${text(await strFn.compute({ arguments: { name: "world" }, format: "json" }))}\n`);
  const bad = await spawnRun("me@example.com:str@1.0.0", "--arg", "nam=world");
  t.equal(bad.code, 2);
  t.match(bad.stderr, /unknown argument "nam"/);
});
