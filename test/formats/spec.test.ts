import t from "tap";
import { ProxyTypeError } from "../../src/core/errors.js";
import { FORMAT_NAMES, resolveFormat } from "../../src/formats/spec.js";

t.test("names and objects resolve; undefined is native", async (t) => {
  t.same(resolveFormat(undefined), { type: "native" });
  for (const name of FORMAT_NAMES) {
    t.same(resolveFormat(name), { type: name });
    t.same(resolveFormat({ type: name }), { type: name });
  }
  t.same(resolveFormat({ type: "geotiff", compression: "LZW", overviews: false }), { type: "geotiff", compression: "LZW", overviews: false });
  t.same(resolveFormat({ type: "json", unused: undefined }), { type: "json" }, "an undefined option is absent");
});

t.test("an unknown format names itself and lists the valid ones", async (t) => {
  for (const bad of ["csv", "NPY", "", { type: "parquet" }]) {
    const err = t.throws(() => resolveFormat(bad as string)) as Error;
    t.type(err, ProxyTypeError);
    t.match(err.message, /unknown format/);
    t.match(err.message, /"native", "npy", "arrow", "msgpack", "json", "geotiff", "png"/);
  }
  t.throws(() => resolveFormat({ type: "csv" }), { name: "ProxyTypeError", message: /unknown format "csv"/ });
});

t.test("a malformed format argument", async (t) => {
  t.throws(() => resolveFormat({} as { type: string }), { name: "ProxyTypeError", message: /type must be a string/ });
  t.throws(() => resolveFormat({ type: 3 } as unknown as { type: string }), { name: "ProxyTypeError", message: /type must be a string, got number/ });
  t.throws(() => resolveFormat(null as unknown as string), { name: "ProxyTypeError", message: /got null/ });
  t.throws(() => resolveFormat(["npy"] as unknown as string), { name: "ProxyTypeError", message: /got an array/ });
  t.throws(() => resolveFormat(7 as unknown as string), { name: "ProxyTypeError", message: /got number/ });
});

t.test("an unknown option names the option, the format and the valid options", async (t) => {
  t.throws(() => resolveFormat({ type: "npy", compressed: true }),
    { name: "ProxyTypeError", message: 'unknown option "compressed" for format "npy"; it takes no options' });
  t.throws(() => resolveFormat({ type: "geotiff", compress: "LZW" }),
    { name: "ProxyTypeError", message: /unknown option "compress" for format "geotiff"; valid options: "overviews", "tiled", "compression", "overviewResampler"/ });
});

t.test("an option of the wrong kind says what it must be", async (t) => {
  t.throws(() => resolveFormat({ type: "geotiff", compression: "ZSTD" }),
    { name: "ProxyTypeError", message: /option "compression" of format "geotiff" must be one of "LZW", "DEFLATE", "JPEG", "NONE", got "ZSTD"/ });
  t.throws(() => resolveFormat({ type: "geotiff", tiled: 1n }), { message: /must be a boolean, got 1n/ });
  t.throws(() => resolveFormat({ type: "geotiff", overviews: [] }), { message: /got an array/ });
});
