/**
 * A GeoTIFF assembled from result boxes as they finish (imagery/stream.ts) is byte for byte the
 * file the whole-raster writer makes of the same result, whatever order the boxes come in.
 */
import t from "tap";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { fromArrayBuffer } from "geotiff";
import { allocate, type DTypeName, type TypedArray } from "../../src/core/dtype.js";
import { MaskedNDArray, NDArray } from "../../src/core/ndarray.js";
import { cStrides, sizeOf } from "../../src/core/shape.js";
import { evaluate } from "../../src/compute/evaluate.js";
import { encodeGeoTiff, type GeoTiffFormat } from "../../src/imagery/encode.js";
import { ImageCollectionResult, ImageResult, type BandDescription, type GeoContextInfo } from "../../src/imagery/results.js";
import { openGeoTiffStream, streamGeoTiff } from "../../src/imagery/stream.js";
import type { ResultView } from "../../src/imagery/deliver.js";
import type { ResultBlock } from "../../scheduler/execute.js";
import { InlineExecutor } from "../../scheduler/executors/inline.js";
import * as wf from "../../src/index.js";
import type { ComputeOptions } from "../../src/compute/run.js";
import { geoContextOf } from "../../src/imagery/bind.js";
import { synthCatalog } from "../support/synth-catalog.js";

type Computable = { compute(opts: ComputeOptions): Promise<unknown> };

// CI has no GDAL: the GDAL part runs where gdal-bin is installed
const GDALINFO = "/usr/bin/gdalinfo";

function geoOf(height: number, width: number): GeoContextInfo {
  const transform = [399960, 20, 0, 5200020, 0, -20] as const;
  return { bounds: [399960, 5200020 - 20 * height, 399960 + 20 * width, 5200020], crs: "EPSG:32633", resolution: 20, shape: [height, width], transform };
}

/** A small deterministic generator (xorshift32), so cases vary without fixtures. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 2 ** 32;
  };
}

function values(dtype: DTypeName, n: number, rnd: () => number): TypedArray {
  const a = allocate(dtype, n, false);
  for (let i = 0; i < n; i++) {
    const v = rnd();
    if (dtype === "int64") a[i] = BigInt(Math.floor(v * 1e6) - 5e5) as never;
    else if (dtype === "bool") a[i] = (v < 0.5 ? 1 : 0) as never;
    else if (dtype.startsWith("float")) a[i] = (v < 0.2 ? 0.25 : v * 2 - 1) as never; // runs and noise
    else a[i] = Math.floor(v * 1000) as never;
  }
  return a;
}

/** The boxes of `box` size that tile an array of `shape`, C-ordered copies, shuffled. */
function boxesOf(a: MaskedNDArray, box: readonly number[], rnd: () => number): ResultBlock[] {
  const shape = a.shape;
  const counts = shape.map((s, i) => Math.ceil(s / box[i]!));
  const out: ResultBlock[] = [];
  const strides = cStrides(shape);
  for (let k = 0; k < sizeOf(counts); k++) {
    let rem = k;
    const start = counts.map((_, i) => 0);
    for (let i = shape.length - 1; i >= 0; i--) {
      start[i] = (rem % counts[i]!) * box[i]!;
      rem = Math.floor(rem / counts[i]!);
    }
    const ext = shape.map((s, i) => Math.min(box[i]!, s - start[i]!));
    const n = sizeOf(ext);
    const data = allocate(a.dtype, n, false);
    const mask = new Uint8Array(n);
    const es = cStrides(ext);
    for (let j = 0; j < n; j++) {
      let src = 0, r = j;
      for (let i = 0; i < ext.length; i++) {
        const c = Math.floor(r / es[i]!);
        r -= c * es[i]!;
        src += (start[i]! + c) * strides[i]!;
      }
      data[j] = a.data[src] as never;
      mask[j] = a.mask[src]!;
    }
    out.push({ start, shape: ext, data, mask });
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const band = (name: string, dtype: DTypeName, nodata: number | null): BandDescription => ({ name, dtype, nodata, dataRange: null, description: "" });

interface Case {
  readonly name: string;
  readonly dtype: DTypeName;
  /** (y, x), (band, y, x) or (1, band, y, x). */
  readonly shape: readonly number[];
  readonly box: readonly number[];
  /** Fraction of pixels masked; `undefined`: an unmasked result. */
  readonly masked?: number;
  readonly format?: GeoTiffFormat;
  readonly view?: ResultView;
}

const imageView = (bands: BandDescription[]): ResultView => (v, geo) =>
  new ImageResult(v as MaskedNDArray, { date: "2021-06-01T10:00:00Z", cloud: 3 }, Object.fromEntries(bands.map((b) => [b.name, b])), geo);
const collectionView = (bands: BandDescription[]): ResultView => (v, geo) =>
  new ImageCollectionResult(v as MaskedNDArray, [{ id: "a" }], Object.fromEntries(bands.map((b) => [b.name, b])), geo);

const CASES: Case[] = [
  { name: "float32 NDVI-like, edge tiles, masked", dtype: "float32", shape: [300, 290], box: [64, 100], masked: 0.1 },
  { name: "float32, 3 bands, boxes across tiles", dtype: "float32", shape: [3, 520, 270], box: [2, 97, 113], masked: 0.05 },
  { name: "masked result without a masked pixel: padding back to 0, no nodata", dtype: "float32", shape: [300, 290], box: [50, 290], masked: 0 },
  { name: "smaller than one tile", dtype: "float64", shape: [37, 21], box: [5, 21], masked: 0.3 },
  { name: "one box, one tile", dtype: "float32", shape: [256, 256], box: [256, 256], masked: 0.01 },
  { name: "unmasked uint16", dtype: "uint16", shape: [2, 300, 300], box: [1, 256, 256] },
  { name: "int16 with the bands' own nodata", dtype: "int16", shape: [2, 70, 45], box: [1, 9, 45], masked: 0.2, view: imageView([band("red", "int16", -9999), band("nir", "int16", -9999)]) },
  { name: "uint16 bands with nodata, none masked", dtype: "uint16", shape: [2, 300, 270], box: [2, 30, 30], masked: 0, view: imageView([band("red", "uint16", 0), band("nir", "uint16", 0)]) },
  { name: "one-image collection, strips, LZW", dtype: "uint8", shape: [1, 2, 45, 33], box: [1, 1, 7, 33], masked: 0.1, format: { tiled: false, compression: "LZW" }, view: collectionView([band("a", "uint8", null), band("b", "uint8", null)]) },
  { name: "int64, uncompressed", dtype: "int64", shape: [300, 260], box: [33, 260], masked: 0.1, format: { compression: "NONE" } },
  { name: "bool as uint8", dtype: "bool", shape: [40, 300], box: [40, 17], masked: 0.1 },
];

t.test("boxes in any order give the whole writer's bytes", async (t) => {
  for (const [i, c] of CASES.entries()) {
    const rnd = prng(1000 + i);
    const n = sizeOf(c.shape);
    const mask = new Uint8Array(n).map(() => (c.masked !== undefined && rnd() < c.masked ? 1 : 0));
    const value = new MaskedNDArray(values(c.dtype, n, rnd), mask, c.shape, c.dtype);
    const geo = geoOf(c.shape.at(-2)!, c.shape.at(-1)!);
    const whole: NDArray | MaskedNDArray = c.masked === undefined ? new NDArray(value.data, c.shape, c.dtype) : value;
    const want = await encodeGeoTiff(c.view === undefined ? whole : c.view(whole, geo), c.format ?? {}, geo);
    for (const order of [1, 2]) {
      const s = openGeoTiffStream({ shape: c.shape, dtype: c.dtype, masked: c.masked !== undefined }, c.format ?? {}, geo, c.view);
      for (const b of boxesOf(value, c.box, prng(order * 77 + i))) {
        await s.sink.write(c.masked === undefined ? { start: b.start, shape: b.shape, data: b.data } : b);
      }
      t.equal(s.sink.pendingBlocks, 0, `${c.name}: every block complete`);
      const got = await s.bytes();
      t.ok(Buffer.from(got).equals(Buffer.from(want)), `${c.name} (order ${order}): ${got.length} bytes, the whole writer's ${want.length}`);
    }
  }
});

t.test("values and nodata read back by geotiff.js", async (t) => {
  const width = 300, height = 270;
  const rnd = prng(7);
  const data = values("float32", width * height, rnd) as Float32Array;
  const mask = new Uint8Array(width * height).map(() => (rnd() < 0.1 ? 1 : 0));
  const value = new MaskedNDArray(data, mask, [height, width], "float32");
  const s = openGeoTiffStream({ shape: value.shape, dtype: "float32", masked: true }, {}, geoOf(height, width), undefined);
  for (const b of boxesOf(value, [100, 64], rnd)) await s.sink.write(b);
  const bytes = await s.bytes();
  const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const image = await tiff.getImage(0);
  const [read] = (await image.readRasters({ interleave: false })) as unknown as Float32Array[];
  let bad = 0;
  for (let i = 0; i < data.length; i++) if (mask[i] ? !Number.isNaN(read![i]) : read![i] !== data[i]) bad++;
  t.equal(bad, 0, "each pixel its value, masked ones NaN");
  t.ok(Number.isNaN(image.getGDALNoData()), "nodata NaN");
  t.same(image.getOrigin(), [399960, 5200020, 0]);
  t.same([image.getTileWidth(), image.getTileHeight()], [256, 256]);
});

t.test("a box that never arrived, and what the whole writer refuses, are errors before or at the end", async (t) => {
  const value = new MaskedNDArray(new Float32Array(300 * 10), new Uint8Array(300 * 10), [300, 10], "float32");
  const s = openGeoTiffStream({ shape: [300, 10], dtype: "float32", masked: true }, {}, geoOf(300, 10), undefined);
  const boxes = boxesOf(value, [100, 10], prng(3));
  for (const b of boxes.slice(1)) await s.sink.write(b);
  await t.rejects(s.bytes(), { message: /1 GeoTIFF block\(s\) of 2 .* never received all their pixels/ });
  const geo = geoOf(300, 10);
  t.throws(() => openGeoTiffStream({ shape: [300, 11], dtype: "float32", masked: false }, {}, geo, undefined), { name: "ProxyTypeError", message: /\(300, 11\) differs from the GeoContext's \(300, 10\)/ });
  t.throws(() => openGeoTiffStream({ shape: [2, 2, 300, 10], dtype: "float32", masked: false }, {}, geo, undefined), { name: "ProxyTypeError", message: /2-d \(y, x\) or 3-d/ });
  t.throws(() => openGeoTiffStream({ shape: [300, 10], dtype: "float32", masked: false }, {}, null, undefined), { name: "ProxyTypeError", message: /GeoContext/ });
  t.throws(() => openGeoTiffStream({ shape: [300, 10], dtype: "float32", masked: false }, { compression: "JPEG" }, geo, undefined), { message: /JPEG compression is not supported/ });
  t.throws(() => openGeoTiffStream({ shape: [3, 1, 300, 10], dtype: "float32", masked: true }, {}, geo, collectionView([band("a", "float32", null)])), { message: /writes one image; this collection has 3/ });
  t.throws(() => openGeoTiffStream({ shape: [1, 0, 10], dtype: "float32", masked: false }, {}, geoOf(0, 10), undefined), { message: /at least one pixel and one band/ });
});

t.test("streamed from the engine's own tasks: the bytes of the result written whole; a reshaped result comes back whole", async (t) => {
  const height = 300, width = 270;
  const rnd = prng(11);
  const x = values("float32", 2 * height * width, rnd) as Float32Array;
  const m = new Uint8Array(x.length).map(() => (rnd() < 0.1 ? 1 : 0));
  const stack = wf.MaskedArray.from(new MaskedNDArray(x, m, [2, height, width], "float32"), { chunks: [2, 64, 128] });
  const expr = stack.mean(0).mul(2);
  const geo = geoOf(height, width);
  const ac = new AbortController();
  const streamed = await streamGeoTiff(expr.node, { executor: new InlineExecutor() }, {}, { type: "download" }, geo, undefined, ac.signal);
  t.ok("delivered" in streamed, "streamed");
  const whole = await evaluate(expr.node, { executor: new InlineExecutor() });
  const want = await encodeGeoTiff(whole.value, {}, geo);
  t.ok(Buffer.from((streamed as { delivered: Uint8Array }).delivered).equals(Buffer.from(want)), "same bytes");
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  const toStream = await streamGeoTiff(expr.node, { executor: new InlineExecutor() }, {}, { type: "file", stream }, geo, undefined, ac.signal);
  t.same((toStream as { delivered: unknown }).delivered, { type: "file", path: undefined, bytes: want.length });
  t.ok(Buffer.concat(chunks).equals(Buffer.from(want)), "the same bytes through a writable stream, piece by piece");
  const flat = wf.Array.from(new Float32Array(height * width).map((_, i) => i % 97), [height * width]).reshape([height, width]);
  const back = await streamGeoTiff(flat.node, { executor: new InlineExecutor() }, {}, { type: "download" }, geo, undefined, ac.signal);
  t.ok("value" in back, "a reshaped literal is not streamed");
});

t.test("compute() on the worker pool: a streamed file has the bytes of the whole result's GeoTIFF, and GDAL reads its grid", async (t) => {
  const { out } = await synthCatalog((fn) => t.teardown(fn), "synth", { size: 300, dates: 3 });
  // 300 × 290 pixels: edge tiles on both axes; the bottom rows lie outside the product (masked)
  const geoctx = new wf.GeoContext({ bounds: [500000, 5097000, 502900, 5100100], crs: "EPSG:32633", resolution: 10 });
  const geo = geoContextOf(geoctx)!;
  const x = wf.ImageCollection.fromId("synth").pickBands("red nir").ndarray.astype("float32");
  const red = x.get(wf.slice(), 0), nir = x.get(wf.slice(), 1);
  const ndvi = nir.sub(red).div(nir.add(red)).median(0);
  const image = wf.ImageCollection.fromId("synth").pickBands("red nir").median("images") as Computable;
  const cases: [string, Computable][] = [["ndvi array", ndvi], ["image of 2 bands", image]];
  for (const [name, expr] of cases) {
    const path = join(out, `${name}.tif`);
    await expr.compute({ geoctx, file: path, format: "geotiff", cache: false });
    const whole = await expr.compute({ geoctx, cache: false });
    const want = await encodeGeoTiff(whole, {}, geo);
    t.ok(readFileSync(path).equals(Buffer.from(want)), `${name}: the same bytes`);
    if (!existsSync(GDALINFO)) continue;
    const info = JSON.parse(execFileSync(GDALINFO, ["-json", path], { encoding: "utf8" })) as { geoTransform: number[]; coordinateSystem: { wkt: string }; size: number[] };
    t.same(info.geoTransform, [...geo.transform], `${name}: GDAL's transform`);
    t.match(info.coordinateSystem.wkt, /ID\["EPSG",32633\]\]$/);
    t.same(info.size, [290, 310]);
  }
});
