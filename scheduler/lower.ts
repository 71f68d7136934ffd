/**
 * Lowering: an expression graph (with every size known) → a Plan of buffers and tasks.
 * Each non-fusable node is a stage writing one buffer; everything fusable around it is folded
 * into the stage's Program. Pure: no threads, no data touched.
 */
import { DTYPES } from "../src/core/dtype.js";
import { cStrides, sizeOf } from "../src/core/shape.js";
import type { Node } from "../src/graph/node.js";
import { isArgFn, type ReduceFn } from "../src/graph/ops.js";
import { alongParams } from "../src/graph/along.js";
import type { SearchMode } from "../src/graph/search.js";
import { DEFAULT_BLOCK_OPTIONS, chunkedReductionBlockShape, elementwiseBlockShape, enumerateBlocks, reductionBlockShape, type Block, type BlockOptions } from "./blocks.js";
import { chunksOf, storedChunks } from "./chunks.js";
import { fuse, isFusable, type Fused } from "./fuse.js";
import { isSourceLeaf, sourceScratchBytes, type LeafSpec, type OperandSpec, type Plan, type PlanBuffer, type SourceLeafSpec, type StoreSpec, type Task, type TaskSpec } from "./task.js";
import type { SourceLeaf } from "./fuse.js";
import { restage } from "./restage.js";
import { DEFAULT_RECHUNK_LIMITS } from "./rechunk-plan.js";

export class UnresolvedShapeError extends Error {
  override name = "UnresolvedShapeError";
}

class Lowering {
  readonly buffers: PlanBuffer[] = [];
  readonly tasks: Task[] = [];
  readonly stores: StoreSpec[] = [];
  private readonly byNode = new Map<Node, PlanBuffer>();
  private readonly chunkMemo = new Map<Node, number[]>();

  constructor(private readonly opts: BlockOptions) {}

  private addBuffer(node: Node, extra: Partial<PlanBuffer> = {}): PlanBuffer {
    const b: PlanBuffer = {
      id: this.buffers.length,
      dtype: node.dtype,
      shape: node.shape,
      masked: node.masked,
      strides: cStrides(node.shape),
      ...extra,
    };
    this.buffers.push(b);
    return b;
  }

  private withReady(b: PlanBuffer, ready: string): PlanBuffer {
    const nb = { ...b, ready };
    this.buffers[b.id] = nb;
    return nb;
  }

  private key(node: Node, kind: string, idx: readonly number[]): string {
    return `${node.hash.substring(0, 12)}:${kind}:${idx.length === 1 ? idx[0] : idx.join(",")}`;
  }

  private depsOf(leaves: readonly ({ buf: number } | { kind: "source" })[]): string[] {
    const out = new Set<string>();
    for (const l of leaves) {
      if (!("buf" in l)) continue;
      let b = this.buffers[l.buf]!;
      while (b.aliasOf !== undefined && b.ready === undefined) b = this.buffers[b.aliasOf]!;
      if (b.ready !== undefined) out.add(b.ready);
    }
    return [...out];
  }

  private barrier(node: Node, b: PlanBuffer, producers: readonly string[]): PlanBuffer {
    const key = `${node.hash.slice(0, 12)}:ready`;
    this.tasks.push({ key, deps: producers, spec: { kernel: "barrier" }, bytes: 0 });
    return this.withReady(b, key);
  }

  materialize = (node: Node): PlanBuffer => {
    const hit = this.byNode.get(node);
    if (hit !== undefined) return hit;
    if (node.shape.includes(-1)) throw new UnresolvedShapeError(`size of ${node.op} not known yet`);
    let b: PlanBuffer;
    switch (node.op) {
      case "literal":
        b = this.addBuffer(node, { payload: node.payload! });
        break;
      case "source":
        b = this.readSource(node);
        break;
      case "reshape": {
        const src = this.materialize(node.args[0]!);
        b = this.addBuffer(node, { aliasOf: src.id, ...(src.ready === undefined ? {} : { ready: src.ready }) });
        break;
      }
      case "reduce":
        b = this.reduce(node);
        break;
      case "along":
        b = this.along(node);
        break;
      case "take":
        b = this.take(node);
        break;
      case "search":
        b = this.search(node);
        break;
      case "concat":
        b = this.concat(node);
        break;
      case "select":
      case "compressed":
        throw new UnresolvedShapeError(`${node.op} must be resolved before lowering`);
      default:
        if (!isFusable(node)) throw new Error(`no lowering for op ${node.op}`);
        b = this.mapStage(node);
    }
    this.byNode.set(node, b);
    return b;
  };

  private itemBytes(f: Fused, node: Node): number {
    let n = DTYPES[node.dtype].bytes;
    for (const l of f.leaves) n += l.kind === "buf" ? DTYPES[this.buffers[l.buf]!.dtype].bytes : DTYPES[l.source.dtype].bytes;
    return n;
  }

  private leafOps(f: Fused, start: readonly number[], shape: readonly number[]): LeafSpec[] {
    return f.leaves.map((l) => (l.kind === "buf" ? { buf: l.buf, offset: l.base + start.reduce((s, v, d) => s + v * l.strides[d]!, 0), strides: l.strides } : sourceLeaf(l, start, shape)));
  }

  /**
   * The stage's fused leaves with sources its blocks would re-read many times swapped for rechunked
   * intermediate stores (restage.ts), and the barriers of their copies.
   */
  private restaged(node: Node, f0: Fused, stageShape: readonly number[], block: readonly number[]): { f: Fused; deps: string[] } {
    if (this.opts.rechunkStages <= 0 || !f0.leaves.some((l) => l.kind === "source")) return { f: f0, deps: [] };
    const r = restage(f0.leaves, stageShape, block, {
      limits: { ...DEFAULT_RECHUNK_LIMITS, maxBytes: this.opts.maxTaskBytes, maxStages: this.opts.rechunkStages },
      key: (kind, idx) => this.key(node, kind, idx),
      addTask: (t) => this.tasks.push(t),
      addStore: (dropAfter) => this.stores.push({ id: this.stores.length, dropAfter }) - 1,
      consumerReady: `${node.hash.slice(0, 12)}:ready`,
    });
    return { f: r.deps.length === 0 ? f0 : { program: f0.program, leaves: r.leaves }, deps: r.deps };
  }

  private mapStage(node: Node): PlanBuffer {
    const f0 = fuse(node, this.materialize);
    const out = this.addBuffer(node);
    const item = this.itemBytes(f0, node);
    const blockShape = elementwiseBlockShape(node.shape, chunksOf(node, this.chunkMemo), item, this.opts);
    const { f, deps: moved } = this.restaged(node, f0, node.shape, blockShape);
    const deps = [...this.depsOf(f.leaves), ...moved];
    const keys: string[] = [];
    for (const blk of enumerateBlocks(node.shape, blockShape)) {
      const key = this.key(node, "map", blk.index);
      const spec: TaskSpec = {
        kernel: "map",
        program: f.program,
        shape: blk.shape,
        leaves: this.leafOps(f, blk.start, blk.shape),
        out: { buf: out.id, offset: blk.start.reduce((s, v, d) => s + v * out.strides[d]!, 0), strides: out.strides },
      };
      this.tasks.push({ key, deps, spec, bytes: sizeOf(blk.shape) * item });
      keys.push(key);
    }
    return this.barrier(node, out, keys);
  }

  private reduce(node: Node): PlanBuffer {
    const x = node.args[0]!;
    const fn = node.attrs["fn"] as ReduceFn;
    const axes = node.attrs["axes"] as number[];
    const keep = node.attrs["keepdims"] === true;
    const ddof = (node.attrs["ddof"] as number | undefined) ?? 0;
    const f0 = fuse(x, this.materialize);
    const out = this.addBuffer(node);
    const reduced = x.shape.map((_, i) => axes.includes(i));
    const item = this.itemBytes(f0, x);
    const whole = fn === "median";
    const chained = !whole && f0.leaves.some((l) => l.kind === "source");
    const inPlace = !whole && f0.leaves.every((l) => l.kind === "buf");
    const sizing = inPlace ? { ...this.opts, maxTaskBytes: Math.max(this.opts.maxTaskBytes, this.opts.maxInPlaceTaskBytes) } : this.opts;
    const blockShape = chained
      ? chunkedReductionBlockShape(x.shape, chunksOf(x, this.chunkMemo), reduced, item, this.opts)
      : reductionBlockShape(x.shape, chunksOf(x, this.chunkMemo), reduced, item, sizing, whole);
    const blocks = enumerateBlocks(x.shape, blockShape);
    const { f, deps: moved } = this.restaged(node, f0, x.shape, blockShape);
    const deps = [...this.depsOf(f.leaves), ...moved];
    // x axis → output stride (kept axes only)
    const outAxisOf = (i: number): number => (keep ? i : x.shape.slice(0, i).filter((_, k) => !reduced[k]).length);
    const keptAxes = x.shape.map((_, i) => i).filter((i) => !reduced[i]);
    const outStrides = keptAxes.map((i) => out.strides[outAxisOf(i)]!);
    // group blocks by their position along the kept axes (a flat number: plans can hold 100k blocks)
    const counts = x.shape.map((s, i) => Math.max(1, Math.ceil(s / blockShape[i]!)));
    const groups = new Map<number, Block[]>();
    for (const blk of blocks) {
      let gk = 0;
      for (const i of keptAxes) gk = gk * counts[i]! + blk.index[i]!;
      const g = groups.get(gk);
      if (g === undefined) groups.set(gk, [blk]);
      else g.push(blk);
    }
    // arg reductions: global index = C-order position over the reduced axes of x
    const idxStrides = new Array<number>(x.shape.length).fill(0);
    for (let i = x.shape.length - 1, st = 1; i >= 0; i--) {
      if (!reduced[i]) continue;
      idxStrides[i] = st;
      st *= x.shape[i]!;
    }
    const argIndexOf = (blk: Block): { argIndex?: { base: number; strides: number[] } } =>
      isArgFn(fn) ? { argIndex: { base: blk.start.reduce((s, v, d) => s + v * idxStrides[d]!, 0), strides: idxStrides } } : {};
    const finals: string[] = [];
    for (const [gk, g] of groups) {
      const first = g[0]!;
      const outOp: OperandSpec = {
        buf: out.id,
        offset: keptAxes.reduce((s, i) => s + first.start[i]! * outStrides[keptAxes.indexOf(i)]!, 0),
        strides: outStrides,
      };
      const outShape = keptAxes.map((i) => first.shape[i]!);
      const base = (blk: Block, last: boolean): TaskSpec =>
        whole
          ? { kernel: "median", program: f.program, shape: blk.shape, leaves: this.leafOps(f, blk.start, blk.shape), reduced, out: outOp, outDType: node.dtype }
          : { kernel: "reduce", program: f.program, shape: blk.shape, leaves: this.leafOps(f, blk.start, blk.shape), reduced, fn, ddof, out: last ? outOp : null, outDType: node.dtype, ...argIndexOf(blk) };
      if (g.length === 1) {
        const key = this.key(node, whole ? "median" : "reduce", first.index);
        this.tasks.push({ key, deps, spec: base(first, true), bytes: sizeOf(first.shape) * item });
        finals.push(key);
        continue;
      }
      // a chain link holds the incoming partial and its own accumulators besides the block it reads
      const accBytes = sizeOf(outShape) * 8 * (fn === "var" || fn === "std" ? 4 : 2);
      if (chained) {
        // Few output blocks: split each chain into one sub-chain per worker, joined by a combine,
        // so the workers share the reduced extent while each holds one partial at a time.
        const nSub = groups.size >= this.opts.workers ? 1 : Math.max(1, Math.min(this.opts.workers, Math.floor(g.length / 2)));
        const per = Math.ceil(g.length / nSub);
        const ends: string[] = [];
        for (let c = 0; c < g.length; c += per) {
          const part = g.slice(c, c + per);
          let prev: string | undefined;
          part.forEach((blk, k) => {
            const key = this.key(node, "chain", blk.index);
            const last = nSub === 1 && k === part.length - 1;
            const spec: TaskSpec = { ...(base(blk, last) as Extract<TaskSpec, { kernel: "reduce" }>), merge: prev !== undefined };
            this.tasks.push({ key, deps: prev === undefined ? deps : [...deps, prev], spec, bytes: sizeOf(blk.shape) * item + accBytes });
            prev = key;
          });
          ends.push(prev!);
        }
        if (ends.length === 1) {
          finals.push(ends[0]!);
          continue;
        }
        const key = `${node.hash.slice(0, 12)}:join:${gk}`;
        this.tasks.push({ key, deps: ends, spec: { kernel: "combine", fn, ddof, out: outOp, outShape, outDType: node.dtype }, bytes: sizeOf(outShape) * 8 * ends.length });
        finals.push(key);
        continue;
      }
      let level = g.map((blk) => {
        const key = this.key(node, "partial", blk.index);
        this.tasks.push({ key, deps, spec: base(blk, false), bytes: sizeOf(blk.shape) * item });
        return key;
      });
      let depth = 0;
      while (level.length > 1) {
        const next: string[] = [];
        const lastLevel = level.length <= this.opts.fanIn;
        for (let i = 0; i < level.length; i += this.opts.fanIn) {
          const key = `${node.hash.slice(0, 12)}:combine:${gk}:${depth}:${i / this.opts.fanIn}`;
          const spec: TaskSpec = { kernel: "combine", fn, ddof, out: lastLevel ? outOp : null, outShape, outDType: node.dtype };
          this.tasks.push({ key, deps: level.slice(i, i + this.opts.fanIn), spec, bytes: sizeOf(outShape) * 8 * this.opts.fanIn });
          next.push(key);
        }
        level = next;
        depth++;
      }
      finals.push(level[0]!);
    }
    return this.barrier(node, out, finals);
  }

  /**
   * Whole-axis kernels (src/graph/along.ts): each task holds the `axes` whole. bincount tasks cover
   * elementwise blocks instead and their partials merge in a combine tree, as sums do.
   */
  private along(node: Node): PlanBuffer {
    const x = node.args[0]!;
    const params = alongParams(node.attrs);
    const axes = node.attrs["axes"] as number[];
    const f0 = fuse(x, this.materialize);
    const out = this.addBuffer(node);
    const reduced = x.shape.map((_, i) => axes.includes(i));
    const item = this.itemBytes(f0, x);
    // bincount and unique merge per-block partials (counts, sorted runs) in a combine tree
    const merged = params.fn === "bincount" || params.fn === "unique";
    const chunks = chunksOf(x, this.chunkMemo);
    const blockShape = merged ? elementwiseBlockShape(x.shape, chunks, item, this.opts) : reductionBlockShape(x.shape, chunks, reduced, item, this.opts, true);
    const blocks = enumerateBlocks(x.shape, blockShape);
    const { f, deps: moved } = this.restaged(node, f0, x.shape, blockShape);
    const deps = [...this.depsOf(f.leaves), ...moved];
    const lead = params.qList === true ? 1 : 0;
    const spec = (blk: Block, o: OperandSpec | null): TaskSpec => ({
      kernel: "along", program: f.program, shape: blk.shape, leaves: this.leafOps(f, blk.start, blk.shape), reduced, params,
      qStride: lead === 1 ? out.strides[0]! : 0, out: o, outDType: node.dtype,
    });
    const whole: OperandSpec = { buf: out.id, offset: 0, strides: out.strides };
    if (merged && blocks.length > 1) {
      const fn = params.fn === "unique" ? "unique" : "sum";
      // a run holds at most its block's values; counts hold the bins
      const partBytes = (n: number): number => (fn === "unique" ? sizeOf(x.shape) * DTYPES[x.dtype].bytes : sizeOf(node.shape) * 8 * n);
      let level = blocks.map((blk) => {
        const key = this.key(node, fn === "unique" ? "runs" : "bins", blk.index);
        this.tasks.push({ key, deps, spec: spec(blk, null), bytes: sizeOf(blk.shape) * item });
        return key;
      });
      for (let depth = 0; level.length > 1; depth++) {
        const next: string[] = [];
        for (let i = 0; i < level.length; i += this.opts.fanIn) {
          const key = `${node.hash.slice(0, 12)}:combine:${depth}:${i / this.opts.fanIn}`;
          const o = level.length <= this.opts.fanIn ? whole : null;
          this.tasks.push({ key, deps: level.slice(i, i + this.opts.fanIn), spec: { kernel: "combine", fn, ddof: 0, out: o, outShape: node.shape, outDType: node.dtype }, bytes: partBytes(this.opts.fanIn) });
          next.push(key);
        }
        level = next;
      }
      return this.barrier(node, out, level);
    }
    const keep = node.attrs["keepdims"] === true;
    const kept = x.shape.map((_, i) => i).filter((i) => !reduced[i]);
    const outAxisOf = (i: number): number => lead + (keep ? i : kept.indexOf(i));
    const keys = blocks.map((blk) => {
      let o = whole;
      if (params.fn === "cumsum" || params.fn === "cumprod") o = { ...whole, offset: blk.start.reduce((s, v, d) => s + v * out.strides[d]!, 0) };
      else if (params.fn === "quantile") {
        const st = kept.map((i) => out.strides[outAxisOf(i)]!);
        o = { buf: out.id, offset: kept.reduce((s, i, k) => s + blk.start[i]! * st[k]!, 0), strides: st };
      }
      const key = this.key(node, "along", blk.index);
      this.tasks.push({ key, deps, spec: spec(blk, o), bytes: sizeOf(blk.shape) * item });
      return key;
    });
    return this.barrier(node, out, keys);
  }

  /** Elementwise blocks of x (its chain fused), each searching the whole sorted table. */
  private search(node: Node): PlanBuffer {
    const [x, table] = node.args as [Node, Node];
    const f0 = fuse(x, this.materialize);
    const tb = this.materialize(table);
    const out = this.addBuffer(node);
    const item = this.itemBytes(f0, node);
    const blockShape = elementwiseBlockShape(node.shape, chunksOf(node, this.chunkMemo), item, this.opts);
    const { f, deps: moved } = this.restaged(node, f0, node.shape, blockShape);
    const deps = [...this.depsOf([...f.leaves, { buf: tb.id }]), ...moved];
    const keys: string[] = [];
    for (const blk of enumerateBlocks(node.shape, blockShape)) {
      const key = this.key(node, "search", blk.index);
      this.tasks.push({
        key,
        deps,
        spec: {
          kernel: "search",
          program: f.program,
          shape: blk.shape,
          leaves: this.leafOps(f, blk.start, blk.shape),
          table: { buf: tb.id, offset: 0, strides: tb.strides },
          tableLength: table.shape[0]!,
          mode: node.attrs["mode"] as SearchMode,
          out: { buf: out.id, offset: blk.start.reduce((s, v, d) => s + v * out.strides[d]!, 0), strides: out.strides },
        },
        bytes: sizeOf(blk.shape) * item,
      });
      keys.push(key);
    }
    return this.barrier(node, out, keys);
  }

  private take(node: Node): PlanBuffer {
    const [x, ...idx] = node.args as [Node, ...Node[]];
    const src = this.materialize(x);
    const ibs = idx.map((i) => this.materialize(i));
    const out = this.addBuffer(node);
    const axes = node.attrs["axes"] as number[];
    const bAt = node.attrs["at"] as number;
    const bNdim = node.shape.length - (x.shape.length - axes.length);
    const bShape = node.shape.slice(bAt, bAt + bNdim);
    // each index array strided over the broadcast index shape: right-aligned, 0 where broadcast
    const indices: OperandSpec[] = ibs.map((ib) => {
      const off = bNdim - ib.shape.length;
      return { buf: ib.id, offset: 0, strides: bShape.map((s, d) => (d < off || (ib.shape[d - off] === 1 && s !== 1) ? 0 : ib.strides[d - off]!)) };
    });
    const item = DTYPES[node.dtype].bytes * 2;
    const blockShape = elementwiseBlockShape(node.shape, chunksOf(node, this.chunkMemo), item, this.opts);
    const deps = this.depsOf([src, ...ibs].map((b) => ({ buf: b.id })));
    const keys: string[] = [];
    for (const blk of enumerateBlocks(node.shape, blockShape)) {
      const key = this.key(node, "take", blk.index);
      this.tasks.push({
        key,
        deps,
        spec: {
          kernel: "take",
          src: { buf: src.id, offset: 0, strides: src.strides },
          indices,
          axes,
          srcShape: x.shape,
          bAt,
          bNdim,
          start: blk.start,
          shape: blk.shape,
          out: { buf: out.id, offset: 0, strides: out.strides },
        },
        bytes: sizeOf(blk.shape) * item,
      });
      keys.push(key);
    }
    return this.barrier(node, out, keys);
  }

  private concat(node: Node): PlanBuffer {
    const axis = node.attrs["axis"] as number;
    const out = this.addBuffer(node);
    const keys: string[] = [];
    let at = 0;
    node.args.forEach((a, k) => {
      const f = fuse(a, this.materialize);
      const program = castProgram(f, node);
      const deps = this.depsOf(f.leaves);
      const item = this.itemBytes(f, node);
      const blockShape = elementwiseBlockShape(a.shape, chunksOf(a, this.chunkMemo), item, this.opts);
      for (const blk of enumerateBlocks(a.shape, blockShape)) {
        const key = this.key(node, `cat${k}`, blk.index);
        const ostart = blk.start.map((s, d) => (d === axis ? s + at : s));
        this.tasks.push({
          key,
          deps,
          spec: {
            kernel: "map",
            program,
            shape: blk.shape,
            leaves: this.leafOps(f, blk.start, blk.shape),
            out: { buf: out.id, offset: ostart.reduce((s, v, d) => s + v * out.strides[d]!, 0), strides: out.strides },
          },
          bytes: sizeOf(blk.shape) * item,
        });
        keys.push(key);
      }
      at += a.shape[axis]!;
    });
    return this.barrier(node, out, keys);
  }

  /** One read task per chunk of the source's stored grid (readers read whole chunks of their storage). */
  private readSource(node: Node): PlanBuffer {
    const out = this.addBuffer(node);
    const reader = node.attrs["reader"] as string;
    const params = node.attrs["params"] as { readonly [k: string]: unknown };
    const item = DTYPES[node.dtype].bytes;
    const keys: string[] = [];
    // whole chunks of the stored grid: a reader fills one of its own chunks at a time
    for (const blk of enumerateBlocks(node.shape, storedChunks(node))) {
      const key = this.key(node, "read", blk.index);
      this.tasks.push({
        key,
        deps: [],
        spec: { kernel: "read", reader, params, start: blk.start, shape: blk.shape, fullShape: node.shape, out: { buf: out.id, offset: 0, strides: out.strides } },
        bytes: sizeOf(blk.shape) * item,
      });
      keys.push(key);
    }
    return this.barrier(node, out, keys);
  }
}

/** A source leaf for one block: the stage's shared description plus the block. */
function sourceLeaf(l: SourceLeaf, start: readonly number[], shape: readonly number[]): SourceLeafSpec {
  return { source: l.source, axes: l.axes, start, shape };
}

/** The fused program with a final cast to the node's dtype (concatenation promotes). */
function castProgram(f: Fused, node: Node): Fused["program"] {
  const last = f.program.nodes[f.program.nodes.length - 1]!;
  if (last.dtype === node.dtype && last.masked === node.masked) return f.program;
  const nodes = [...f.program.nodes];
  let src = nodes.length - 1;
  if (node.masked && !last.masked) {
    nodes.push({ k: "const", value: false, dtype: "bool", masked: false });
    nodes.push({ k: "make_masked", args: [src, nodes.length - 1], dtype: last.dtype, masked: true });
    src = nodes.length - 1;
  }
  if (last.dtype !== node.dtype) nodes.push({ k: "cast", arg: src, dtype: node.dtype, masked: node.masked });
  return { nodes, nLeaves: f.program.nLeaves };
}

/** Task bytes counted a source leaf as one element per block element; count the scratch its read really takes. */
function withSourceScratch(t: Task): Task {
  const s = t.spec;
  if (s.kernel !== "map" && s.kernel !== "reduce" && s.kernel !== "median" && s.kernel !== "along") return t;
  let extra = 0;
  for (const l of s.leaves) {
    if (!isSourceLeaf(l)) continue;
    extra += sourceScratchBytes(l) - sizeOf(l.shape) * DTYPES[l.source.dtype].bytes;
  }
  return extra === 0 ? t : { ...t, bytes: Math.max(0, t.bytes + extra) };
}

export function lower(root: Node, opts: Partial<BlockOptions> = {}): Plan {
  // a caller who sizes tasks sizes in-place reductions too, unless it says otherwise
  const inPlace = opts.maxInPlaceTaskBytes ?? opts.maxTaskBytes ?? DEFAULT_BLOCK_OPTIONS.maxInPlaceTaskBytes;
  const l = new Lowering({ ...DEFAULT_BLOCK_OPTIONS, ...opts, maxInPlaceTaskBytes: inPlace });
  const b = l.materialize(root);
  return { buffers: l.buffers, tasks: l.tasks.map(withSourceScratch), result: b.id, ...(l.stores.length === 0 ? {} : { stores: l.stores }) };
}
