/** Every compute/inspect option is checked before any work starts. */
import "./env.js";
import { PassThrough } from "node:stream";
import t from "tap";
import * as wf from "../../src/index.js";
import { outstandingJobs } from "../../src/jobs/limits.js";
import { resolveOptions } from "../../src/jobs/options.js";
import { expression } from "./support.js";

t.teardown(() => wf.shutdown());

const bad: [string, Record<string, unknown>, RegExp][] = [
  ["unknown option", { fromat: "npy" }, /unknown compute option 'fromat'.*valid options: geoctx, format/],
  ["unknown format", { format: "tiff" }, /unknown format "tiff"; valid formats: "native", "npy"/],
  ["format option", { format: { type: "npy", compress: true } }, /unknown option "compress" for format "npy"; it takes no options/],
  ["format type", { format: { type: 3 } }, /format type must be a string/],
  ["destination type", { destination: { type: "s3", path: "x" } }, /unknown destination type "s3"/],
  ["destination string", { destination: "disk" }, /unknown destination "disk"/],
  ["destination option", { destination: { type: "file", path: "x", mode: 1 } }, /unknown option "mode" for destination "file"; valid options: "path", "stream"/],
  ["destination path", { destination: { type: "file" } }, /needs a non-empty string "path"/],
  ["zarr version", { destination: { type: "zarr", path: "x", version: 4 } }, /"version" must be 2 or 3/],
  ["zarr chunks", { destination: { type: "zarr", path: "x", chunks: [2] } }, /must give one size per axis of a 2-d result/],
  ["zarr with format", { destination: { type: "zarr", path: "x" }, format: "npy" }, /takes no format/],
  ["file with native", { destination: { type: "file", path: "x" }, format: "native" }, /needs a bytes format/],
  ["file and destination", { file: "x", destination: "download" }, /not both/],
  ["timeout", { timeout: -1 }, /'timeout' must be a positive number/],
  ["timeout type", { timeout: "5" }, /'timeout' must be a positive number/],
  ["numRetries", { numRetries: 1.5 }, /'numRetries' must be a non-negative integer/],
  ["block", { block: "no" }, /'block' must be a boolean/],
  ["cache", { cache: 0 }, /'cache' must be a boolean/],
  ["progressBar", { progressBar: "yes" }, /'progressBar' must be a boolean or a writable stream/],
  ["arguments", { arguments: [1] }, /'arguments' must be an object/],
  ["extra argument", { arguments: { k: 1 } }, /unexpected argument/],
  ["client", { client: {} }, /'client' is not available yet/],
];

t.test("bad compute options are ProxyTypeErrors before any job exists", async (t) => {
  const x = expression("affine");
  for (const [label, opts, message] of bad) {
    await t.rejects(x.compute(opts), { name: "ProxyTypeError", message }, label);
  }
  t.equal(outstandingJobs(), 0, "no job was started");
});

t.test("inspect takes only its own options", async (t) => {
  const x = expression("affine");
  for (const k of ["block", "progressBar", "numRetries", "destination"]) {
    await t.rejects(x.inspect({ [k]: undefined, ...{ [k]: k === "destination" ? "download" : true } }), { name: "ProxyTypeError", message: new RegExp(`unknown inspect option '${k}'`) });
  }
  // imagery formats: not available yet, or refused for a result without a GeoContext; either way before any work
  await t.rejects(x.inspect({ format: "png" }), { name: /^(FormatNotAvailableError|ProxyTypeError)$/ });
});

t.test("defaults", async (t) => {
  const c = resolveOptions({}, "compute");
  t.same([c.format, c.destination, c.timeout, c.block, c.cache, c.numRetries], [{ type: "native" }, { type: "download" }, undefined, true, true, 1]);
  const i = resolveOptions(undefined, "inspect");
  t.same([i.timeout, i.numRetries, i.progressBar], [60, 0, undefined]);
  const f = resolveOptions({ file: "out.npy" }, "compute");
  t.same(f.format, { type: "npy" }, "a file defaults to npy");
  const s = new PassThrough();
  t.equal(resolveOptions({ progressBar: s }, "compute").progressBar, s);
  t.equal(resolveOptions({ progressBar: false }, "compute").progressBar, undefined);
});
