/**
 * `wf.Function`: an expression with parameters, invoked with their values. `fromObject(obj)` takes
 * any proxy; `invoke({name: value})` checks the arguments and gives the proxy of the result.
 */
import { ProxyTypeError } from "../core/errors.js";
import type { ComputeOptions, InspectOptions } from "../jobs/options.js";
import { ArrayProxy } from "../proxy/array.js";
import { DictProxy, ValueProxy, type ValueExpr } from "../proxy/small.js";
import { wrapNode } from "../proxy/wrap.js";
import { bindArguments, collectParams } from "./bind.js";
import { bindValue, exprParamNames } from "./value.js";
import type { PublishOptions } from "../registry/publish.js";
import type { Workflow } from "../registry/workflow.js";

type Proxy = ArrayProxy | ValueProxy;

export class FunctionProxy {
  private constructor(readonly object: Proxy) {}

  static fromObject(obj: unknown): FunctionProxy {
    if (obj instanceof FunctionProxy) return obj;
    if (obj instanceof ArrayProxy || obj instanceof ValueProxy) return new FunctionProxy(obj);
    throw new ProxyTypeError(`Function.fromObject takes a proxy object (Array, Int, ...), got ${obj === null ? "null" : typeof obj}`);
  }

  /** The names of the parameters, sorted. */
  get params(): string[] {
    const o = this.object;
    return o instanceof ArrayProxy ? [...collectParams([o.node]).keys()].sort() : exprParamNames(o.expr);
  }

  get literalValue(): undefined {
    return undefined;
  }

  /** The result's proxy with every parameter given; missing, extra or wrongly typed arguments are refused. */
  invoke(args: Readonly<Record<string, unknown>> = {}): Proxy {
    if (args === null || typeof args !== "object" || Array.isArray(args)) throw new ProxyTypeError("invoke takes an object of parameter values");
    const o = this.object;
    if (o instanceof ArrayProxy) return wrapNode(bindArguments(o.node, args).node);
    const bound = bindValue(o.expr, args);
    if (o instanceof DictProxy) return new ValueProxy(bound);
    return new (o.constructor as new (e: ValueExpr) => ValueProxy)(bound);
  }

  // async: a wrong argument rejects the promise rather than throwing
  async compute(opts: ComputeOptions = {}): Promise<unknown> {
    const { arguments: args, ...rest } = opts;
    return this.invoke(args ?? {}).compute(rest);
  }

  async inspect(opts: InspectOptions = {}): Promise<unknown> {
    const { arguments: args, ...rest } = opts;
    return this.invoke(args ?? {}).inspect(rest);
  }

  /** Save as a versioned workflow; `wf.use` gives back a Function of the same parameters. */
  async publish(id: string, version: string, opts: PublishOptions = {}): Promise<Workflow> {
    return (await import("../registry/publish.js")).publish(this, id, version, opts);
  }

  toString(): string {
    return `Function(${this.params.join(", ")})`;
  }
}
