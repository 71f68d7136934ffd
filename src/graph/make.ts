/** Node construction: infer the type (validating), then intern. */
import { intern, type Attrs, type Node, type Payload } from "./node.js";
import type { OpName } from "./ops.js";
import { inferType } from "./infer.js";
import { resolveUnknownSizes } from "./unknown-sizes.js";

export function make(op: OpName, args: readonly Node[], attrs: Attrs = {}, payload?: Payload): Node {
  return intern(op, args, attrs, inferType(op, args, attrs), payload);
}

/**
 * Rebuild `root` with some nodes replaced (used once data-dependent sizes, or a GeoContext's y and
 * x sizes, are known); sizes left -1 in reshape and broadcast attributes are resolved on the way.
 */
export function substitute(root: Node, replace: ReadonlyMap<Node, Node>): Node {
  const memo = new Map<Node, Node>(replace);
  const visit = (n: Node): Node => {
    const hit = memo.get(n);
    if (hit !== undefined) return hit;
    const args = n.args.map(visit);
    const same = args.every((a, i) => a === n.args[i]);
    const out = same ? n : make(n.op, args, resolveUnknownSizes(n.op, args, n.attrs), n.payload);
    memo.set(n, out);
    return out;
  };
  return visit(root);
}
