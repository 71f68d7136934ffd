/**
 * Parameters inside the small value proxies (Int, Float, Bool, Str, ...): their expressions are
 * plain data, so binding rebuilds the expression with literals, and the array nodes it refers to
 * (`shape`, `size` ...) with their own parameters bound.
 */
import type { Node } from "../graph/node.js";
import type { JSValue, ValueExpr } from "../proxy/small.js";
import { checkArguments, collectParams, substituteArguments } from "./bind.js";
import type { ParamInfo, ParamType } from "./spec.js";
import { scalarValue } from "./values.js";

function walk(e: ValueExpr, params: ParamInfo[], nodes: Node[]): void {
  switch (e.k) {
    case "param": params.push({ name: e.name, type: e.type }); return;
    case "lit": return;
    case "shape": case "ndim": case "size": case "dtype": nodes.push(e.node); return;
    case "bin": walk(e.a, params, nodes); walk(e.b, params, nodes); return;
    case "neg": case "not": case "len": case "item": walk(e.a, params, nodes); return;
  }
}

export function exprParams(e: ValueExpr): { params: ParamInfo[]; nodes: Node[] } {
  const params: ParamInfo[] = [];
  const nodes: Node[] = [];
  walk(e, params, nodes);
  return { params, nodes };
}

/** The names of the parameters an expression depends on, sorted. */
export function exprParamNames(e: ValueExpr): string[] {
  const { params, nodes } = exprParams(e);
  return [...collectParams(nodes, params).keys()].sort();
}

function rebuild(e: ValueExpr, args: Readonly<Record<string, unknown>>, nodes: Map<Node, Node>): ValueExpr {
  switch (e.k) {
    case "param": return { k: "lit", v: scalarValue(e.name, e.type as ParamType, args[e.name]) as JSValue };
    case "lit": return e;
    case "shape": case "ndim": case "size": case "dtype": return { k: e.k, node: nodes.get(e.node) ?? e.node };
    case "bin": return { k: "bin", op: e.op, a: rebuild(e.a, args, nodes), b: rebuild(e.b, args, nodes) };
    case "neg": case "not": case "len": return { k: e.k, a: rebuild(e.a, args, nodes) };
    case "item": return { k: "item", a: rebuild(e.a, args, nodes), i: e.i };
  }
}

/** The expression with every parameter replaced by its (checked) argument. */
export function bindValue(e: ValueExpr, args: Readonly<Record<string, unknown>>): ValueExpr {
  const { params, nodes } = exprParams(e);
  checkArguments(collectParams(nodes, params), args);
  const bound = substituteArguments(nodes, args);
  return rebuild(e, args, new Map(nodes.map((n, i) => [n, bound[i]!])));
}
