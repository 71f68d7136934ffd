/**
 * Late binding between proxy classes: a method on Array may return a MaskedArray or a Scalar,
 * and those classes extend Array. The index module registers the constructors once.
 */
import type { Node } from "../graph/node.js";

export type Wrapper = (node: Node) => unknown;

let wrapper: Wrapper | undefined;

export function setWrapper(w: Wrapper): void {
  wrapper = w;
}

export function wrapNode<T>(node: Node): T {
  if (wrapper === undefined) throw new Error("proxy classes are not registered (import tesserae's index module)");
  return wrapper(node) as T;
}
