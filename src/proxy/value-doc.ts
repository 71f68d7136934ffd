/**
 * Small proxies (Int, Float, Bool, Str, DType, List, Tuple, Dict) in a graph document: their value
 * expression as JSON data, array nodes it reads (`shape`, `size` ...) referred to by document key.
 * Loading checks every field and names what is wrong.
 */
import { GraphDocumentError, type DocParam, type GraphDocument } from "../graph/document.js";
import type { LoadedValue } from "../graph/deserialize.js";
import { topoOrder, type AttrValue, type Node } from "../graph/node.js";
import { saveValue } from "../graph/serialize.js";
import { collectParams } from "../params/bind.js";
import { exprParams } from "../params/value.js";
import {
  BoolProxy, DictProxy, DTypeProxy, FloatProxy, IntProxy, ListProxy, StrProxy, TupleProxy, ValueProxy,
  type JSValue, type ValueExpr,
} from "./small.js";

type Wire = { readonly [k: string]: AttrValue };

const fail = (msg: string): never => {
  throw new GraphDocumentError(`value: ${msg}`);
};

/** The proxy classes a value document may name; a Dict is always a literal. */
const CLASSES: ReadonlyMap<string, new (e: ValueExpr) => ValueProxy> = new Map<string, new (e: ValueExpr) => ValueProxy>([
  ["Int", IntProxy], ["Float", FloatProxy], ["Bool", BoolProxy], ["Str", StrProxy], ["DType", DTypeProxy],
  ["List", ListProxy], ["Tuple", TupleProxy], ["Value", ValueProxy],
]);

export function valueProxyName(p: ValueProxy): string {
  if (p instanceof DictProxy) return "Dict";
  for (const [name, cls] of CLASSES) if (p.constructor === cls) return name;
  return fail(`${p.constructor.name} cannot be saved`);
}

// ---- JS values: JSON data with bigints, non-finite numbers and dicts tagged (imagery metadata too) ----

export function encodeJs(v: JSValue): AttrValue {
  if (typeof v === "bigint") return { $big: v.toString() };
  if (typeof v === "number") return Number.isFinite(v) ? v : { $num: String(v) };
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (Array.isArray(v)) return (v as readonly JSValue[]).map(encodeJs);
  const o = v as { readonly [k: string]: JSValue };
  // pairs, so the keys keep their order (documents otherwise write object keys sorted)
  return { $dict: Object.keys(o).map((k) => [k, encodeJs(o[k]!)]) };
}

export function decodeJs(w: AttrValue): JSValue {
  if (w === null || typeof w === "string" || typeof w === "boolean" || typeof w === "number") return w;
  if (Array.isArray(w)) return (w as readonly AttrValue[]).map(decodeJs);
  const o = w as Wire;
  const keys = Object.keys(o);
  if (keys.length === 1 && typeof o["$big"] === "string" && /^-?\d{1,400}$/.test(o["$big"])) return BigInt(o["$big"]);
  if (keys.length === 1 && (o["$num"] === "NaN" || o["$num"] === "Infinity" || o["$num"] === "-Infinity")) return Number(o["$num"]);
  if (keys.length === 1 && Array.isArray(o["$dict"])) {
    const out: { [k: string]: JSValue } = {};
    for (const pair of o["$dict"] as readonly AttrValue[]) {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string" || pair[0] === "__proto__") return fail(`a dict entry must be a [key, value] pair, got ${JSON.stringify(pair).slice(0, 80)}`);
      out[pair[0] as string] = decodeJs(pair[1] as AttrValue);
    }
    return out;
  }
  return fail(`a literal holds an object that is not a tagged value: ${JSON.stringify(w).slice(0, 80)}`);
}

// ---- expressions ----

const BIN_OPS = new Set(["add", "sub", "mul", "div", "floordiv", "mod", "pow", "lt", "le", "gt", "ge", "eq", "ne", "and", "or"]);
const PARAM_TYPES = new Set(["Int", "Float", "Bool", "Str"]);

function encodeExpr(e: ValueExpr, keyOf: (n: Node) => string): AttrValue {
  switch (e.k) {
    case "lit": return { k: "lit", v: encodeJs(e.v) };
    case "shape": case "ndim": case "size": case "dtype": return { k: e.k, node: keyOf(e.node) };
    case "bin": return { k: "bin", op: e.op, a: encodeExpr(e.a, keyOf), b: encodeExpr(e.b, keyOf) };
    case "neg": case "not": case "len": return { k: e.k, a: encodeExpr(e.a, keyOf) };
    case "item": return { k: "item", a: encodeExpr(e.a, keyOf), i: e.i };
    case "param": return { k: "param", name: e.name, type: e.type };
  }
}

interface DecodeContext {
  readonly nodeOf: (key: string) => Node | undefined;
  readonly declared: ReadonlyMap<string, string>;
  readonly used: Set<string>;
}

function only(o: Wire, keys: readonly string[], what: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail(`${what}: unknown field '${k}'`);
}

function decodeExpr(w: AttrValue, c: DecodeContext): ValueExpr {
  if (typeof w !== "object" || w === null || Array.isArray(w)) return fail(`an expression must be an object, got ${JSON.stringify(w)}`);
  const o = w as Wire;
  const k = o["k"];
  switch (k) {
    case "lit":
      only(o, ["k", "v"], "lit");
      if (!("v" in o)) fail("lit needs 'v'");
      return { k, v: decodeJs(o["v"]!) };
    case "shape": case "ndim": case "size": case "dtype": {
      only(o, ["k", "node"], k);
      const key = o["node"];
      const node = typeof key === "string" ? c.nodeOf(key) : undefined;
      if (node === undefined) return fail(`${k} refers to missing node ${JSON.stringify(key)}`);
      c.used.add(key as string);
      return { k, node };
    }
    case "bin":
      only(o, ["k", "op", "a", "b"], "bin");
      if (typeof o["op"] !== "string" || !BIN_OPS.has(o["op"])) fail(`unknown operator ${JSON.stringify(o["op"])}`);
      return { k, op: o["op"] as Extract<ValueExpr, { k: "bin" }>["op"], a: decodeExpr(o["a"] ?? null, c), b: decodeExpr(o["b"] ?? null, c) };
    case "neg": case "not": case "len":
      only(o, ["k", "a"], k);
      return { k, a: decodeExpr(o["a"] ?? null, c) };
    case "item": {
      only(o, ["k", "a", "i"], "item");
      const i = o["i"];
      if (!(typeof i === "string" || (typeof i === "number" && Number.isInteger(i)))) fail(`item index must be an integer or a string, got ${JSON.stringify(i)}`);
      return { k, a: decodeExpr(o["a"] ?? null, c), i: i as number | string };
    }
    case "param": {
      only(o, ["k", "name", "type"], "param");
      const name = o["name"], type = o["type"];
      if (typeof name !== "string" || typeof type !== "string" || !PARAM_TYPES.has(type)) return fail(`bad parameter ${JSON.stringify(o)}`);
      const d = c.declared.get(name);
      if (d === undefined) fail(`parameter ${name} is used but not declared in the document`);
      if (d !== type) fail(`parameter ${name} is declared as ${d} but used as ${type}`);
      return { k, name, type: type as "Int" | "Float" | "Bool" | "Str" };
    }
    default:
      return fail(`unknown expression kind ${JSON.stringify(k)}`);
  }
}

/** A literal is of the type its proxy promises. */
function checkLiteral(proxy: string, x: JSValue): void {
  const ok =
    proxy === "Int" ? typeof x === "bigint" || (typeof x === "number" && Number.isInteger(x))
    : proxy === "Float" ? typeof x === "number"
    : proxy === "Bool" ? typeof x === "boolean"
    : proxy === "Str" || proxy === "DType" ? typeof x === "string"
    : proxy === "List" || proxy === "Tuple" ? Array.isArray(x)
    : true;
  if (!ok) fail(`${/^[AEIOU]/.test(proxy) ? "an" : "a"} ${proxy} holds the literal ${JSON.stringify(x, (_, y: unknown) => (typeof y === "bigint" ? `${y}` : y))}`);
}

function nodesOf(e: ValueExpr): Node[] {
  return [...new Set(exprParams(e).nodes)];
}

/** The document of a small proxy, with the parameters it depends on. */
export function valueDocument(p: ValueProxy): GraphDocument {
  const proxy = valueProxyName(p);
  const { params, nodes } = exprParams(p.expr);
  const all = collectParams(nodes, params);
  const docParams: DocParam[] = [...all.values()].map((x) => ({ name: x.name, type: x.type })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return saveValue(nodesOf(p.expr), (keyOf) => encodeExpr(p.expr, keyOf), { proxy, params: docParams });
}

/** The small proxy a loaded value document stands for. */
export function valueProxyOf(v: LoadedValue): ValueProxy {
  const c: DecodeContext = { nodeOf: (k) => v.nodes.get(k), declared: new Map(v.params.map((p) => [p.name, p.type])), used: new Set() };
  const expr = decodeExpr(v.value, c);
  const reached = new Set(topoOrder([...c.used].map((k) => v.nodes.get(k)!)));
  const unused = [...v.nodes].find(([, n]) => !reached.has(n));
  if (unused !== undefined) fail(`node ${unused[0]} is not used by the value`);
  if (expr.k === "lit") checkLiteral(v.result.proxy, expr.v);
  if (v.result.proxy === "Dict") {
    if (expr.k !== "lit" || typeof expr.v !== "object" || expr.v === null || Array.isArray(expr.v)) return fail("a Dict document holds a literal object");
    return new DictProxy(expr.v as { readonly [k: string]: JSValue });
  }
  const cls = CLASSES.get(v.result.proxy);
  if (cls === undefined) return fail(`unknown value proxy ${JSON.stringify(v.result.proxy)} (known: Dict, ${[...CLASSES.keys()].join(", ")})`);
  return new cls(expr);
}
