/**
 * Type inference: the NodeType of an op applied to arguments, or a ProxyTypeError naming what is wrong.
 * Pure; used when an expression is built and again when a graph is rebuilt with sizes that became known.
 */
import { DTYPES, isDTypeName, promote, sumDType, type DTypeName } from "../core/dtype.js";
import { ProxyTypeError } from "../core/errors.js";
import { shapeStr, sizeOf } from "../core/shape.js";
import { broadcastShapes } from "./broadcast.js";
import type { AttrValue, Attrs, Node, NodeType } from "./node.js";
import { isArgFn, type OpName, type ReduceFn } from "./ops.js";
import { isUfuncName, ufuncTypes } from "./ufuncs.js";
import { inferAlong } from "./along.js";
import { isCheckName } from "./checks.js";
import { inferSearch } from "./search.js";
import { resolveView, type ViewItem } from "./view.js";

const arr = (shape: readonly number[], dtype: DTypeName, masked: boolean): NodeType => ({ kind: "array", shape, dtype, masked });

function numAttr(attrs: Attrs, k: string): number {
  const v = attrs[k];
  if (typeof v !== "number") throw new ProxyTypeError(`attribute '${k}' must be a number`);
  return v;
}
function numsAttr(attrs: Attrs, k: string): number[] {
  const v = attrs[k];
  if (!Array.isArray(v) || !v.every((x: AttrValue) => typeof x === "number")) {
    throw new ProxyTypeError(`attribute '${k}' must be a list of numbers`);
  }
  return v as number[];
}
function dtypeAttr(attrs: Attrs, k: string): DTypeName {
  const v = attrs[k];
  if (!isDTypeName(v)) throw new ProxyTypeError(`data type '${String(v)}' not understood`);
  return v;
}

export function reduceDType(fn: ReduceFn, d: DTypeName): DTypeName {
  switch (fn) {
    case "sum":
    case "prod":
      return sumDType(d);
    case "min":
    case "max":
      return d;
    case "mean":
    case "var":
    case "std":
    case "median":
      return DTYPES[d].kind === "f" ? d : "float64";
    case "count":
    case "argmin":
    case "argmax":
    case "nanargmin":
    case "nanargmax":
      return "int64";
    case "all":
    case "any":
      return "bool";
  }
}

function arity(op: OpName, args: readonly Node[], n: number): void {
  if (args.length !== n) throw new ProxyTypeError(`op '${op}' takes ${n} arguments, got ${args.length}`);
}

export function inferType(op: OpName, args: readonly Node[], attrs: Attrs): NodeType {
  switch (op) {
    case "literal":
    case "source":
      return arr(numsAttr(attrs, "shape"), dtypeAttr(attrs, "dtype"), attrs["masked"] === true);
    case "const":
      return { kind: "scalar", shape: [], dtype: dtypeAttr(attrs, "dtype"), masked: false };
    case "param":
      // sizes may be -1: an array parameter's shape is known once its argument is given
      return { kind: attrs["kind"] === "scalar" ? "scalar" : "array", shape: numsAttr(attrs, "shape"), dtype: dtypeAttr(attrs, "dtype"), masked: attrs["masked"] === true };
    case "map": {
      const fn = attrs["fn"];
      if (typeof fn !== "string" || !isUfuncName(fn)) throw new ProxyTypeError(`unknown function '${String(fn)}'`);
      const t = ufuncTypes(fn, args.map((a) => a.dtype));
      if (typeof t === "string") throw new ProxyTypeError(t);
      return arr(broadcastShapes(args.map((a) => a.shape)), t.result, args.some((a) => a.masked));
    }
    case "cast":
      arity(op, args, 1);
      return arr(args[0]!.shape, dtypeAttr(attrs, "dtype"), args[0]!.masked);
    case "where": {
      arity(op, args, 3);
      const [c, x, y] = args as [Node, Node, Node];
      return arr(broadcastShapes([c.shape, x.shape, y.shape]), promote(x.dtype, y.dtype), args.some((a) => a.masked));
    }
    case "make_masked": {
      arity(op, args, 2);
      const [d, m] = args as [Node, Node];
      if (m.dtype !== "bool") throw new ProxyTypeError(`a mask must be bool, not ${m.dtype}`);
      const shape = broadcastShapes([d.shape, m.shape]);
      if (shape.length !== d.shape.length || shape.some((s, i) => s !== d.shape[i] && d.shape[i] !== -1)) {
        throw new ProxyTypeError(`mask of shape ${shapeStr(m.shape)} does not match data of shape ${shapeStr(d.shape)}`);
      }
      return arr(d.shape, d.dtype, true);
    }
    case "getdata":
      arity(op, args, 1);
      return arr(args[0]!.shape, args[0]!.dtype, false);
    case "getmask":
      arity(op, args, 1);
      return arr(args[0]!.shape, "bool", false);
    case "filled":
      arity(op, args, 2);
      return arr(args[0]!.shape, args[0]!.dtype, false);
    case "check": {
      arity(op, args, 2);
      const [c, x] = args as [Node, Node];
      if (!isCheckName(attrs["error"])) throw new ProxyTypeError(`unknown check '${String(attrs["error"])}'`);
      if (c.dtype !== "bool" || c.masked) throw new ProxyTypeError(`a check's condition must be unmasked bool, not ${c.masked ? "masked " : ""}${c.dtype}`);
      const shape = broadcastShapes([c.shape, x.shape]);
      if (shape.length !== x.shape.length || shape.some((s, i) => s !== x.shape[i] && x.shape[i] !== -1)) {
        throw new ProxyTypeError(`check condition of shape ${shapeStr(c.shape)} does not match data of shape ${shapeStr(x.shape)}`);
      }
      return { kind: x.kind, shape: x.shape, dtype: x.dtype, masked: x.masked };
    }
    case "view": {
      arity(op, args, 1);
      const r = resolveView(attrs["items"] as unknown as ViewItem[], args[0]!.shape);
      return arr(r.outShape, args[0]!.dtype, args[0]!.masked);
    }
    case "broadcast": {
      arity(op, args, 1);
      const target = numsAttr(attrs, "shape");
      const got = broadcastShapes([args[0]!.shape, target]);
      if (got.length !== target.length || got.some((s, i) => s !== target[i] && target[i] !== -1)) {
        throw new ProxyTypeError(`cannot broadcast an array of shape ${shapeStr(args[0]!.shape)} to shape ${shapeStr(target)}`);
      }
      return arr(target, args[0]!.dtype, args[0]!.masked);
    }
    case "transpose": {
      arity(op, args, 1);
      const axes = numsAttr(attrs, "axes");
      const a = args[0]!;
      const ok = axes.length === a.shape.length && [...axes].sort((p, q) => p - q).every((v, i) => v === i);
      if (!ok) throw new ProxyTypeError(`axes ${JSON.stringify(axes)} don't match an array of ${a.shape.length} dimensions`);
      return arr(axes.map((i) => a.shape[i]!), a.dtype, a.masked);
    }
    case "reshape": {
      arity(op, args, 1);
      const a = args[0]!;
      const shape = numsAttr(attrs, "shape");
      if (!a.shape.includes(-1) && !shape.includes(-1) && sizeOf(shape) !== sizeOf(a.shape)) {
        throw new ProxyTypeError(`cannot reshape array of size ${sizeOf(a.shape)} into shape ${shapeStr(shape)}`);
      }
      return arr(shape, a.dtype, a.masked);
    }
    case "reduce": {
      arity(op, args, 1);
      const a = args[0]!;
      const fn = attrs["fn"] as ReduceFn;
      const axes = numsAttr(attrs, "axes");
      const keep = attrs["keepdims"] === true;
      const shape = keep ? a.shape.map((s, i) => (axes.includes(i) ? 1 : s)) : a.shape.filter((_, i) => !axes.includes(i));
      if (isArgFn(fn) && a.masked) throw new ProxyTypeError(`${fn} reduces unmasked data: fill the masked values first`);
      const masked = a.masked && fn !== "count";
      const kind = attrs["scalar"] === true ? "scalar" : "array";
      return { kind, shape, dtype: reduceDType(fn, a.dtype), masked };
    }
    case "along":
      return inferAlong(args, attrs);
    case "search":
      return inferSearch(args, attrs);
    case "take": {
      // pointwise gather: index arrays broadcast together and select along `axes`;
      // the broadcast index dims land at output position `at`
      const [a, ...idx] = args as [Node, ...Node[]];
      const axes = numsAttr(attrs, "axes");
      const at = numAttr(attrs, "at");
      if (idx.length !== axes.length || idx.length === 0) throw new ProxyTypeError(`take needs one index array per axis`);
      for (const i of idx) {
        if (DTYPES[i.dtype].kind !== "i" && DTYPES[i.dtype].kind !== "u") throw new ProxyTypeError(`arrays used as indices must be of integer type, not ${i.dtype}`);
      }
      const b = broadcastShapes(idx.map((i) => i.shape));
      const rest = a.shape.filter((_, i) => !axes.includes(i));
      return arr([...rest.slice(0, at), ...b, ...rest.slice(at)], a.dtype, a.masked);
    }
    case "select": {
      arity(op, args, 2);
      const [a] = args as [Node, Node];
      const axis = attrs["axis"];
      if (typeof axis === "number") {
        const shape = a.shape.map((s, i) => (i === axis ? -1 : s));
        return arr(shape, a.dtype, a.masked);
      }
      return arr([-1], a.dtype, a.masked);
    }
    case "compressed":
      arity(op, args, 1);
      return arr([-1], args[0]!.dtype, false);
    case "concat": {
      const axis = numAttr(attrs, "axis");
      const first = args[0]!;
      let len = 0;
      for (const a of args) {
        if (a.shape.length !== first.shape.length || a.shape.some((s, i) => i !== axis && s !== first.shape[i])) {
          throw new ProxyTypeError(
            `all the input array dimensions except for the concatenation axis must match exactly, but ${shapeStr(a.shape)} and ${shapeStr(first.shape)} differ`,
          );
        }
        len = len === -1 || a.shape[axis] === -1 ? -1 : len + a.shape[axis]!;
      }
      const shape = first.shape.map((s, i) => (i === axis ? len : s));
      return arr(shape, args.map((a) => a.dtype).reduce(promote), args.some((a) => a.masked));
    }
  }
}
