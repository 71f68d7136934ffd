/** Reader "npy": a block of a C-ordered .npy file, read straight into the shared output buffer. */
import { closeSync, openSync, readSync } from "node:fs";
import type { Operand } from "../codegen/loops.js";
import type { ReaderParams, ReadRegion } from "./types.js";

function str(p: ReaderParams, k: string): string {
  const v = p[k];
  if (typeof v !== "string") throw new TypeError(`npy reader: parameter '${k}' must be a string`);
  return v;
}
function nums(p: ReaderParams, k: string): number[] {
  const v = p[k];
  if (!Array.isArray(v) || !v.every((x) => typeof x === "number")) throw new TypeError(`npy reader: parameter '${k}' must be numbers`);
  return v as number[];
}

/** Reads whole rows of the leading axis: the planner gives blocks that are contiguous in the file. */
export function readNpy(params: ReaderParams, region: ReadRegion, out: Operand): void {
  const path = str(params, "path");
  const [dataOffset] = nums(params, "offset");
  const shape = region.fullShape;
  const item = out.data.BYTES_PER_ELEMENT;
  const rowElems = shape.slice(1).reduce((a, b) => a * b, 1);
  const first = region.start[0] ?? 0;
  const rows = region.shape[0] ?? 1;
  const byteLength = rows * rowElems * item;
  const byteOffset = dataOffset! + first * rowElems * item;
  const elemOffset = out.offset + first * (out.strides[0] ?? 0);
  const bytes = new Uint8Array(out.data.buffer, out.data.byteOffset + elemOffset * item, byteLength);
  const fd = openSync(path, "r");
  try {
    let got = 0;
    while (got < byteLength) {
      const n = readSync(fd, bytes, got, byteLength - got, byteOffset + got);
      if (n === 0) throw new RangeError(`${path}: file ends before byte ${byteOffset + byteLength}`);
      got += n;
    }
  } finally {
    closeSync(fd);
  }
}
