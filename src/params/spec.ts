/**
 * What a parameter is: its name, the proxy type it stands for, and (for arrays) the dtype and shape
 * it promises. Scalar parameters used in array math carry the dtype NumPy's weak-scalar rules gave them.
 */
import { resolveDType, type DTypeName } from "../core/dtype.js";
import { ProxyTypeError } from "../core/errors.js";
import { make } from "../graph/make.js";
import { topoOrder, type Node } from "../graph/node.js";

export type ParamType = "Int" | "Float" | "Bool" | "Str" | "Array" | "MaskedArray" | "Scalar";
export const SCALAR_PARAM_TYPES: readonly ParamType[] = ["Int", "Float", "Bool"];

export interface ParamInfo {
  readonly name: string;
  readonly type: ParamType;
}

export function checkParamName(name: unknown): string {
  if (typeof name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new ProxyTypeError(`a parameter name must be an identifier (letters, digits, _), got ${JSON.stringify(name)}`);
  }
  return name;
}

export function dtypeOption(d: string | undefined, dflt: DTypeName): DTypeName {
  if (d === undefined) return dflt;
  const r = resolveDType(d);
  if (r === undefined) throw new ProxyTypeError(`data type '${d}' not understood`);
  return r;
}

/** The placeholder node of a parameter. */
export function paramNode(name: string, type: ParamType, t: { shape: readonly number[]; dtype: DTypeName; masked?: boolean }): Node {
  const kind = type === "Array" || type === "MaskedArray" ? "array" : "scalar";
  return make("param", [], { name, type, kind, shape: [...t.shape], dtype: t.dtype, masked: t.masked === true });
}

export function isParamType(x: unknown): x is ParamType {
  return typeof x === "string" && ["Int", "Float", "Bool", "Str", "Array", "MaskedArray", "Scalar"].includes(x);
}

/** The parameter nodes of a graph, by name (a scalar parameter may appear with several dtypes). */
export function paramNodes(root: Node): Map<string, Node[]> {
  const out = new Map<string, Node[]>();
  for (const n of topoOrder([root])) {
    if (n.op !== "param") continue;
    const name = n.attrs["name"] as string;
    const list = out.get(name);
    if (list === undefined) out.set(name, [n]);
    else list.push(n);
  }
  return out;
}

export function paramInfoOf(n: Node): ParamInfo {
  const type = n.attrs["type"];
  if (!isParamType(type)) throw new ProxyTypeError(`parameter node with an unknown type ${JSON.stringify(type)}`);
  return { name: n.attrs["name"] as string, type };
}
