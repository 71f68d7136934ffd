import t from "tap";
import { readZip, writeZip } from "../../src/formats/zip.js";
import { parseNpz } from "../support/npy-reader.js";
import { fixture } from "../support/format-fixtures.js";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

t.test("written archives read back, by the test reader and by readZip", async (t) => {
  const entries = [
    { name: "a.txt", parts: [enc("hello "), enc(""), enc("world")] },
    { name: "empty", parts: [] },
    { name: "dir/ünïcode.bin", parts: [new Uint8Array(1000).map((_, i) => i & 0xff)] },
  ];
  const zip = writeZip(entries);
  const members = parseNpz(zip);
  t.same(members.map((m) => [m.name, m.method, m.bytes.length]), [["a.txt", 0, 11], ["empty", 0, 0], ["dir/ünïcode.bin", 0, 1000]]);
  const read = readZip(zip);
  t.equal(new TextDecoder().decode(read.get("a.txt")), "hello world");
  t.equal(read.get("empty")!.length, 0);
  t.same([...read.get("dir/ünïcode.bin")!.subarray(250, 260)], [250, 251, 252, 253, 254, 255, 0, 1, 2, 3]);
  t.same(Buffer.from(writeZip(entries)), Buffer.from(zip), "deterministic: no clock in the bytes");
  t.same(readZip(writeZip([])), new Map());
});

t.test("NumPy's archives: ZIP64 local headers, stored and deflated members", async (t) => {
  for (const name of ["masked_float32_2x3.npz", "masked_int64_7_compressed.npz"]) {
    const zip = fixture(name);
    const ours = readZip(zip);
    const theirs = parseNpz(zip);
    t.same([...ours.keys()], theirs.map((m) => m.name), name);
    for (const m of theirs) t.same(Buffer.from(ours.get(m.name)!), Buffer.from(m.bytes), `${name} ${m.name}`);
  }
  t.ok(parseNpz(fixture("masked_int64_7_compressed.npz")).every((m) => m.method === 8), "the compressed one really is deflated");
});

t.test("damaged archives", async (t) => {
  const zip = writeZip([{ name: "x", parts: [enc("abcdef")] }]);
  const bad = (bytes: Uint8Array, message: RegExp | string, label: string): void => {
    t.throws(() => readZip(bytes), { name: "FormatDecodeError", message }, label);
  };
  bad(new Uint8Array(5), "npz: not a ZIP archive (5 bytes)", "tiny");
  bad(new Uint8Array(100), "npz: not a ZIP archive", "zeros");
  bad(zip.subarray(0, zip.length - 1), "npz: truncated ZIP archive: no end of central directory record", "end record cut");
  const deflated = fixture("masked_int64_7_compressed.npz").slice();
  const dataStart = 30 + new DataView(deflated.buffer).getUint16(26, true) + new DataView(deflated.buffer).getUint16(28, true);
  deflated.fill(0xff, dataStart, dataStart + 8);
  bad(deflated, /^npz: cannot inflate "data\.npy"|^npz: CRC-32 mismatch/, "corrupt deflate stream");
  const wrongOffset = zip.slice();
  new DataView(wrongOffset.buffer).setUint32(wrongOffset.length - 22 + 16, 3, true);
  bad(wrongOffset, /corrupt ZIP central directory/, "central directory offset");
  const wrongLocal = zip.slice();
  new DataView(wrongLocal.buffer).setUint32(0, 0, true);
  bad(wrongLocal, 'npz: corrupt local header for "x"', "local header");
});
