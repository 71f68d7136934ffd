/**
 * The `npy` format: a plain array is one `.npy`; a masked array is an `.npz` holding
 * `data.npy` (the values, masked ones included as they are) and `mask.npy` (bool, 1 = masked),
 * which `np.load(f)["data"]` / `["mask"]` read and `np.ma.MaskedArray(data, mask)` rejoins.
 */
import { MaskedNDArray } from "../core/ndarray.js";
import { FormatDecodeError } from "./errors.js";
import { decodeNpyBytes, encodeNpyBytes, isNpy, npyParts } from "./npy.js";
import type { ArrayResult } from "./result.js";
import { isZip, readZip, writeZip } from "./zip.js";

export function encodeNpz(a: MaskedNDArray): Uint8Array {
  return writeZip([
    { name: "data.npy", parts: npyParts(a.data, a.shape, a.dtype) },
    { name: "mask.npy", parts: npyParts(a.mask, a.shape, "bool") },
  ]);
}

export function encodeNpyResult(a: ArrayResult): Uint8Array {
  return a instanceof MaskedNDArray ? encodeNpz(a) : encodeNpyBytes(a.data, a.shape, a.dtype);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** An `.npz` with `data` and `mask` is a masked array; one with a single array is that array. */
export function decodeNpz(bytes: Uint8Array): ArrayResult {
  const files = readZip(bytes);
  const names = [...files.keys()];
  const data = files.get("data.npy");
  const mask = files.get("mask.npy");
  if (data !== undefined && mask !== undefined) {
    const d = decodeNpyBytes(data, "npz data.npy");
    const m = decodeNpyBytes(mask, "npz mask.npy");
    if (m.dtype !== "bool") throw new FormatDecodeError("npz", `mask.npy must be bool, got ${m.dtype}`);
    if (!sameShape(d.shape, m.shape)) {
      throw new FormatDecodeError("npz", `data.npy has shape [${d.shape}] but mask.npy has shape [${m.shape}]`);
    }
    return new MaskedNDArray(d.data, m.data as Uint8Array, d.shape, d.dtype);
  }
  if (names.length === 1 && names[0]!.endsWith(".npy")) return decodeNpyBytes(files.get(names[0]!)!, `npz ${names[0]}`);
  throw new FormatDecodeError("npz", `expected data.npy and mask.npy (or a single array), found ${names.length ? names.join(", ") : "no entries"}`);
}

/** Read `npy`-format bytes: an `.npy` or an `.npz`, told apart by their magic. */
export function decodeNpyResult(bytes: Uint8Array): ArrayResult {
  if (isNpy(bytes)) return decodeNpyBytes(bytes);
  if (isZip(bytes)) return decodeNpz(bytes);
  throw new FormatDecodeError("npy", "neither a .npy (\\x93NUMPY) nor an .npz (PK) file");
}
