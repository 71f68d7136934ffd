/** einsum with one or two operands: labels become a common axis space, contracted labels are summed. */
import { ProxyTypeError } from "../core/errors.js";
import type { Node } from "../graph/node.js";
import { asScalar, castTo, nodeOf, requireKnown, wrap, type ArrayLike } from "./args.js";
import { contract, diagonalNode, placed } from "./linalg.js";
import { reduceNode, type Reduced } from "./reduce.js";

interface Term {
  node: Node;
  labels: string[];
}

function parse(spec: string, n: number): { inputs: string[][]; output: string[] } {
  const s = spec.replace(/\s+/g, "");
  if (s.includes(".")) throw new ProxyTypeError("einsum: ellipsis ('...') subscripts are not supported");
  const [lhs, rhs] = s.split("->") as [string, string | undefined];
  const inputs = lhs.split(",").map((t) => [...t]);
  if (inputs.length !== n) throw new ProxyTypeError(`einsum: ${inputs.length} operand subscripts for ${n} operands`);
  if (n < 1 || n > 2) throw new ProxyTypeError("einsum: only one or two operands are supported");
  for (const c of inputs.flat()) if (!/[a-zA-Z]/.test(c)) throw new ProxyTypeError(`einsum: invalid subscript '${c}' in einstein sum subscripts string`);
  if (rhs !== undefined) {
    const out = [...rhs];
    for (const c of out) {
      if (!inputs.flat().includes(c)) throw new ProxyTypeError(`einsum: output subscript '${c}' does not appear in the input subscripts`);
    }
    if (new Set(out).size !== out.length) throw new ProxyTypeError(`einsum: output subscript string contains a repeated subscript`);
    return { inputs, output: out };
  }
  const counts = new Map<string, number>();
  for (const c of inputs.flat()) counts.set(c, (counts.get(c) ?? 0) + 1);
  return { inputs, output: [...counts].filter(([, k]) => k === 1).map(([c]) => c).sort() };
}

/** Repeated labels within one operand select its diagonal. */
function undiagonal(t: Term): Term {
  for (let p = 0; p < t.labels.length; p++) {
    const q = t.labels.indexOf(t.labels[p]!, p + 1);
    if (q < 0) continue;
    if (t.node.shape[p] !== t.node.shape[q]) throw new ProxyTypeError(`einsum: dimensions in operand for collapsing index '${t.labels[p]}' don't match (${t.node.shape[p]} != ${t.node.shape[q]})`);
    const labels = t.labels.filter((_, i) => i !== p && i !== q);
    return undiagonal({ node: diagonalNode(t.node, { axis1: p, axis2: q }), labels: [...labels, t.labels[p]!] });
  }
  return t;
}

export function einsum(subscripts: string, ...operands: ArrayLike[]): Reduced {
  const { inputs, output } = parse(subscripts, operands.length);
  const terms = operands.map((o, i) => {
    const node = nodeOf(o);
    requireKnown("einsum", node);
    if (inputs[i]!.length !== node.shape.length) throw new ProxyTypeError(`einsum: operand ${i} has ${node.shape.length} dimensions but its subscripts name ${inputs[i]!.length}`);
    return undiagonal({ node, labels: inputs[i]! });
  });
  const size = new Map<string, number>();
  for (const t of terms) {
    t.labels.forEach((c, k) => {
      const s = t.node.shape[k]!;
      const have = size.get(c);
      if (have !== undefined && have !== s && have !== 1 && s !== 1) throw new ProxyTypeError(`einsum: operands could not be broadcast together: label '${c}' has sizes ${have} and ${s}`);
      if (have === undefined || have === 1) size.set(c, s);
    });
  }
  const contracted = [...new Set(terms.flatMap((t) => t.labels))].filter((c) => !output.includes(c));
  const all = [...output, ...contracted];
  const laid = terms.map((t) => placed(t.node, all.filter((c) => t.labels.includes(c)).map((c) => t.labels.indexOf(c)), all.map((c) => (t.labels.includes(c) ? 0 : -1))));
  if (laid.length === 2) return wrap(contract(laid[0]!, laid[1]!, output.length, all.length, true));
  const x = laid[0]!;
  if (contracted.length === 0) return wrap(x);
  const r = castTo(reduceNode("sum", x, { axis: contracted.map((_, i) => output.length + i) }), x.dtype);
  return wrap(r.shape.length === 0 ? asScalar(r) : r);
}
