/**
 * A test-side reader of `.npy` and `.npz`, written apart from src/core/npy.ts and
 * src/formats/zip.ts so the tests check our bytes against a second reading of the formats.
 * The header is parsed as the Python literal it is; the ZIP is walked front to back through
 * its local headers, and the central directory is then checked against what was found.
 */
import { crc32, inflateRawSync } from "node:zlib";

export interface ParsedNpy {
  major: number;
  minor: number;
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Bytes from the start of the file to the first data byte. */
  dataOffset: number;
  body: Uint8Array;
}

type PyValue = string | number | boolean | PyValue[] | { [k: string]: PyValue };

/** Parse the small subset of Python literals NumPy writes: dicts, tuples, strings, ints, booleans. */
function parsePython(src: string): PyValue {
  let i = 0;
  const ws = (): void => { while (i < src.length && /\s/.test(src[i]!)) i++; };
  const expect = (ch: string): void => {
    ws();
    if (src[i] !== ch) throw new Error(`npy header: expected '${ch}' at ${i} in ${src}`);
    i++;
  };
  const value = (): PyValue => {
    ws();
    const c = src[i];
    if (c === "{") {
      i++;
      const out: { [k: string]: PyValue } = {};
      for (;;) {
        ws();
        if (src[i] === "}") { i++; return out; }
        const k = value();
        if (typeof k !== "string") throw new Error("npy header: non-string key");
        expect(":");
        out[k] = value();
        ws();
        if (src[i] === ",") i++;
      }
    }
    if (c === "(") {
      i++;
      const out: PyValue[] = [];
      for (;;) {
        ws();
        if (src[i] === ")") { i++; return out; }
        out.push(value());
        ws();
        if (src[i] === ",") i++;
      }
    }
    if (c === "'") {
      const end = src.indexOf("'", i + 1);
      const s = src.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    const m = /^(True|False|-?\d+)/.exec(src.slice(i));
    if (!m) throw new Error(`npy header: cannot parse at ${i}: ${src.slice(i, i + 20)}`);
    i += m[0].length;
    return m[0] === "True" ? true : m[0] === "False" ? false : Number(m[0]);
  };
  const v = value();
  ws();
  if (i !== src.length) throw new Error(`npy header: trailing text ${JSON.stringify(src.slice(i))}`);
  return v;
}

const ITEM_SIZE: Record<string, number> = {
  "|b1": 1, "|i1": 1, "|u1": 1, "<i2": 2, "<u2": 2, "<i4": 4, "<u4": 4,
  "<i8": 8, "<u8": 8, "<f4": 4, "<f8": 8,
};

export function parseNpy(bytes: Uint8Array): ParsedNpy {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (!magic.every((b, k) => bytes[k] === b)) throw new Error("not .npy");
  const major = bytes[6]!, minor = bytes[7]!;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  const hlen = lenBytes === 2 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = 8 + lenBytes;
  const header = Buffer.from(bytes.subarray(start, start + hlen)).toString("latin1");
  if (!header.endsWith("\n")) throw new Error("npy header does not end in a newline");
  const dict = parsePython(header);
  if (typeof dict !== "object" || Array.isArray(dict)) throw new Error("npy header is not a dict");
  const { descr, fortran_order: fo, shape } = dict;
  if (typeof descr !== "string" || typeof fo !== "boolean" || !Array.isArray(shape)) throw new Error("npy header keys");
  const dims = shape.map((s) => { if (typeof s !== "number") throw new Error("shape"); return s; });
  const dataOffset = start + hlen;
  const n = dims.reduce((a, b) => a * b, 1);
  const size = ITEM_SIZE[descr];
  if (size === undefined) throw new Error(`test reader: descr ${descr}`);
  const body = bytes.subarray(dataOffset, dataOffset + n * size);
  if (body.length !== n * size) throw new Error("npy body truncated");
  return { major, minor, descr, fortranOrder: fo, shape: dims, dataOffset, body };
}

/** The elements of a parsed `.npy` as JS values: boolean, bigint for 8-byte ints, else number. */
export function npyValues(p: ParsedNpy): (number | bigint | boolean)[] {
  const dv = new DataView(p.body.buffer, p.body.byteOffset, p.body.byteLength);
  const size = ITEM_SIZE[p.descr]!;
  const read: (at: number) => number | bigint | boolean = {
    "|b1": (at: number) => dv.getUint8(at) !== 0,
    "|i1": (at: number) => dv.getInt8(at),
    "|u1": (at: number) => dv.getUint8(at),
    "<i2": (at: number) => dv.getInt16(at, true),
    "<u2": (at: number) => dv.getUint16(at, true),
    "<i4": (at: number) => dv.getInt32(at, true),
    "<u4": (at: number) => dv.getUint32(at, true),
    "<i8": (at: number) => dv.getBigInt64(at, true),
    "<u8": (at: number) => dv.getBigUint64(at, true),
    "<f4": (at: number) => dv.getFloat32(at, true),
    "<f8": (at: number) => dv.getFloat64(at, true),
  }[p.descr]!;
  const out: (number | bigint | boolean)[] = [];
  for (let at = 0; at < p.body.length; at += size) out.push(read(at));
  return out;
}

export interface NpzMember {
  name: string;
  method: number;
  bytes: Uint8Array;
}

/**
 * Walk a ZIP front to back (local header, data, next local header ...), then check that the
 * central directory and end record agree with the walk. Throws on anything unexpected.
 */
export function parseNpz(zip: Uint8Array): NpzMember[] {
  const dv = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const members: (NpzMember & { offset: number; crc: number; size: number; csize: number })[] = [];
  let at = 0;
  while (dv.getUint32(at, true) === 0x04034b50) {
    const flags = dv.getUint16(at + 6, true);
    if (flags & 0x08) throw new Error("test reader: data descriptors not handled");
    const method = dv.getUint16(at + 8, true);
    const crc = dv.getUint32(at + 14, true);
    let csize = dv.getUint32(at + 18, true);
    let size = dv.getUint32(at + 22, true);
    const nameLen = dv.getUint16(at + 26, true);
    const extraLen = dv.getUint16(at + 28, true);
    const name = Buffer.from(zip.subarray(at + 30, at + 30 + nameLen)).toString("utf8");
    // ZIP64 extra (id 1): in a local header it carries both sizes, uncompressed first.
    for (let e = at + 30 + nameLen; e < at + 30 + nameLen + extraLen;) {
      const id = dv.getUint16(e, true), len = dv.getUint16(e + 2, true);
      if (id === 1) {
        size = Number(dv.getBigUint64(e + 4, true));
        csize = Number(dv.getBigUint64(e + 12, true));
      }
      e += 4 + len;
    }
    const start = at + 30 + nameLen + extraLen;
    const raw = zip.subarray(start, start + csize);
    if (raw.length !== csize) throw new Error(`${name}: truncated`);
    const bytes = method === 0 ? raw : method === 8 ? new Uint8Array(inflateRawSync(raw)) : undefined;
    if (bytes === undefined) throw new Error(`${name}: method ${method}`);
    if (bytes.length !== size) throw new Error(`${name}: size ${bytes.length} != ${size}`);
    if (crc32(bytes) !== crc) throw new Error(`${name}: CRC mismatch`);
    members.push({ name, method, bytes, offset: at, crc, size, csize });
    at = start + csize;
  }
  // Central directory: one record per member, same name, CRC, sizes and offsets.
  const cdStart = at;
  for (const m of members) {
    if (dv.getUint32(at, true) !== 0x02014b50) throw new Error(`central record for ${m.name} missing`);
    const nameLen = dv.getUint16(at + 28, true);
    const extraLen = dv.getUint16(at + 30, true);
    const commentLen = dv.getUint16(at + 32, true);
    const name = Buffer.from(zip.subarray(at + 46, at + 46 + nameLen)).toString("utf8");
    if (name !== m.name) throw new Error(`central name ${name} != ${m.name}`);
    if (dv.getUint32(at + 16, true) !== m.crc) throw new Error(`${name}: central CRC differs`);
    const csize = dv.getUint32(at + 20, true), size = dv.getUint32(at + 24, true), off = dv.getUint32(at + 42, true);
    if (csize !== 0xffffffff && csize !== m.csize) throw new Error(`${name}: central compressed size differs`);
    if (size !== 0xffffffff && size !== m.size) throw new Error(`${name}: central size differs`);
    if (off !== 0xffffffff && off !== m.offset) throw new Error(`${name}: central offset differs`);
    at += 46 + nameLen + extraLen + commentLen;
  }
  if (dv.getUint32(at, true) !== 0x06054b50) throw new Error("end of central directory missing");
  if (dv.getUint16(at + 10, true) !== members.length) throw new Error("entry count differs");
  if (dv.getUint32(at + 12, true) !== at - cdStart) throw new Error("central directory size differs");
  if (dv.getUint32(at + 16, true) !== cdStart) throw new Error("central directory offset differs");
  if (at + 22 + dv.getUint16(at + 20, true) !== zip.length) throw new Error("bytes after the end record");
  return members.map(({ name, method, bytes }) => ({ name, method, bytes }));
}
