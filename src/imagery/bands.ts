/** Band bookkeeping shared by Image and ImageCollection: names → indices, and bandinfo after a change of dtype. */
import { ProxyTypeError } from "../core/errors.js";
import type { DTypeName } from "../core/dtype.js";
import type { BandDescription } from "./results.js";

/** "red nir", "red,nir" or ["red", "nir"] → indices, in the order given. */
export function bandIndices(names: string | readonly string[], bands: readonly BandDescription[]): number[] {
  const list = typeof names === "string" ? names.split(/[\s,]+/).filter((s) => s !== "") : [...names];
  if (list.length === 0) throw new ProxyTypeError("pickBands needs at least one band name");
  return list.map((n) => {
    const i = bands.findIndex((b) => b.name === n);
    if (i < 0) throw new ProxyTypeError(`no band ${JSON.stringify(n)}; the bands are ${bands.map((b) => b.name).join(", ")}`);
    return i;
  });
}

/** The same bands holding values of another dtype: their nodata and range no longer apply. */
export function retyped(bands: readonly BandDescription[], dtype: DTypeName): BandDescription[] {
  return bands.map((b) => (b.dtype === dtype ? b : { ...b, dtype, nodata: null, dataRange: null }));
}

export function oneBand(name: string, dtype: DTypeName, description: string): BandDescription {
  return { name, dtype, nodata: null, dataRange: null, description };
}
