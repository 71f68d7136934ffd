/**
 * Binding `compute({arguments})` (or `fn.invoke(...)`) to the parameters an expression depends on:
 * a missing, extra or wrongly typed argument is a `ProxyTypeError` naming the parameter; then every
 * parameter node is replaced by its argument and the graph re-inferred with the real shapes.
 */
import { createHash } from "node:crypto";
import { ProxyTypeError } from "../core/errors.js";
import { substitute } from "../graph/make.js";
import type { Node } from "../graph/node.js";
import type { Bound } from "../jobs/pipeline.js";
import { paramInfoOf, paramNodes, type ParamInfo } from "./spec.js";
import { argumentDigest, argumentNode } from "./values.js";

/** The parameters of some nodes plus `extra` ones (from small value expressions), checked for consistency. */
export function collectParams(roots: readonly Node[], extra: readonly ParamInfo[] = []): Map<string, ParamInfo> {
  const out = new Map<string, ParamInfo>();
  const add = (p: ParamInfo) => {
    const had = out.get(p.name);
    if (had !== undefined && had.type !== p.type) throw new ProxyTypeError(`parameter '${p.name}' is declared both as ${had.type} and as ${p.type}`);
    out.set(p.name, p);
  };
  for (const r of roots) for (const ns of paramNodes(r).values()) for (const n of ns) add(paramInfoOf(n));
  for (const p of extra) add(p);
  return out;
}

/** Refuses missing and extra arguments; returns the digest of the arguments by content. */
export function checkArguments(params: ReadonlyMap<string, ParamInfo>, args: Readonly<Record<string, unknown>>): string {
  const names = [...params.keys()].sort();
  const missing = names.filter((n) => !Object.prototype.hasOwnProperty.call(args, n) || args[n] === undefined);
  if (missing.length > 0) {
    const list = missing.map((n) => `'${n}' (${params.get(n)!.type})`).join(", ");
    throw new ProxyTypeError(`missing argument${missing.length > 1 ? "s" : ""} for parameter${missing.length > 1 ? "s" : ""} ${list}`);
  }
  const extra = Object.keys(args).filter((k) => !params.has(k) && args[k] !== undefined);
  if (extra.length > 0) {
    const has = names.length > 0 ? `its parameters are ${names.map((n) => `'${n}'`).join(", ")}` : "this expression has no parameters";
    throw new ProxyTypeError(`unexpected argument${extra.length > 1 ? "s" : ""} ${extra.map((n) => `'${n}'`).join(", ")}: ${has}`);
  }
  if (names.length === 0) return "";
  const h = createHash("sha256");
  for (const n of names) h.update(`${n}=${argumentDigest(args[n])};`);
  return h.digest("hex");
}

/** Replaces the parameter nodes of `roots` by their arguments (already checked by `checkArguments`). */
export function substituteArguments(roots: readonly Node[], args: Readonly<Record<string, unknown>>): Node[] {
  const replace = new Map<Node, Node>();
  for (const r of roots) {
    for (const [name, ns] of paramNodes(r)) for (const n of ns) if (!replace.has(n)) replace.set(n, argumentNode(n, args[name]));
  }
  return replace.size === 0 ? [...roots] : roots.map((r) => substitute(r, replace));
}

export function bindArguments(node: Node, args: Readonly<Record<string, unknown>>): Bound {
  const digest = checkArguments(collectParams([node]), args);
  const [bound] = substituteArguments([node], args);
  return { graph: node, node: bound!, argsDigest: digest };
}
