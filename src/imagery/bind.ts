/**
 * The GeoContext of a compute call: checked, and bound into every imagery source of the
 * expression (which fixes their y and x sizes) before anything is planned.
 */
import { ProxyTypeError } from "../core/errors.js";
import type { Node } from "../graph/node.js";
import { GeoContext, type GeoContextOptions, type Grid } from "./geocontext.js";
import { bindImagery } from "./source.js";

/** A GeoContext, or the options of one (a plain object), as the grid it reads at. */
export function gridOfOption(geoctx: unknown): Grid | undefined {
  if (geoctx === undefined || geoctx === null) return undefined;
  if (geoctx instanceof GeoContext) return geoctx.grid;
  if (typeof geoctx === "object" && "bounds" in geoctx && "crs" in geoctx) return new GeoContext(geoctx as GeoContextOptions).grid;
  throw new ProxyTypeError("option 'geoctx' must be a wf.GeoContext");
}

/** `node` with its imagery bound to the GeoContext of `opts` (a ProxyTypeError when it reads imagery and has none). */
export function bindGeoContext<O extends { geoctx?: unknown }>(node: Node, opts: O): { node: Node; grid: Grid | undefined; rest: O } {
  const grid = gridOfOption(opts.geoctx);
  return { node: bindImagery(node, grid), grid, rest: opts };
}
