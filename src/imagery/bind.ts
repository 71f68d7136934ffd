/**
 * The GeoContext of a compute call: checked, and bound into every imagery source of the
 * expression (which fixes their y and x sizes) before anything is planned.
 */
import { ProxyTypeError } from "../core/errors.js";
import { GeoContext, type GeoContextOptions, type Grid } from "./geocontext.js";
import { geoContextInfo, type GeoContextInfo } from "./results.js";

/** A GeoContext, or the options of one (a plain object), as the grid it reads at. */
export function gridOfOption(geoctx: unknown): Grid | undefined {
  if (geoctx === undefined || geoctx === null) return undefined;
  if (geoctx instanceof GeoContext) return geoctx.grid;
  if (typeof geoctx === "object" && "bounds" in geoctx && "crs" in geoctx) return new GeoContext(geoctx as GeoContextOptions).grid;
  throw new ProxyTypeError("option 'geoctx' must be a wf.GeoContext");
}

/** The grid of a compute call's GeoContext as plain data, or null without one. */
export function geoContextOf(geoctx: unknown): GeoContextInfo | null {
  const grid = gridOfOption(geoctx);
  return grid === undefined ? null : geoContextInfo(grid);
}

