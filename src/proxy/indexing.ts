/**
 * `get`: NumPy indexing on a node. Basic items (integers, slices, new axes, ellipsis) become one
 * `view`; a list or integer array on one axis becomes a `take`; boolean masks become `select`s whose
 * length is known only after the data is.
 */
import { allocate } from "../core/dtype.js";
import { ProxyTypeError } from "../core/errors.js";
import { sameShape, shapeStr } from "../core/shape.js";
import type { AttrValue, Node } from "../graph/node.js";
import { make } from "../graph/make.js";
import { isSlice, parseIndexString, type IndexItem, type SliceSpec } from "../graph/index-parse.js";
import type { ViewItem } from "../graph/view.js";
import { literalNode } from "./literal.js";
import { isHasNode, type HasNode } from "./operand.js";

export type GetItem = IndexItem | HasNode;

type Norm =
  | { k: "int"; i: number }
  | { k: "slice"; s: SliceSpec }
  | { k: "new" }
  | { k: "ell" }
  | { k: "list"; idx: Node } // integer index array (literal or computed)
  | { k: "bool"; mask: Node };

function classify(it: GetItem): Norm {
  if (it === null) return { k: "new" };
  if (it === "...") return { k: "ell" };
  if (typeof it === "number") {
    if (!Number.isInteger(it)) throw new ProxyTypeError(`only integers, slices, ellipsis, None and integer or boolean arrays are valid indices (got ${it})`);
    return { k: "int", i: it };
  }
  if (isSlice(it)) return { k: "slice", s: it };
  if (Array.isArray(it)) {
    if (it.length > 0 && it.every((x) => typeof x === "boolean")) {
      const d = allocate("bool", it.length, true);
      it.forEach((b, i) => (d[i] = b ? 1 : 0));
      return { k: "bool", mask: literalNode(d, [it.length], "bool") };
    }
    if (!it.every((x) => typeof x === "number" && Number.isInteger(x))) {
      throw new ProxyTypeError(`index lists must hold only integers or only booleans: ${JSON.stringify(it)}`);
    }
    const d = allocate("int64", it.length, true);
    (it as number[]).forEach((v, i) => (d[i] = BigInt(v)));
    return { k: "list", idx: literalNode(d, [it.length], "int64") };
  }
  if (isHasNode(it)) {
    const n = it.node;
    if (n.dtype === "bool") return { k: "bool", mask: n };
    if (n.dtype.startsWith("int") || n.dtype.startsWith("uint")) return { k: "list", idx: n };
    throw new ProxyTypeError(`arrays used as indices must be of integer or boolean type, not ${n.dtype}`);
  }
  throw new ProxyTypeError(`invalid index item ${JSON.stringify(it)}`);
}

function consumes(n: Norm): number {
  if (n.k === "new" || n.k === "ell") return 0;
  if (n.k === "bool") return n.mask.shape.length;
  return 1;
}

export function buildGet(x: Node, raw: readonly (GetItem | string)[]): Node {
  // Strings other than "..." are NumPy syntax: one string may hold several items ("1:3, ::2").
  const items0: GetItem[] = raw.flatMap((it) => (typeof it === "string" && it !== "..." ? parseIndexString(it) : [it as GetItem]));
  const items = items0.map(classify);
  const ndim = x.shape.length;
  const nEll = items.filter((n) => n.k === "ell").length;
  if (nEll > 1) throw new ProxyTypeError("an index can only have a single ellipsis ('...')");
  const used = items.reduce((s, n) => s + consumes(n), 0);
  if (used > ndim) throw new ProxyTypeError(`too many indices for array: array is ${ndim}-dimensional, but ${used} were indexed`);
  // expand the ellipsis (or append it) into full slices
  const full: Norm[] = [];
  for (const n of items) {
    if (n.k === "ell") for (let i = 0; i < ndim - used; i++) full.push({ k: "slice", s: { kind: "slice", start: null, stop: null, step: null } });
    else full.push(n);
  }
  if (nEll === 0) for (let i = used; i < ndim; i++) full.push({ k: "slice", s: { kind: "slice", start: null, stop: null, step: null } });

  // a boolean mask over the whole array
  const bools = full.filter((n) => n.k === "bool");
  if (bools.length === 1 && full.length === 1) {
    const m = (full[0] as { k: "bool"; mask: Node }).mask;
    if (!sameShape(m.shape, x.shape) && !(m.shape.includes(-1) || x.shape.includes(-1))) {
      throw new ProxyTypeError(`boolean index of shape ${shapeStr(m.shape)} does not match the indexed array of shape ${shapeStr(x.shape)}`);
    }
    return make("select", [x, m], {});
  }

  // basic part: a view that keeps the advanced axes whole
  const view: ViewItem[] = [];
  let axis = 0;
  let outAxis = 0;
  const adv: { out: number; pos: number; item: Norm }[] = [];
  const intPositions: number[] = [];
  full.forEach((n, pos) => {
    switch (n.k) {
      case "new": view.push(["n"]); outAxis++; break;
      case "int": view.push(["i", n.i]); intPositions.push(pos); axis++; break;
      case "slice": view.push(["s", n.s.start, n.s.stop, n.s.step]); axis++; outAxis++; break;
      case "list":
      case "bool": {
        let item: Norm = n;
        if (n.k === "bool") {
          if (n.mask.shape.length !== 1) throw new ProxyTypeError(`a boolean index on one axis must be 1-d, got shape ${shapeStr(n.mask.shape)}`);
          const len = x.shape[axis]!;
          if (n.mask.shape[0] !== len && len !== -1 && n.mask.shape[0] !== -1) {
            throw new ProxyTypeError(`boolean index did not match indexed array along axis ${axis}; size of axis is ${len} but size of corresponding boolean axis is ${n.mask.shape[0]}`);
          }
          if (n.mask.op === "literal") item = { k: "list", idx: nonzeroLiteral(n.mask.payload!.data as Uint8Array) };
        }
        view.push(["s", null, null, null]);
        adv.push({ out: outAxis, pos, item });
        axis++;
        outAxis++;
        break;
      }
      default: break;
    }
  });
  const isIdentity = view.every((v) => v[0] === "s" && v[1] === null && v[2] === null && (v[3] === null || v[3] === 1));
  let cur = isIdentity ? x : make("view", [x], { items: view as unknown as AttrValue });
  if (adv.length === 0) return cur;
  const boolArrays = adv.filter((a) => a.item.k === "bool");
  if (boolArrays.length > 0) {
    if (adv.length > 1) throw new ProxyTypeError("a boolean Array index cannot be combined with other list or array indices; compute it first");
    return make("select", [cur, (adv[0]!.item as { k: "bool"; mask: Node }).mask], { axis: adv[0]!.out });
  }
  const idx = adv.map((a) => (a.item as { k: "list"; idx: Node }).idx);
  adv.forEach((a, j) => {
    const len = cur.shape[a.out]!;
    const ix = idx[j]!;
    if (ix.op !== "literal" || len === -1) return;
    for (const v of ix.payload!.data as BigInt64Array) {
      if (v < BigInt(-len) || v >= BigInt(len)) throw new ProxyTypeError(`index ${v} is out of bounds for axis ${a.out} with size ${len}`);
    }
  });
  // NumPy: integers count as advanced indices when arrays are present; if the advanced items are
  // separated by a slice or new axis, the broadcast index dims go first, else where they stand.
  const positions = [...intPositions, ...adv.map((a) => a.pos)].sort((p, q) => p - q);
  const contiguous = positions.every((p, i) => i === 0 || p === positions[i - 1]! + 1);
  const at = contiguous ? adv[0]!.out : 0;
  return make("take", [cur, ...idx], { axes: adv.map((a) => a.out), at });
}

function nonzeroLiteral(mask: Uint8Array): Node {
  const where: number[] = [];
  mask.forEach((b, i) => b && where.push(i));
  const d = allocate("int64", where.length, true);
  where.forEach((v, i) => (d[i] = BigInt(v)));
  return literalNode(d, [where.length], "int64");
}
