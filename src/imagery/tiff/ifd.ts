/**
 * TIFF image file directories as bytes: classic TIFF (32-bit offsets) or BigTIFF (64-bit), little endian.
 * A directory is written with its out-of-line values right after it, so its size is known before
 * any offset is fixed.
 */

/** The field types this writer emits, by their TIFF codes. */
export const FIELD_TYPES = { BYTE: 1, ASCII: 2, SHORT: 3, LONG: 4, DOUBLE: 12, LONG8: 16 } as const;
export type FieldType = keyof typeof FIELD_TYPES;

const TYPE_BYTES: Readonly<Record<FieldType, number>> = { BYTE: 1, ASCII: 1, SHORT: 2, LONG: 4, DOUBLE: 8, LONG8: 8 };

export interface Field {
  readonly tag: number;
  readonly type: FieldType;
  /** Numbers for numeric types, a string for ASCII (written NUL-terminated). */
  readonly values: readonly number[] | string;
}

export interface Layout {
  readonly big: boolean;
}

const count = (f: Field): number => (typeof f.values === "string" ? Buffer.byteLength(f.values, "latin1") + 1 : f.values.length);
const valueBytes = (f: Field): number => count(f) * TYPE_BYTES[f.type];
const inlineBytes = (l: Layout): number => (l.big ? 8 : 4);
const pad2 = (n: number): number => n + (n & 1);

/** Bytes of the file header; the first directory may start right after it. */
export function headerBytes(l: Layout): number {
  return l.big ? 16 : 8;
}

/** Bytes a directory with these fields takes, out-of-line values included. */
export function ifdBytes(fields: readonly Field[], l: Layout): number {
  const entry = l.big ? 20 : 12;
  let n = (l.big ? 8 : 2) + fields.length * entry + (l.big ? 8 : 4);
  for (const f of fields) if (valueBytes(f) > inlineBytes(l)) n += pad2(valueBytes(f));
  return n;
}

export function writeHeader(view: DataView, firstIfd: number, l: Layout): void {
  view.setUint16(0, 0x4949, true);
  if (l.big) {
    view.setUint16(2, 43, true);
    view.setUint16(4, 8, true);
    view.setUint16(6, 0, true);
    view.setBigUint64(8, BigInt(firstIfd), true);
  } else {
    view.setUint16(2, 42, true);
    view.setUint32(4, firstIfd, true);
  }
}

function putValues(view: DataView, at: number, f: Field): void {
  if (typeof f.values === "string") {
    for (let i = 0; i < f.values.length; i++) view.setUint8(at + i, f.values.charCodeAt(i) & 0xff);
    view.setUint8(at + f.values.length, 0);
    return;
  }
  const size = TYPE_BYTES[f.type];
  f.values.forEach((v, i) => {
    const p = at + i * size;
    switch (f.type) {
      case "BYTE": view.setUint8(p, v); break;
      case "SHORT": view.setUint16(p, v, true); break;
      case "LONG": view.setUint32(p, v, true); break;
      case "DOUBLE": view.setFloat64(p, v, true); break;
      case "LONG8": view.setBigUint64(p, BigInt(v), true); break;
      case "ASCII": break;
    }
  });
}

/** Write a directory at `offset` (its out-of-line values follow it); `next` is the next directory's offset or 0. */
export function writeIfd(view: DataView, offset: number, fields: readonly Field[], next: number, l: Layout): void {
  const sorted = [...fields].sort((a, b) => a.tag - b.tag);
  const entry = l.big ? 20 : 12;
  let p = offset;
  if (l.big) view.setBigUint64(p, BigInt(sorted.length), true);
  else view.setUint16(p, sorted.length, true);
  p += l.big ? 8 : 2;
  let extra = p + sorted.length * entry + (l.big ? 8 : 4);
  for (const f of sorted) {
    view.setUint16(p, f.tag, true);
    view.setUint16(p + 2, FIELD_TYPES[f.type], true);
    if (l.big) view.setBigUint64(p + 4, BigInt(count(f)), true);
    else view.setUint32(p + 4, count(f), true);
    const valueAt = p + (l.big ? 12 : 8);
    if (valueBytes(f) <= inlineBytes(l)) {
      putValues(view, valueAt, f);
    } else {
      if (l.big) view.setBigUint64(valueAt, BigInt(extra), true);
      else view.setUint32(valueAt, extra, true);
      putValues(view, extra, f);
      extra += pad2(valueBytes(f));
    }
    p += entry;
  }
  if (l.big) view.setBigUint64(p, BigInt(next), true);
  else view.setUint32(p, next, true);
}
