/** The proxy a loaded graph stands for. */
import type { LoadedGraph } from "../graph/deserialize.js";
import { wrapNode } from "../proxy/wrap.js";

export function proxyOf(g: LoadedGraph): unknown {
  return wrapNode(g.root);
}
