/** `MaskedArray`: numpy.ma semantics; the mask rides with the data through every fused op. */
import { defaultFillValue, type TypedArray } from "../core/dtype.js";
import { ProxyTypeError } from "../core/errors.js";
import { MaskedNDArray, type Element } from "../core/ndarray.js";
import { make } from "../graph/make.js";
import type { Node } from "../graph/node.js";
import { ArrayProxy, type ArrayInput, type ArrayOptions } from "./array.js";
import { fromNested, literalNode, toShared, type Nested } from "./literal.js";
import { constNode } from "./operand.js";

export interface MaskedOptions extends ArrayOptions {
  mask?: boolean | Nested | ArrayProxy;
  fillValue?: Element;
}

function maskNode(mask: MaskedOptions["mask"], data: Node): Node {
  if (mask === undefined || typeof mask === "boolean") {
    return make("broadcast", [constNode(mask === true, "bool")], { shape: [...data.shape] });
  }
  if (mask instanceof ArrayProxy) {
    if (mask.node.dtype !== "bool") throw new ProxyTypeError(`a mask must be a bool array, not ${mask.node.dtype}`);
    return mask.node;
  }
  const lit = fromNested(mask, "bool");
  return literalNode(lit.data, lit.shape, "bool");
}

export class MaskedArrayProxy extends ArrayProxy {
  readonly fillValue: Element;

  constructor(data: ArrayInput | Node, opts: MaskedOptions = {}) {
    let node: Node;
    if (typeof data === "object" && data !== null && "hash" in data && "op" in data) node = data as Node;
    else {
      const base = new ArrayProxy(data as ArrayInput, opts).node;
      node = opts.mask === undefined && base.masked ? base : make("make_masked", [base, maskNode(opts.mask, base)], {});
    }
    super(node);
    this.fillValue = opts.fillValue ?? defaultFillValue(node.dtype);
  }

  /** From an in-memory masked result (or a typed array and shape, with nothing masked). */
  static override from(m: MaskedNDArray | TypedArray, shapeOrOpts?: readonly number[] | ArrayOptions, opts: ArrayOptions = {}): MaskedArrayProxy {
    if (!(m instanceof MaskedNDArray)) {
      if (!Array.isArray(shapeOrOpts)) throw new ProxyTypeError("MaskedArray.from(typedArray, shape) needs a shape");
      return new MaskedArrayProxy(ArrayProxy.from(m, shapeOrOpts as readonly number[], opts));
    }
    const o = (Array.isArray(shapeOrOpts) ? opts : (shapeOrOpts as ArrayOptions | undefined)) ?? {};
    const data = toShared(m.data, m.dtype);
    const mask = toShared(m.mask, "bool") as Uint8Array;
    return new MaskedArrayProxy(literalNode(data, m.shape, m.dtype, o.chunks, mask), { fillValue: m.fillValue });
  }

  /** The data with masked elements replaced (default: this array's fill value). */
  override filled(fillValue?: Element): ArrayProxy {
    return super.filled(fillValue ?? this.fillValue);
  }

  override toString(): string {
    return `MaskedArray(shape=(${this.node.shape.join(", ")}), dtype=${this.node.dtype})`;
  }
}
