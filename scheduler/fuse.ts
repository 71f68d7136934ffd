/**
 * Blockwise fusion: an expression of elementwise, masked and movement ops becomes one Program whose
 * leaves are strided views of materialized buffers. Movement ops (slices, new axes, broadcasts,
 * transposes) never move data: they only change how the loop walks the leaves.
 */
import type { Node } from "../src/graph/node.js";
import { isUfuncName, ufuncTypes } from "../src/graph/ufuncs.js";
import type { CheckName } from "../src/graph/checks.js";
import { resolveView, type ViewItem } from "../src/graph/view.js";
import type { ConstValue, PNode, Program } from "./program.js";
import type { PlanBuffer, SourceInfo } from "./task.js";
import { storedChunks } from "./chunks.js";

/** node index along one axis = c + s * out[a]  (a = -1: constant c). */
export interface AxisMap {
  readonly c: number;
  readonly a: number;
  readonly s: number;
}

export interface BufferLeaf {
  readonly kind: "buf";
  readonly buf: number;
  /** Element offset at output index 0, and element strides per output axis. */
  readonly base: number;
  readonly strides: readonly number[];
}

/** A file-backed source read inside each consuming task (see SourceLeafSpec). */
export interface SourceLeaf {
  readonly kind: "source";
  readonly source: SourceInfo;
  /** Per source axis, at output index 0. */
  readonly axes: readonly AxisMap[];
}

export type LeafDesc = BufferLeaf | SourceLeaf;

export interface Fused {
  readonly program: Program;
  readonly leaves: readonly LeafDesc[];
}

/** Materializes a node that cannot be fused (a source, a reduction, a gather) and returns its buffer. */
export type Materialize = (node: Node) => PlanBuffer;

const FUSABLE = new Set(["const", "map", "cast", "where", "make_masked", "getdata", "getmask", "filled", "check", "view", "broadcast", "transpose"]);

export function isFusable(n: Node): boolean {
  return FUSABLE.has(n.op);
}

function argMap(parent: Node, arg: Node, maps: readonly AxisMap[]): AxisMap[] {
  const off = parent.shape.length - arg.shape.length;
  return arg.shape.map((s, j) => (s === 1 && parent.shape[j + off] !== 1 ? { c: 0, a: -1, s: 0 } : maps[j + off]!));
}

export function fuse(root: Node, materialize: Materialize): Fused {
  const nodes: PNode[] = [];
  const leaves: LeafDesc[] = [];
  const leafIndex = new Map<string, number>();
  const memo = new Map<string, number>();
  const nd = root.shape.length;

  const push = (p: PNode): number => {
    nodes.push(p);
    return nodes.length - 1;
  };

  const emit = (n: Node, maps: readonly AxisMap[]): number => {
    const key = `${n.id}|${maps.map((m) => `${m.c},${m.a},${m.s}`).join(";")}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let r: number;
    switch (n.op) {
      case "const":
        r = push({ k: "const", value: n.attrs["value"] as ConstValue, dtype: n.dtype, masked: false });
        break;
      case "map": {
        const fn = n.attrs["fn"] as string;
        if (!isUfuncName(fn)) throw new Error(`unknown function ${fn}`);
        const t = ufuncTypes(fn, n.args.map((a) => a.dtype));
        if (typeof t === "string") throw new Error(t);
        const args = n.args.map((a) => emit(a, argMap(n, a, maps)));
        r = push({ k: "map", fn, args, compute: t.compute, dtype: n.dtype, masked: n.masked });
        break;
      }
      case "cast":
        r = push({ k: "cast", arg: emit(n.args[0]!, argMap(n, n.args[0]!, maps)), dtype: n.dtype, masked: n.masked });
        break;
      case "where": {
        const [c, x, y] = n.args.map((a) => emit(a, argMap(n, a, maps))) as [number, number, number];
        r = push({ k: "where", args: [c, x, y], dtype: n.dtype, masked: n.masked });
        break;
      }
      case "make_masked": {
        const [d, m] = n.args.map((a) => emit(a, argMap(n, a, maps))) as [number, number];
        r = push({ k: "make_masked", args: [d, m], dtype: n.dtype, masked: true });
        break;
      }
      case "getdata":
        r = push({ k: "getdata", arg: emit(n.args[0]!, maps), dtype: n.dtype, masked: false });
        break;
      case "getmask":
        r = push({ k: "getmask", arg: emit(n.args[0]!, maps), dtype: "bool", masked: false });
        break;
      case "filled": {
        const x = emit(n.args[0]!, maps);
        const f = emit(n.args[1]!, []);
        r = push({ k: "filled", args: [x, f], dtype: n.dtype, masked: false });
        break;
      }
      case "check": {
        const [c, x] = n.args.map((a) => emit(a, argMap(n, a, maps))) as [number, number];
        r = push({ k: "check", args: [c, x], error: n.attrs["error"] as CheckName, dtype: n.dtype, masked: n.masked });
        break;
      }
      case "broadcast":
        r = emit(n.args[0]!, argMap(n, n.args[0]!, maps));
        break;
      case "transpose": {
        const perm = n.attrs["axes"] as number[];
        const inner = new Array<AxisMap>(perm.length);
        perm.forEach((src, k) => (inner[src] = maps[k]!));
        r = emit(n.args[0]!, inner);
        break;
      }
      case "view": {
        const x = n.args[0]!;
        const v = resolveView(n.attrs["items"] as unknown as ViewItem[], x.shape);
        const inner: AxisMap[] = x.shape.map((_, i) => ({ c: v.fixed.get(i) ?? 0, a: -1, s: 0 }));
        v.axes.forEach((ax, k) => {
          if (ax.inAxis < 0) return;
          const m = maps[k]!;
          inner[ax.inAxis] = { c: ax.start + ax.step * m.c, a: m.a, s: ax.step * m.s };
        });
        r = emit(x, inner);
        break;
      }
      case "source": {
        const lk = `src|${n.id}|${maps.map((m) => `${m.c},${m.a},${m.s}`).join(";")}`;
        let li = leafIndex.get(lk);
        if (li === undefined) {
          li = leaves.length;
          const source: SourceInfo = {
            reader: n.attrs["reader"] as string,
            params: n.attrs["params"] as { readonly [k: string]: unknown },
            fullShape: n.shape,
            chunks: storedChunks(n),
            dtype: n.dtype,
            masked: n.masked,
          };
          leaves.push({ kind: "source", source, axes: maps });
          leafIndex.set(lk, li);
        }
        r = push({ k: "leaf", leaf: li, dtype: n.dtype, masked: n.masked });
        break;
      }
      default: {
        const pb = materialize(n);
        let base = 0;
        const st = new Array<number>(nd).fill(0);
        maps.forEach((m, j) => {
          base += pb.strides[j]! * m.c;
          if (m.a >= 0) st[m.a]! += pb.strides[j]! * m.s;
        });
        const lk = `${pb.id}|${base}|${st.join(",")}`;
        let li = leafIndex.get(lk);
        if (li === undefined) {
          li = leaves.length;
          leaves.push({ kind: "buf", buf: pb.id, base, strides: st });
          leafIndex.set(lk, li);
        }
        r = push({ k: "leaf", leaf: li, dtype: pb.dtype, masked: pb.masked });
      }
    }
    memo.set(key, r);
    return r;
  };

  const identity: AxisMap[] = root.shape.map((_, i) => ({ c: 0, a: i, s: 1 }));
  emit(root, identity);
  return { program: { nodes, nLeaves: leaves.length }, leaves };
}
