/** The proxy a loaded graph stands for: a Function when it has parameters. */
import type { LoadedGraph } from "../graph/deserialize.js";
import { FunctionProxy } from "../params/function.js";
import { wrapNode } from "../proxy/wrap.js";

export function proxyOf(g: LoadedGraph): unknown {
  const obj = wrapNode(g.root);
  return g.params.length > 0 ? FunctionProxy.fromObject(obj) : obj;
}
