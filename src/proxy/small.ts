/**
 * The small proxies: Int, Float, Bool, Str, List, Tuple, Dict and DType. Their expressions are
 * plain data evaluated in this thread; sizes of arrays whose shape depends on data are computed.
 */
import { ProxyTypeError } from "../core/errors.js";
import { sizeOf } from "../core/shape.js";
import type { Node } from "../graph/node.js";
import { evaluate } from "../compute/evaluate.js";
import { InlineExecutor } from "../../scheduler/executors/inline.js";
import { encodeResult, resolveFormat } from "../formats/index.js";
import type { ComputeResult } from "../formats/index.js";
import type { InspectOptions } from "../compute/run.js";
import { bindValue, exprParamNames } from "../params/value.js";
import type { PublishOptions } from "../registry/publish.js";
import type { Workflow } from "../registry/workflow.js";

export type JSValue = number | bigint | boolean | string | null | readonly JSValue[] | { readonly [k: string]: JSValue };

type BinOp = "add" | "sub" | "mul" | "div" | "floordiv" | "mod" | "pow" | "lt" | "le" | "gt" | "ge" | "eq" | "ne" | "and" | "or";

export type ValueExpr =
  | { readonly k: "lit"; readonly v: JSValue }
  | { readonly k: "shape" | "ndim" | "size" | "dtype"; readonly node: Node }
  | { readonly k: "bin"; readonly op: BinOp; readonly a: ValueExpr; readonly b: ValueExpr }
  | { readonly k: "neg" | "not" | "len"; readonly a: ValueExpr }
  | { readonly k: "item"; readonly a: ValueExpr; readonly i: number | string }
  | { readonly k: "param"; readonly name: string; readonly type: "Int" | "Float" | "Bool" | "Str" };

async function actualShape(node: Node): Promise<number[]> {
  if (!node.shape.includes(-1)) return [...node.shape];
  const r = await evaluate(node, { executor: new InlineExecutor() });
  return r.value.shape;
}

function num(v: JSValue): number | bigint {
  if (typeof v === "number" || typeof v === "bigint") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  throw new ProxyTypeError(`expected a number, got ${JSON.stringify(v)}`);
}

function binop(op: BinOp, x: JSValue, y: JSValue): JSValue {
  if (op === "and") return Boolean(x) && Boolean(y);
  if (op === "or") return Boolean(x) || Boolean(y);
  if (op === "add" && typeof x === "string" && typeof y === "string") return x + y;
  if (op === "eq") return x === y;
  if (op === "ne") return x !== y;
  let a = num(x), b = num(y);
  if (typeof a !== typeof b) {
    a = Number(a);
    b = Number(b);
  }
  const A = a as number, B = b as number;
  switch (op) {
    case "add": return A + B;
    case "sub": return A - B;
    case "mul": return A * B;
    case "div": return Number(a) / Number(b);
    case "floordiv": return typeof a === "bigint" ? a / (b as bigint) : Math.floor(A / B);
    case "mod": return typeof a === "bigint" ? a % (b as bigint) : A - Math.floor(A / B) * B;
    case "pow": return typeof a === "bigint" ? a ** (b as bigint) : A ** B;
    case "lt": return A < B;
    case "le": return A <= B;
    case "gt": return A > B;
    case "ge": return A >= B;
  }
}

export async function evalValue(e: ValueExpr): Promise<JSValue> {
  switch (e.k) {
    case "lit": return e.v;
    case "param": throw new ProxyTypeError(`missing argument for parameter '${e.name}' (${e.type})`);
    case "dtype": return e.node.dtype;
    case "shape": return await actualShape(e.node);
    case "ndim": return e.node.shape.length;
    case "size": return sizeOf(await actualShape(e.node));
    case "bin": return binop(e.op, await evalValue(e.a), await evalValue(e.b));
    case "neg": { const v = num(await evalValue(e.a)); return typeof v === "bigint" ? -v : -v; }
    case "not": return !(await evalValue(e.a));
    case "len": {
      const v = await evalValue(e.a);
      if (typeof v === "string" || Array.isArray(v)) return v.length;
      throw new ProxyTypeError("len() of a value that has no length");
    }
    case "item": {
      const v = await evalValue(e.a);
      if (Array.isArray(v)) {
        const i = Number(e.i);
        const j = i < 0 ? i + v.length : i;
        if (j < 0 || j >= v.length) throw new ProxyTypeError(`index ${i} is out of range for a list of length ${v.length}`);
        return v[j]!;
      }
      if (v !== null && typeof v === "object") {
        const o = v as { readonly [k: string]: JSValue };
        if (!(String(e.i) in o)) throw new ProxyTypeError(`no key ${JSON.stringify(e.i)}`);
        return o[String(e.i)]!;
      }
      throw new ProxyTypeError("indexing a value that is not a list or a dict");
    }
  }
}

type Operand = ValueProxy | number | bigint | boolean | string;

function exprOf(x: Operand): ValueExpr {
  return x instanceof ValueProxy ? x.expr : { k: "lit", v: x };
}

export class ValueProxy {
  constructor(readonly expr: ValueExpr) {}

  get literalValue(): JSValue | undefined {
    return this.expr.k === "lit" ? this.expr.v : undefined;
  }
  /** The names of the `wf.parameter`s this value depends on. */
  get params(): string[] {
    return exprParamNames(this.expr);
  }
  async compute(opts: InspectOptions = {}): Promise<unknown> {
    const v = (await evalValue(bindValue(this.expr, opts.arguments ?? {}))) as ComputeResult;
    return encodeResult(v, resolveFormat(opts.format));
  }
  inspect(opts: InspectOptions = {}): Promise<unknown> {
    return this.compute(opts);
  }
  /** Save as a versioned workflow (the registry loads only when publishing). */
  async publish(id: string, version: string, opts: PublishOptions = {}): Promise<Workflow> {
    return (await import("../registry/publish.js")).publish(this, id, version, opts);
  }
  protected bin<T extends ValueProxy>(ctor: new (e: ValueExpr) => T, op: BinOp, o: Operand): T {
    return new ctor({ k: "bin", op, a: this.expr, b: exprOf(o) });
  }
  eq(o: Operand): BoolProxy { return this.bin(BoolProxy, "eq", o); }
  ne(o: Operand): BoolProxy { return this.bin(BoolProxy, "ne", o); }
}

class NumberProxy extends ValueProxy {
  lt(o: Operand): BoolProxy { return this.bin(BoolProxy, "lt", o); }
  le(o: Operand): BoolProxy { return this.bin(BoolProxy, "le", o); }
  gt(o: Operand): BoolProxy { return this.bin(BoolProxy, "gt", o); }
  ge(o: Operand): BoolProxy { return this.bin(BoolProxy, "ge", o); }
  div(o: Operand): FloatProxy { return this.bin(FloatProxy, "div", o); }
}

export class IntProxy extends NumberProxy {
  constructor(v: number | bigint | ValueExpr) {
    if (typeof v === "number" || typeof v === "bigint") {
      if (typeof v === "number" && !Number.isInteger(v)) throw new ProxyTypeError(`Int needs an integer, got ${v}`);
      super({ k: "lit", v });
    } else super(v);
  }
  static ndimOf(node: Node): IntProxy { return new IntProxy({ k: "ndim", node }); }
  static sizeOf(node: Node): IntProxy { return new IntProxy({ k: "size", node }); }
  add(o: Operand): IntProxy { return this.bin(IntProxy, "add", o); }
  sub(o: Operand): IntProxy { return this.bin(IntProxy, "sub", o); }
  mul(o: Operand): IntProxy { return this.bin(IntProxy, "mul", o); }
  floordiv(o: Operand): IntProxy { return this.bin(IntProxy, "floordiv", o); }
  mod(o: Operand): IntProxy { return this.bin(IntProxy, "mod", o); }
  pow(o: Operand): IntProxy { return this.bin(IntProxy, "pow", o); }
  neg(): IntProxy { return new IntProxy({ k: "neg", a: this.expr }); }
}

export class FloatProxy extends NumberProxy {
  constructor(v: number | ValueExpr) {
    super(typeof v === "number" ? { k: "lit", v } : v);
  }
  add(o: Operand): FloatProxy { return this.bin(FloatProxy, "add", o); }
  sub(o: Operand): FloatProxy { return this.bin(FloatProxy, "sub", o); }
  mul(o: Operand): FloatProxy { return this.bin(FloatProxy, "mul", o); }
  floordiv(o: Operand): FloatProxy { return this.bin(FloatProxy, "floordiv", o); }
  mod(o: Operand): FloatProxy { return this.bin(FloatProxy, "mod", o); }
  pow(o: Operand): FloatProxy { return this.bin(FloatProxy, "pow", o); }
  neg(): FloatProxy { return new FloatProxy({ k: "neg", a: this.expr }); }
}

export class BoolProxy extends ValueProxy {
  constructor(v: boolean | ValueExpr) {
    super(typeof v === "boolean" ? { k: "lit", v } : v);
  }
  and(o: Operand): BoolProxy { return this.bin(BoolProxy, "and", o); }
  or(o: Operand): BoolProxy { return this.bin(BoolProxy, "or", o); }
  not(): BoolProxy { return new BoolProxy({ k: "not", a: this.expr }); }
}

export class StrProxy extends ValueProxy {
  constructor(v: string | ValueExpr) {
    super(typeof v === "string" ? { k: "lit", v } : v);
  }
  add(o: StrProxy | string): StrProxy { return this.bin(StrProxy, "add", o); }
  length(): IntProxy { return new IntProxy({ k: "len", a: this.expr }); }
}

export class DTypeProxy extends StrProxy {
  static of(node: Node): DTypeProxy { return new DTypeProxy({ k: "dtype", node }); }
}

export class ListProxy extends ValueProxy {
  constructor(v: readonly JSValue[] | ValueExpr) {
    super(Array.isArray(v) ? { k: "lit", v: v as readonly JSValue[] } : (v as ValueExpr));
  }
  static shapeOf(node: Node): ListProxy { return new ListProxy({ k: "shape", node }); }
  /** Element `i` (shapes hold Ints). */
  get(i: number): IntProxy { return new IntProxy({ k: "item", a: this.expr, i }); }
  length(): IntProxy { return new IntProxy({ k: "len", a: this.expr }); }
}

export class TupleProxy extends ListProxy {}

export class DictProxy extends ValueProxy {
  constructor(v: { readonly [k: string]: JSValue }) {
    super({ k: "lit", v });
  }
  get(key: string): ValueProxy { return new ValueProxy({ k: "item", a: this.expr, i: key }); }
}
