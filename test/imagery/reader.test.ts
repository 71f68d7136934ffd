import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fromFile } from "geotiff";
import t from "tap";
import { allocate, type DTypeName } from "../../src/core/dtype.js";
import { cStrides } from "../../src/core/shape.js";
import type { Operand } from "../../workers/codegen/loops.js";
import { readGeotiff } from "../../workers/readers/geotiff.js";
import type { BandSource, GridParams, Resampler } from "../../workers/readers/geotiff/params.js";
import { bandSource, expected, FIXTURES, fixture, gridOf, isNodata, type FixtureFile, type FixtureWarp } from "./support.js";

interface Read {
  data: ArrayLike<number>;
  mask: Uint8Array;
}

/** Read the whole (images, bands, rows, cols) source in blocks of `block` rows and cols. */
async function readAll(images: BandSource[][], grid: GridParams, dtype: DTypeName, resampler: Resampler, block = 1 << 30): Promise<Read> {
  const shape = [images.length, images[0]!.length, grid.height, grid.width];
  const n = shape.reduce((a, b) => a * b, 1);
  const data = allocate(dtype, n, false);
  const mask = new Uint8Array(n).fill(7);
  const out: Operand = { data, mask, offset: 0, strides: cStrides(shape) };
  const params = { images: images.map((bands) => ({ bands })), resampler, grid };
  for (let r = 0; r < grid.height; r += block) {
    for (let c = 0; c < grid.width; c += block) {
      const start = [0, 0, r, c];
      const sub = [shape[0]!, shape[1]!, Math.min(block, grid.height - r), Math.min(block, grid.width - c)];
      await readGeotiff(params, { start, shape: sub, fullShape: shape }, out);
    }
  }
  return { data: data as ArrayLike<number>, mask };
}

/**
 * Read the whole source a block of `bw` × `bh` at a time, each into a buffer of its own (rows as
 * wide as the block, as a task's box), then gathered into one (images, bands, rows, cols) result.
 */
async function readInBoxes(images: BandSource[][], grid: GridParams, dtype: DTypeName, bw: number, bh: number): Promise<Read> {
  const shape = [images.length, images[0]!.length, grid.height, grid.width];
  const all = allocate(dtype, shape.reduce((a, b) => a * b, 1), false);
  const mask = new Uint8Array(all.length).fill(7);
  const params = { images: images.map((bands) => ({ bands })), resampler: "near" as const, grid };
  for (let r = 0; r < grid.height; r += bh) {
    for (let c = 0; c < grid.width; c += bw) {
      const sub = [shape[0]!, shape[1]!, Math.min(bh, grid.height - r), Math.min(bw, grid.width - c)];
      const st = cStrides(sub);
      const box: Operand = { data: allocate(dtype, sub.reduce((a, b) => a * b, 1), false), mask: new Uint8Array(st[0]! * sub[0]!).fill(7), offset: -(r * st[2]! + c * st[3]!), strides: st };
      await readGeotiff(params, { start: [0, 0, r, c], shape: sub, fullShape: shape }, box);
      for (let k = 0; k < box.data.length; k++) {
        const [i, b, y, x] = [Math.floor(k / st[0]!), Math.floor(k / st[1]!) % sub[1]!, Math.floor(k / st[2]!) % sub[2]!, k % sub[3]!];
        const at = ((i * shape[1]! + b) * shape[2]! + r + y) * shape[3]! + c + x;
        (all as Float64Array)[at] = Number(box.data[k]);
        mask[at] = box.mask![k]!;
      }
    }
  }
  return { data: all as ArrayLike<number>, mask };
}

function ownGrid(f: FixtureFile): GridParams {
  return gridOf(f.crs, f.transform, f.shape[2], f.shape[1]);
}

/** Float noise, plus (bilinear across CRSs) the share of the neighbours' spread that PROJ and proj4js disagree by. */
function tolerance(w: FixtureWarp, resampler: Resampler, band: number, p: number, v: number): number {
  const projected = w.crs !== fixture(w.source).crs;
  return 1e-6 * Math.max(1, Math.abs(v)) + (resampler === "bilinear" && projected ? 1e-3 * w.span[band]![p]! : 0);
}

const DTYPE: Record<string, DTypeName> = { uint8: "uint8", uint16: "uint16", int16: "int16", int32: "int32", float32: "float32" };

t.test("each GDAL fixture reads back exactly on its own grid, nodata masked", async (t) => {
  for (const f of expected.files) {
    const bands = Array.from({ length: f.shape[0] }, (_, b) => bandSource(f, b));
    for (const block of [1 << 30, 7, 16]) {
      const got = await readAll([bands], ownGrid(f), DTYPE[f.dtype]!, "near", block);
      let bad = 0;
      f.data.forEach((want, i) => {
        const masked = isNodata(f, want);
        if (got.mask[i] !== (masked ? 1 : 0)) bad++;
        else if (!masked && got.data[i] !== want) bad++;
      });
      t.equal(bad, 0, `${f.file} in blocks of ${block}`);
    }
  }
});

t.test("blocks read into boxes of their own width (whole blocks decoded in place) match GDAL, nodata masked", async (t) => {
  // tiles and strips, deflate (with the integer predictor), uncompressed, and layouts that go through geotiff.js
  for (const name of ["u16_red.tif", "u16_tiled_none_band.tif", "u8_striped_deflate_pred2.tif", "u16_tiled_deflate_pixel.tif", "f32_tiled_deflate_pred3_nan.tif", "i16_big_endian.tif"]) {
    const f = fixture(name);
    const bands = Array.from({ length: f.shape[0] }, (_, b) => bandSource(f, b));
    const tiff = await fromFile(FIXTURES + f.file);
    const image = await tiff.getImage(0);
    const [bw, bh] = [image.getTileWidth(), image.getTileHeight()];
    await tiff.close();
    const got = await readInBoxes([bands], ownGrid(f), DTYPE[f.dtype]!, bw, bh);
    let bad = 0;
    f.data.forEach((want, i) => {
      const masked = isNodata(f, want);
      if (got.mask[i] !== (masked ? 1 : 0)) bad++;
      else if (masked ? got.data[i] !== 0 : got.data[i] !== want) bad++;
    });
    t.equal(bad, 0, `${f.file} in boxes of ${bw} × ${bh}`);
  }
});

t.test("bands in any order and from several files (per-band images)", async (t) => {
  const red = fixture("u16_red.tif"), nir = fixture("u16_nir.tif"), multi = fixture("u16_tiled_deflate_pixel.tif");
  const got = await readAll([[bandSource(nir, 0), bandSource(red, 0)], [bandSource(multi, 2), bandSource(multi, 0)]], ownGrid(red), "uint16", "near", 20);
  const plane = red.shape[1] * red.shape[2];
  const check = (img: number, band: number, f: FixtureFile, sample: number): number => {
    let bad = 0;
    for (let p = 0; p < plane; p++) {
      const want = f.data[sample * plane + p]!;
      const i = (img * 2 + band) * plane + p;
      if (isNodata(f, want) ? got.mask[i] !== 1 : got.mask[i] !== 0 || got.data[i] !== want) bad++;
    }
    return bad;
  };
  t.equal(check(0, 0, nir, 0), 0, "image 0 band 0 is nir");
  t.equal(check(0, 1, red, 0), 0, "image 0 band 1 is red");
  t.equal(check(1, 0, multi, 2), 0, "image 1 band 0 is sample 3 of a pixel-interleaved file");
  t.equal(check(1, 1, multi, 0), 0, "image 1 band 1 is sample 1");
});

t.test("a grid beside the image is all masked", async (t) => {
  const f = fixture("u16_red.tif");
  const grid = gridOf(f.crs, [f.transform[0] + 1e5, 10, 0, f.transform[3], 0, -10], 9, 5);
  const got = await readAll([[bandSource(f, 0)]], grid, "uint16", "near");
  t.ok(got.mask.every((m) => m === 1));
  t.ok(Array.from(got.data).every((v) => v === 0), "masked pixels hold 0");
});

t.test("resampling onto other grids matches rasterio's exact transforms", async (t) => {
  for (const w of expected.warps) {
    const f = fixture(w.source);
    const bands = Array.from({ length: f.shape[0] }, (_, b) => bandSource(f, b));
    const grid = gridOf(w.crs, w.transform, w.shape[1], w.shape[0]);
    const plane = w.shape[0] * w.shape[1];
    for (const resampler of ["near", "bilinear"] as const) {
      const got = await readAll([bands], grid, "float64", resampler, 13);
      const want = resampler === "near" ? w.nearest : w.bilinear;
      let compared = 0, bad = 0;
      want.forEach((band, b) => band.forEach((v, p) => {
        // a source coordinate within 0.001 pixel of an edge may fall either way
        if (w.edge[p]! < 1e-3) return;
        compared++;
        const i = b * plane + p;
        if (v === null) bad += got.mask[i] === 1 ? 0 : 1;
        else bad += got.mask[i] === 0 && Math.abs(got.data[i]! - v) <= tolerance(w, resampler, b, p, v) ? 0 : 1;
      }));
      t.equal(bad, 0, `${w.source} → ${w.crs} (${resampler}): ${compared} pixels compared`);
      t.ok(compared > plane * 0.9);
    }
  }
});

t.test("bilinear into an integer dtype rounds", async (t) => {
  const w = expected.warps.find((x) => x.source === "u16_tiled_deflate_pixel.tif")!;
  const f = fixture(w.source);
  const grid = gridOf(w.crs, w.transform, w.shape[1], w.shape[0]);
  const got = await readAll([[bandSource(f, 0)]], grid, "uint16", "bilinear");
  let bad = 0;
  w.bilinear[0]!.forEach((v, p) => {
    if (v === null || w.edge[p]! < 1e-3) return;
    if (Math.abs(got.data[p]! - v) > 0.5 + 1e-3 * w.span[0]![p]!) bad++;
  });
  t.equal(bad, 0);
});

t.test("a file with internal overviews is read at full resolution", async (t) => {
  const f = fixture("u16_tiled_deflate_overviews.tif");
  const tiff = await fromFile(FIXTURES + f.file);
  t.ok((await tiff.getImageCount()) > 1, "the fixture holds overviews");
  await tiff.close();
  const got = await readAll([[bandSource(f, 0), bandSource(f, 1)]], ownGrid(f), "uint16", "near", 16);
  t.same(Array.from(got.data), f.data.map((v) => (isNodata(f, v) ? 0 : v)));
  t.same(Array.from(got.mask), f.data.map((v) => (isNodata(f, v) ? 1 : 0)));
});

t.test("unreadable files are refused with an error naming the file and the problem", async (t) => {
  const jpeg: BandSource = { ...bandSource(fixture("u16_red.tif"), 0), path: `${FIXTURES}u8_jpeg.tif`, width: 16, height: 16 };
  await t.rejects(readAll([[jpeg]], gridOf(jpeg.crs, jpeg.transform, 16, 16), "uint8", "near"), /u8_jpeg\.tif: .*JPEG compression is not supported/);
  // a deflate block with its bytes overwritten: the read fails, naming the file and the block
  const f = fixture("u16_red.tif");
  const dir = t.testdir();
  const bytes = readFileSync(FIXTURES + f.file);
  const tiff = await fromFile(FIXTURES + f.file);
  const at = Number(await (await tiff.getImage(0)).fileDirectory.loadValueIndexed("TileOffsets", 1));
  await tiff.close();
  bytes.fill(0xff, at, at + 16);
  writeFileSync(join(dir, "broken.tif"), bytes);
  const broken: BandSource = { ...bandSource(f, 0), path: join(dir, "broken.tif") };
  await t.rejects(readAll([[broken]], ownGrid(f), "uint16", "near"), /broken\.tif: block 1 does not inflate/);
  // the same block decoded straight into a box: the same error, and the next file still reads
  await t.rejects(readInBoxes([[broken]], ownGrid(f), "uint16", 16, 16), /broken\.tif: block 1 does not inflate/);
  const good = await readInBoxes([[bandSource(f, 0)]], ownGrid(f), "uint16", 16, 16);
  t.same(Array.from(good.data), f.data.map((v) => (isNodata(f, v) ? 0 : v)), "a good file reads after a broken block");
});
