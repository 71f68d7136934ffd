import t from "tap";
import { DTYPES, allocate } from "../../src/core/dtype.js";
import { MaskedNDArray, NDArray } from "../../src/core/ndarray.js";
import { decodeResult, encodeResult } from "../../src/formats/encode.js";
import { FormatDecodeError } from "../../src/formats/errors.js";
import { numpyHeader } from "../../src/formats/npy.js";
import { writeZip } from "../../src/formats/zip.js";
import { npyValues, parseNpy, parseNpz } from "../support/npy-reader.js";
import { allCases, maskOf, same, sameArray, valueAt } from "../support/format-cases.js";
import { expectedValue, fixture, headers, manifest } from "../support/format-fixtures.js";

const NPY = { type: "npy" } as const;
type TestContext = Parameters<Parameters<typeof t.test>[0]>[0];

function checkNpy(t: TestContext, bytes: Uint8Array, a: NDArray | MaskedNDArray, values: (i: number) => unknown): void {
  const p = parseNpy(bytes);
  t.equal(`${p.major}.${p.minor}`, "1.0");
  t.equal(p.descr, DTYPES[a.dtype].descr);
  t.equal(p.fortranOrder, false);
  t.same(p.shape, a.shape);
  t.equal(p.dataOffset % 64, 0, "data starts on a 64-byte boundary");
  t.equal(p.dataOffset + p.body.length, bytes.length, "no trailing bytes");
  const got = npyValues(p);
  t.equal(got.length, a.size);
  t.ok(got.every((v, i) => same(v, values(i))), "values read back by the test reader");
}

t.test("every dtype and shape, read by the independent .npy/.npz reader", async (t) => {
  for (const { label, array } of allCases()) {
    await t.test(label, async (t) => {
      const bytes = encodeResult(array, NPY);
      const mask = maskOf(array);
      if (mask === undefined) {
        checkNpy(t, bytes, array, (i) => valueAt(array, i));
        return;
      }
      const members = parseNpz(bytes);
      t.same(members.map((m) => [m.name, m.method]), [["data.npy", 0], ["mask.npy", 0]]);
      checkNpy(t, members[0]!.bytes, array, (i) => valueAt(array, i));
      checkNpy(t, members[1]!.bytes, new NDArray(mask, array.shape, "bool"), (i) => mask[i] === 1);
    });
  }
});

t.test("every dtype and shape round-trips through decodeResult", async (t) => {
  for (const { label, array } of allCases()) {
    const back = decodeResult(encodeResult(array, NPY), NPY);
    if (array.shape.length === 0) {
      const m = maskOf(array);
      t.ok(same(back, m?.[0] ? null : valueAt(array, 0)), `${label} comes back as a scalar`);
      continue;
    }
    t.ok(back instanceof NDArray || back instanceof MaskedNDArray, label);
    t.equal(sameArray(array, back as NDArray), undefined, label);
  }
});

t.test("scalars are 0-d .npy; a masked scalar is an .npz", async (t) => {
  const f = parseNpy(encodeResult(2.5, NPY));
  t.same([f.descr, f.shape, npyValues(f)], ["<f8", [], [2.5]]);
  const b = parseNpy(encodeResult(true, NPY));
  t.same([b.descr, npyValues(b)], ["|b1", [true]]);
  const i = parseNpy(encodeResult(-(2n ** 62n), NPY));
  t.same([i.descr, npyValues(i)], ["<i8", [-(2n ** 62n)]]);
  const u = parseNpy(encodeResult(2n ** 64n - 1n, NPY));
  t.same([u.descr, npyValues(u)], ["<u8", [2n ** 64n - 1n]]);
  const hinted = parseNpy(encodeResult(7, NPY, { dtype: "int16" }));
  t.same([hinted.descr, npyValues(hinted)], ["<i2", [7]]);
  const masked = parseNpz(encodeResult(null, NPY, { dtype: "int32" }));
  t.same(masked.map((m) => m.name), ["data.npy", "mask.npy"]);
  t.same(npyValues(parseNpy(masked[0]!.bytes)), [999999], "data holds the fill value");
  t.same(npyValues(parseNpy(masked[1]!.bytes)), [true]);
  t.equal(decodeResult(encodeResult(null, NPY), NPY), null);
  t.equal(decodeResult(encodeResult(7, NPY, { dtype: "uint64" }), NPY), 7n);
});

t.test(".npy bytes equal np.save's, header and body, for every shape NumPy pads differently", async (t) => {
  const cases = headers();
  t.ok(cases.length > 50);
  for (const h of cases) {
    const n = h.shape.reduce((a, b) => a * b, 1);
    const data = allocate(h.dtype, n, false);
    h.values?.forEach((s, i) => { data[i] = (h.dtype === "bool" ? Number(expectedValue(s, h.dtype)) : expectedValue(s, h.dtype)) as never; });
    const ours = Buffer.from(encodeResult(new NDArray(data, h.shape, h.dtype), NPY)).toString("hex");
    t.equal(ours, h.npy, `${h.dtype} [${h.shape}]`);
    const header = Buffer.from(numpyHeader(h.dtype, h.shape)).toString("hex");
    t.equal(header, h.npy.slice(0, header.length), `header alone, ${h.dtype} [${h.shape}]`);
  }
});

t.test("NumPy's .npy and .npz files decode to the values NumPy saved", async (t) => {
  for (const e of manifest()) {
    const bytes = fixture(e.file);
    const got = decodeResult(bytes, NPY);
    const want = e.values.map((s) => expectedValue(s, e.dtype));
    if (e.shape.length === 0) {
      t.ok(same(got, e.mask?.[0] ? null : want[0]), `${e.file}: scalar ${String(got)}`);
      continue;
    }
    const a = got as NDArray | MaskedNDArray;
    t.equal(a.dtype, e.dtype, e.file);
    t.same(a.shape, e.shape, e.file);
    t.ok(want.every((v, i) => same(valueAt(a, i), v)), `${e.file}: values`);
    t.same(maskOf(a) === undefined ? undefined : [...maskOf(a)!], e.mask, `${e.file}: mask`);
    // The test reader agrees with NumPy too, so it is a fair judge of our own bytes.
    if (e.file.endsWith(".npy")) t.ok(npyValues(parseNpy(bytes)).every((v, i) => same(v, want[i])), `${e.file}: test reader`);
    else t.same(parseNpz(bytes).map((m) => m.name), ["data.npy", "mask.npy"], `${e.file}: test reader`);
  }
});

t.test("our .npy header for NumPy's fixture arrays is NumPy's header", async (t) => {
  for (const e of manifest().filter((m) => m.file.endsWith(".npy"))) {
    const theirs = fixture(e.file);
    const a = decodeResult(theirs, NPY);
    const arr = a instanceof NDArray ? a : (() => {
      const d = allocate(e.dtype, 1, false);
      d[0] = (typeof a === "boolean" ? Number(a) : a) as never;
      return new NDArray(d, [], e.dtype);
    })();
    t.same(Buffer.from(encodeResult(arr, NPY)), Buffer.from(theirs), e.file);
  }
});

t.test("decoder errors are clear", async (t) => {
  const good = encodeResult(new NDArray(new Float64Array([1, 2, 3]), [3], "float64"), NPY);
  const bad = (bytes: Uint8Array, message: RegExp, label: string): void => {
    const err = t.throws(() => decodeResult(bytes, NPY), { message }, label) as Error;
    t.type(err, FormatDecodeError, label);
  };
  bad(new Uint8Array(0), /neither a \.npy .* nor an \.npz/, "empty");
  bad(new TextEncoder().encode("hello world"), /neither a \.npy/, "text");
  bad(good.subarray(0, 40), /truncated \.npy header/, "truncated header");
  bad(good.subarray(0, good.length - 1), /truncated \.npy data: need 152 bytes, have 151/, "truncated body");
  bad(fixture("reject_big_endian.npy"), /big-endian/, "big-endian");
  bad(fixture("reject_fortran.npy"), /Fortran-ordered/, "fortran");
  bad(fixture("reject_complex.npy"), /unsupported \.npy dtype '<c16'/, "complex");
  bad(fixture("reject_two_arrays.npz"), /expected data\.npy and mask\.npy \(or a single array\), found a\.npy, b\.npy/, "two arrays");
});

t.test(".npz errors: truncation, corruption, wrong members", async (t) => {
  const m = new MaskedNDArray(new Int32Array([1, 2, 3, 4]), new Uint8Array([0, 1, 0, 0]), [4], "int32");
  const zip = encodeResult(m, NPY);
  for (const cut of [zip.length - 1, zip.length - 22, zip.length - 40, 100, 10]) {
    t.throws(() => decodeResult(zip.subarray(0, cut), NPY), { name: "FormatDecodeError", message: /^npz: / }, `cut at ${cut}`);
  }
  const flipped = zip.slice();
  flipped[120] ^= 0xff; // inside data.npy's header
  t.throws(() => decodeResult(flipped, NPY), { name: "FormatDecodeError", message: /CRC-32 mismatch in "data\.npy"/ });
  const badMethod = zip.slice();
  const dv = new DataView(badMethod.buffer);
  dv.setUint16(8, 12, true); // bzip2, in the local header and the central record
  dv.setUint16(dv.getUint32(badMethod.length - 22 + 16, true) + 10, 12, true);
  t.throws(() => decodeResult(badMethod, NPY), { message: /compression method 12/ });

  const npy = (a: NDArray): Uint8Array[] => [a.toNpy()];
  const data = new NDArray(new Float32Array([1, 2]), [2], "float32");
  const shapeMismatch = writeZip([{ name: "data.npy", parts: npy(data) }, { name: "mask.npy", parts: npy(new NDArray(new Uint8Array(3), [3], "bool")) }]);
  t.throws(() => decodeResult(shapeMismatch, NPY), { message: "npz: data.npy has shape [2] but mask.npy has shape [3]" });
  const intMask = writeZip([{ name: "data.npy", parts: npy(data) }, { name: "mask.npy", parts: npy(new NDArray(new Uint8Array(2), [2], "uint8")) }]);
  t.throws(() => decodeResult(intMask, NPY), { message: "npz: mask.npy must be bool, got uint8" });
  const brokenMember = writeZip([{ name: "data.npy", parts: [new Uint8Array([1, 2, 3])] }, { name: "mask.npy", parts: npy(data) }]);
  t.throws(() => decodeResult(brokenMember, NPY), { message: /^npz data\.npy: not a \.npy file/ });
  const single = writeZip([{ name: "arr_0.npy", parts: npy(data) }]);
  t.equal(sameArray(decodeResult(single, NPY) as NDArray, data), undefined, "a single-array .npz is that array");
  t.throws(() => decodeResult(writeZip([]), NPY), { message: /found no entries/ });
});
