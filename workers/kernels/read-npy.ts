/** Read a contiguous byte range of a .npy file straight into a shared output buffer. */
import { closeSync, openSync, readSync } from "node:fs";
import type { Operand } from "../codegen/loops.js";

export function runReadNpy(path: string, byteOffset: number, byteLength: number, out: Operand): void {
  const bytes = new Uint8Array(out.data.buffer, out.data.byteOffset + out.offset * out.data.BYTES_PER_ELEMENT, byteLength);
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
