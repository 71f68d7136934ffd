/** NumPy broadcasting over shapes that may hold -1 (unknown until data decides). */
import { ProxyTypeError } from "../core/errors.js";
import { shapeStr } from "../core/shape.js";

export function broadcastShapes(shapes: readonly (readonly number[])[]): number[] {
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(nd).fill(1);
  for (let k = 1; k <= nd; k++) {
    let size = 1;
    for (const s of shapes) {
      const d = s.length - k;
      if (d < 0) continue;
      const v = s[d]!;
      if (v === 1) continue;
      if (size === 1) size = v;
      else if (v === -1 || size === -1) size = size === -1 ? v : size;
      else if (v !== size) {
        throw new ProxyTypeError(
          `operands could not be broadcast together with shapes ${shapes.map(shapeStr).join(" ")}`,
        );
      }
    }
    out[nd - k] = size;
  }
  return out;
}
