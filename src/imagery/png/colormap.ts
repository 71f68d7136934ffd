/** Colormaps for one-band quicklooks: a few colour stops, linearly interpolated into a 256-entry table. */

export const COLORMAPS = ["viridis", "magma", "gray", "rdylgn"] as const;
export type ColormapName = (typeof COLORMAPS)[number];

type Rgb = readonly [number, number, number];

const STOPS: Readonly<Record<ColormapName, readonly Rgb[]>> = {
  viridis: [[68, 1, 84], [72, 40, 120], [62, 73, 137], [49, 104, 142], [38, 130, 142], [31, 158, 137], [53, 183, 121], [110, 206, 88], [181, 222, 43], [253, 231, 37]],
  magma: [[0, 0, 4], [28, 16, 68], [79, 18, 123], [129, 37, 129], [181, 54, 122], [229, 80, 100], [251, 135, 97], [254, 194, 135], [252, 253, 191]],
  gray: [[0, 0, 0], [255, 255, 255]],
  rdylgn: [[165, 0, 38], [215, 48, 39], [244, 109, 67], [253, 174, 97], [254, 224, 139], [217, 239, 139], [166, 217, 106], [102, 189, 99], [26, 152, 80], [0, 104, 55]],
};

export function isColormapName(x: unknown): x is ColormapName {
  return typeof x === "string" && (COLORMAPS as readonly string[]).includes(x);
}

/** 256 RGB triples, index 0 for the low end of the scale. */
export function colormapTable(name: ColormapName): Uint8Array {
  const stops = STOPS[name];
  const out = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const pos = (i / 255) * (stops.length - 1);
    const k = Math.min(Math.floor(pos), stops.length - 2);
    const f = pos - k;
    const a = stops[k]!, b = stops[k + 1]!;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round(a[c]! + (b[c]! - a[c]!) * f);
  }
  return out;
}
