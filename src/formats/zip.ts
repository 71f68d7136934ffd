/**
 * A minimal ZIP container for `.npz`: the writer stores entries uncompressed (method 0);
 * the reader takes stored and deflated entries (`np.savez_compressed`), finds them through
 * the central directory, understands ZIP64 size fields, and checks every CRC-32.
 * Sizes and offsets must stay below 4 GiB (no ZIP64 end records).
 */
import { crc32, inflateRawSync } from "node:zlib";
import { FormatDecodeError } from "./errors.js";

export interface ZipEntryInput {
  name: string;
  /** The entry's bytes in pieces, written back to back (saves a copy of large bodies). */
  parts: readonly Uint8Array[];
}

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const END_SIG = 0x06054b50;
const LOCAL_LEN = 30;
const CENTRAL_LEN = 46;
const END_LEN = 22;
const VERSION = 20; // 2.0: the oldest version that every reader of stored entries accepts
const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1; // fixed, so equal inputs give equal bytes
const STORED = 0;
const DEFLATED = 8;
const U32_MAX = 0xffffffff;
const ZIP64_EXTRA = 0x0001;

export function writeZip(entries: readonly ZipEntryInput[]): Uint8Array {
  const names = entries.map((e) => new TextEncoder().encode(e.name));
  const sizes = entries.map((e) => e.parts.reduce((n, p) => n + p.length, 0));
  // Skip empty parts: Node 20's crc32 returns 0, not the running value, for a view of a
  // zero-length ArrayBuffer.
  const crcs = entries.map((e) => e.parts.reduce((c, p) => (p.length ? crc32(p, c) : c), 0));
  let localTotal = 0;
  entries.forEach((_, i) => { localTotal += LOCAL_LEN + names[i]!.length + sizes[i]!; });
  const centralTotal = names.reduce((n, nm) => n + CENTRAL_LEN + nm.length, 0);
  const total = localTotal + centralTotal + END_LEN;
  if (total > U32_MAX || entries.length > 0xffff) throw new RangeError("a .npz over 4 GiB or 65535 entries needs ZIP64, which is not written");
  if (names.some((n) => n.length > 0xffff)) throw new RangeError("a ZIP entry name is longer than 65535 bytes");

  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  const offsets: number[] = [];
  let at = 0;
  entries.forEach((e, i) => {
    offsets.push(at);
    dv.setUint32(at, LOCAL_SIG, true);
    dv.setUint16(at + 4, VERSION, true);
    dv.setUint16(at + 6, 0, true); // flags
    dv.setUint16(at + 8, STORED, true);
    dv.setUint16(at + 10, 0, true); // time 00:00:00
    dv.setUint16(at + 12, DOS_DATE_1980_01_01, true);
    dv.setUint32(at + 14, crcs[i]!, true);
    dv.setUint32(at + 18, sizes[i]!, true);
    dv.setUint32(at + 22, sizes[i]!, true);
    dv.setUint16(at + 26, names[i]!.length, true);
    dv.setUint16(at + 28, 0, true); // extra length
    out.set(names[i]!, at + LOCAL_LEN);
    at += LOCAL_LEN + names[i]!.length;
    for (const p of e.parts) {
      out.set(p, at);
      at += p.length;
    }
  });
  const centralStart = at;
  entries.forEach((_, i) => {
    dv.setUint32(at, CENTRAL_SIG, true);
    dv.setUint16(at + 4, VERSION, true); // made by: MS-DOS attribute conventions, version 2.0
    dv.setUint16(at + 6, VERSION, true);
    dv.setUint16(at + 8, 0, true);
    dv.setUint16(at + 10, STORED, true);
    dv.setUint16(at + 12, 0, true);
    dv.setUint16(at + 14, DOS_DATE_1980_01_01, true);
    dv.setUint32(at + 16, crcs[i]!, true);
    dv.setUint32(at + 20, sizes[i]!, true);
    dv.setUint32(at + 24, sizes[i]!, true);
    dv.setUint16(at + 28, names[i]!.length, true);
    // extra length, comment length, disk number, internal and external attributes: all zero
    dv.setUint32(at + 42, offsets[i]!, true);
    out.set(names[i]!, at + CENTRAL_LEN);
    at += CENTRAL_LEN + names[i]!.length;
  });
  dv.setUint32(at, END_SIG, true);
  dv.setUint16(at + 8, entries.length, true);
  dv.setUint16(at + 10, entries.length, true);
  dv.setUint32(at + 12, at - centralStart, true);
  dv.setUint32(at + 16, centralStart, true);
  return out;
}

interface CentralEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const fail = (msg: string): never => { throw new FormatDecodeError("npz", msg); };

function findEnd(dv: DataView): number {
  const last = dv.byteLength - END_LEN;
  const first = Math.max(0, last - 0xffff); // the archive comment is at most 65535 bytes
  for (let at = last; at >= first; at--) {
    if (dv.getUint32(at, true) === END_SIG && at + END_LEN + dv.getUint16(at + 20, true) <= dv.byteLength) return at;
  }
  return fail(dv.byteLength < 4 || dv.getUint32(0, true) !== LOCAL_SIG
    ? "not a ZIP archive"
    : "truncated ZIP archive: no end of central directory record");
}

/** Replace 0xFFFFFFFF size/offset fields with their ZIP64 extra-field values. */
function applyZip64(dv: DataView, extraStart: number, extraLen: number, e: CentralEntry): void {
  let at = extraStart;
  const end = extraStart + extraLen;
  while (at + 4 <= end) {
    const id = dv.getUint16(at, true);
    const len = dv.getUint16(at + 2, true);
    if (id === ZIP64_EXTRA) {
      let p = at + 4;
      const next = (): number => {
        if (p + 8 > at + 4 + len) fail(`bad ZIP64 field for "${e.name}"`);
        const v = dv.getBigUint64(p, true);
        p += 8;
        if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(`entry "${e.name}" is too large`);
        return Number(v);
      };
      if (e.size === U32_MAX) e.size = next();
      if (e.compressedSize === U32_MAX) e.compressedSize = next();
      if (e.localOffset === U32_MAX) e.localOffset = next();
      return;
    }
    at += 4 + len;
  }
}

function readCentral(bytes: Uint8Array, dv: DataView): CentralEntry[] {
  const end = findEnd(dv);
  const count = dv.getUint16(end + 10, true);
  const cdSize = dv.getUint32(end + 12, true);
  const cdStart = dv.getUint32(end + 16, true);
  if (count === 0xffff || cdStart === U32_MAX) fail("ZIP64 archives (over 65535 entries or 4 GiB) are not supported");
  if (cdStart + cdSize > end) fail("truncated or corrupt ZIP central directory");
  const entries: CentralEntry[] = [];
  let at = cdStart;
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_LEN > end || dv.getUint32(at, true) !== CENTRAL_SIG) fail(`corrupt ZIP central directory at entry ${i}`);
    const nameLen = dv.getUint16(at + 28, true);
    const extraLen = dv.getUint16(at + 30, true);
    const commentLen = dv.getUint16(at + 32, true);
    const e: CentralEntry = {
      name: new TextDecoder().decode(bytes.subarray(at + CENTRAL_LEN, at + CENTRAL_LEN + nameLen)),
      method: dv.getUint16(at + 10, true),
      crc: dv.getUint32(at + 16, true),
      compressedSize: dv.getUint32(at + 20, true),
      size: dv.getUint32(at + 24, true),
      localOffset: dv.getUint32(at + 42, true),
    };
    applyZip64(dv, at + CENTRAL_LEN + nameLen, extraLen, e);
    entries.push(e);
    at += CENTRAL_LEN + nameLen + extraLen + commentLen;
  }
  return entries;
}

function entryBytes(bytes: Uint8Array, dv: DataView, e: CentralEntry): Uint8Array {
  const at = e.localOffset;
  if (at + LOCAL_LEN > bytes.length || dv.getUint32(at, true) !== LOCAL_SIG) fail(`corrupt local header for "${e.name}"`);
  const start = at + LOCAL_LEN + dv.getUint16(at + 26, true) + dv.getUint16(at + 28, true);
  const end = start + e.compressedSize;
  if (end > bytes.length) fail(`truncated data for "${e.name}"`);
  const raw = bytes.subarray(start, end);
  let data: Uint8Array;
  if (e.method === STORED) {
    data = raw;
  } else if (e.method === DEFLATED) {
    try {
      data = inflateRawSync(raw);
    } catch (err) {
      throw new FormatDecodeError("npz", `cannot inflate "${e.name}": ${(err as Error).message}`, { cause: err });
    }
  } else {
    return fail(`entry "${e.name}" uses compression method ${e.method}; only stored (0) and deflate (8) are read`);
  }
  if (data.length !== e.size) fail(`entry "${e.name}" has ${data.length} bytes, the directory says ${e.size}`);
  if (crc32(data) !== e.crc) fail(`CRC-32 mismatch in "${e.name}" (corrupt data)`);
  return data;
}

/** The entries of a ZIP archive by name; stored entries are views into `bytes`. */
export function readZip(bytes: Uint8Array): Map<string, Uint8Array> {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < END_LEN) fail(`not a ZIP archive (${bytes.length} bytes)`);
  const out = new Map<string, Uint8Array>();
  for (const e of readCentral(bytes, dv)) out.set(e.name, entryBytes(bytes, dv, e));
  return out;
}

/** Starts like a ZIP: a local header, or the end record of an empty archive. */
export function isZip(bytes: Uint8Array): boolean {
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) return false;
  return (bytes[2] === 0x03 && bytes[3] === 0x04) || (bytes[2] === 0x05 && bytes[3] === 0x06);
}
