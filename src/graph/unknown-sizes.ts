/**
 * Sizes left unknown (-1) in a node's attributes when it was built over an input of unknown shape
 * (an imagery array before its GeoContext binds y and x, or a selection before it runs): once
 * the input's shape is known, `substitute` fills them in, as NumPy would have.
 */
import type { AttrValue, Attrs, Node } from "./node.js";

const known = (shape: readonly number[]): boolean => !shape.includes(-1);

function reshapeAttrs(input: readonly number[], attrs: Attrs): Attrs {
  const target = attrs["shape"] as readonly number[];
  if (!target.includes(-1) || !known(input)) return attrs;
  const total = input.reduce((a, b) => a * b, 1);
  const rest = target.reduce((a, b) => (b === -1 ? a : a * b), 1);
  // an impossible size is left for the reshape's own check to refuse
  if (rest === 0 || total % rest !== 0) return attrs;
  return { ...attrs, shape: target.map((d) => (d === -1 ? total / rest : d)) as unknown as AttrValue };
}

function broadcastAttrs(input: readonly number[], attrs: Attrs): Attrs {
  const target = attrs["shape"] as readonly number[];
  if (!target.includes(-1)) return attrs;
  const lead = target.length - input.length;
  // a -1 in the target came from the input's unknown size on that axis (inputs align on the right)
  const shape = target.map((d, i) => (d === -1 && i >= lead ? input[i - lead]! : d));
  return { ...attrs, shape: shape as unknown as AttrValue };
}

/** `attrs` of an `op` node over `args`, with unknown sizes its inputs now determine filled in. */
export function resolveUnknownSizes(op: Node["op"], args: readonly Node[], attrs: Attrs): Attrs {
  if (op === "reshape") return reshapeAttrs(args[0]!.shape, attrs);
  if (op === "broadcast") return broadcastAttrs(args[0]!.shape, attrs);
  return attrs;
}
