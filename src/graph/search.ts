/**
 * The `search` op: each element of `x` looked up in a sorted 1-d table by binary search, so a lookup
 * costs O(log n) instead of a comparison with every table element. NumPy's sort order: NaN is the
 * largest value. Modes:
 * - `left` / `right`: searchsorted's count of table values < x (left) or <= x (right), int64;
 * - `hist`: histogram's bin of x for edges `table` (the last bin holds its right edge), -1 outside
 *   [table[0], table[n-1]] and for NaN, int32;
 * - `member`: whether x equals a table value (NaN never does), bool.
 * The table must be sorted ascending: callers sort it (unique) or check it (a `check` node).
 */
import { ProxyTypeError } from "../core/errors.js";
import type { Attrs, Node, NodeType } from "./node.js";

export type SearchMode = "left" | "right" | "hist" | "member";

export const SEARCH_MODES: readonly SearchMode[] = ["left", "right", "hist", "member"];

export function isSearchMode(x: unknown): x is SearchMode {
  return typeof x === "string" && (SEARCH_MODES as readonly string[]).includes(x);
}

export function inferSearch(args: readonly Node[], attrs: Attrs): NodeType {
  if (args.length !== 2) throw new ProxyTypeError(`search takes 2 arguments, got ${args.length}`);
  const [x, table] = args as [Node, Node];
  const mode = attrs["mode"];
  if (!isSearchMode(mode)) throw new ProxyTypeError(`unknown search mode '${String(mode)}'`);
  if (table.shape.length !== 1) throw new ProxyTypeError(`a search table must be 1-d, not ${table.shape.length}-d`);
  if (table.masked) throw new ProxyTypeError("a search table must be unmasked");
  // hist indices only feed bincount: int32 spares a BigInt per element
  const dtype = mode === "member" ? "bool" : mode === "hist" ? "int32" : "int64";
  return { kind: "array", shape: x.shape, dtype, masked: x.masked };
}
