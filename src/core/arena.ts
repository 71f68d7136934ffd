/**
 * The arena: one process-wide shared WebAssembly memory that large engine buffers can live in.
 * WebAssembly kernels address only their own memory, so data outside it must be copied in piece
 * by piece before a SIMD kernel can read it (with a shared source, V8's copy is slow: it costs
 * more than the arithmetic). Data in the arena is read in place by the kernels of every thread.
 *
 * The allocator lives in the main thread. Worker threads get the memory and a set of scratch
 * slots through the pool's workerData, and claim one slot each (their staging memory for
 * kernels). The arena is an optimisation only: when it is full, callers fall back to plain
 * SharedArrayBuffers and the kernels to copying.
 */
import { isMainThread, workerData } from "node:worker_threads";
import { DTYPES, viewOf, type DTypeName, type TypedArray } from "./dtype.js";
import { Wasm, WASM_PAGE, isWasmMemory, type WasmMemory } from "./wasm-api.js";

/** The arena's address space: the whole 32-bit WebAssembly range. Pages are committed as it grows. */
export const ARENA_MAX_PAGES = 65536;
const MAX_BYTES = ARENA_MAX_PAGES * WASM_PAGE;
/** Block alignment: a cache line, and a multiple of every element size and of a SIMD vector. */
const ALIGN = 64;
/** Grow in steps of this many pages, so a run of allocations does not grow the memory each time. */
const GROW_PAGES = 256;
/** A thread's scratch for kernels: staging pieces and mirrored accumulators. */
export const KERNEL_SCRATCH_BYTES = 4 << 20;
/** A thread's median planes (workers/kernels/median16.ts), after its kernel scratch: chain kernels write into them. */
export const PLANES_BYTES = 256 << 10;
/** A thread's memory for the source boxes a task reads (decoded chunks), after its planes. */
export const BOX_BYTES = 60 << 20;
/** Scratch per thread, in address space: pages are only resident once touched. */
export const SLOT_BYTES = KERNEL_SCRATCH_BYTES + PLANES_BYTES + BOX_BYTES;

let memory: WasmMemory | undefined;
/** Set when this runtime refused the memory (e.g. an address-space limit): everything then runs without the arena. */
let unavailable = false;
/** The first page is never handed out: address 0 is never a block. */
let top = WASM_PAGE;
/** Free blocks below `top`, by address; neighbours are always merged. */
const freeList: { at: number; size: number }[] = [];
const blockSize = new Map<number, number>();

/** What the pool gave this worker thread (see `arenaForPool`), if anything. */
function poolArena(): ArenaWorkerData | undefined {
  return (workerData as { arena?: ArenaWorkerData } | null)?.arena;
}

/** The arena memory of this process: created by the main thread, adopted by pool workers. */
export function arenaMemory(): WasmMemory | undefined {
  if (memory !== undefined || unavailable) return memory;
  if (isMainThread) {
    try {
      memory = new Wasm.Memory({ initial: 1, maximum: ARENA_MAX_PAGES, shared: true });
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      unavailable = true;
    }
    return memory;
  }
  const given = poolArena();
  if (given !== undefined && isWasmMemory(given.memory)) memory = given.memory;
  return memory;
}

function ensure(end: number): boolean {
  const m = arenaMemory()!;
  const have = m.buffer.byteLength;
  if (end <= have) return true;
  const need = Math.ceil((end - have) / WASM_PAGE);
  const pages = Math.min(Math.max(need, GROW_PAGES), ARENA_MAX_PAGES - have / WASM_PAGE);
  try {
    m.grow(pages);
    return true;
  } catch (e) {
    if (e instanceof RangeError) return false;
    throw e;
  }
}

/** A block of at least `bytes` (main thread only), or undefined when the arena cannot hold it. */
export function arenaAlloc(bytes: number): number | undefined {
  if (!isMainThread || arenaMemory() === undefined) return undefined;
  const size = Math.ceil(Math.max(bytes, 1) / ALIGN) * ALIGN;
  const i = freeList.findIndex((b) => b.size >= size);
  let at: number;
  if (i >= 0) {
    const b = freeList[i]!;
    at = b.at;
    if (b.size === size) freeList.splice(i, 1);
    else freeList[i] = { at: b.at + size, size: b.size - size };
  } else {
    if (top + size > MAX_BYTES || !ensure(top + size)) return undefined;
    at = top;
    top += size;
  }
  blockSize.set(at, size);
  return at;
}

/** Return a block to the arena. Freeing an address that is not a live block is a bug, and throws. */
export function arenaFree(at: number): void {
  const size = blockSize.get(at);
  if (size === undefined) throw new Error(`arena: ${at} is not a live block`);
  blockSize.delete(at);
  let i = 0;
  while (i < freeList.length && freeList[i]!.at < at) i++;
  const block = { at, size };
  freeList.splice(i, 0, block);
  const next = freeList[i + 1];
  if (next !== undefined && block.at + block.size === next.at) {
    block.size += next.size;
    freeList.splice(i + 1, 1);
  }
  const prev = freeList[i - 1];
  if (prev !== undefined && prev.at + prev.size === block.at) {
    prev.size += block.size;
    freeList.splice(i, 1);
  }
  const last = freeList[freeList.length - 1];
  if (last !== undefined && last.at + last.size === top) {
    top = last.at;
    freeList.pop();
  }
}

/** Bytes in live blocks and the arena's high-water mark (for tests and stats). */
export function arenaUsage(): { live: number; top: number; blocks: number } {
  let live = 0;
  for (const s of blockSize.values()) live += s;
  return { live, top, blocks: blockSize.size };
}

const addresses = new WeakMap<TypedArray, number>();
const reclaim = new FinalizationRegistry<number>((at) => arenaFree(at));

/**
 * A copy of `src` (viewed as `dtype`) in the arena, freed when the returned view is collected;
 * undefined when the arena cannot hold it. The view must stay the only handle on its block:
 * no subarray or second view of it may outlive it.
 */
export function arenaCopyOf(src: TypedArray, dtype: DTypeName): TypedArray | undefined {
  const at = arenaAlloc(src.length * DTYPES[dtype].bytes);
  if (at === undefined) return undefined;
  const view = viewOf(dtype, arenaMemory()!.buffer, at, src.length);
  view.set(src as never);
  addresses.set(view, at);
  reclaim.register(view, at);
  return view;
}

/** The byte address of an arena view made by `arenaCopyOf` (undefined for any other array). */
export function arenaAddress(a: TypedArray): number | undefined {
  return addresses.get(a);
}

/** What a pool's workers get: the memory, and scratch slots to claim one each. */
export interface ArenaWorkerData {
  memory: WasmMemory;
  /** 1 where a slot is taken (claimed with compare-exchange). */
  claims: Int32Array;
  slots: number[];
}

/**
 * Scratch slots for a pool of `threads` workers, with spares for workers that replace crashed
 * ones; `release` frees them once the pool's threads are gone.
 */
export function arenaForPool(threads: number): { data: ArenaWorkerData; release: () => void } | undefined {
  const m = arenaMemory();
  if (m === undefined) return undefined;
  const slots: number[] = [];
  for (let i = 0; i < threads + 2; i++) {
    const at = arenaAlloc(SLOT_BYTES);
    if (at === undefined) break;
    slots.push(at);
  }
  const data = { memory: m, claims: new Int32Array(new SharedArrayBuffer(4 * Math.max(slots.length, 1))), slots };
  return { data, release: () => slots.forEach(arenaFree) };
}

/** This thread's scratch: SLOT_BYTES at `at` in the arena (kernel scratch, median planes, then box memory). */
export interface ThreadScratch {
  memory: WasmMemory;
  at: number;
}

let scratch: ThreadScratch | null | undefined;

function claimSlot(given: ArenaWorkerData): number | undefined {
  for (let i = 0; i < given.slots.length; i++) {
    if (Atomics.compareExchange(given.claims, i, 0, 1) === 0) {
      // a worker that ends normally gives its slot back; a killed one keeps it (the spares cover that)
      process.once("exit", () => Atomics.store(given.claims, i, 0));
      return given.slots[i];
    }
  }
  return undefined;
}

/** This thread's scratch slot in the arena, or null when it has none (kernels then use private memory). */
export function threadScratch(): ThreadScratch | null {
  if (scratch !== undefined) return scratch;
  const m = arenaMemory();
  let at: number | undefined;
  if (m !== undefined) {
    const given = poolArena();
    at = isMainThread ? arenaAlloc(SLOT_BYTES) : given === undefined ? undefined : claimSlot(given);
  }
  scratch = m === undefined || at === undefined ? null : { memory: m, at };
  return scratch;
}

/**
 * Box memory of this thread's slot, bump-allocated for one task at a time: a task takes a lease
 * (none while another task of this thread holds it, e.g. in a batch of tiny tasks), allocates
 * its boxes from it, and ends it when its kernel is done with them.
 */
export interface BoxLease {
  /** `bytes` at a 64-byte aligned address of the arena's buffer, or undefined when the region is full. */
  take(bytes: number): { buffer: ArrayBufferLike; at: number } | undefined;
  end(): void;
}

let leased = false;

export function leaseBoxes(): BoxLease | null {
  const s = threadScratch();
  if (s === null || leased) return null;
  leased = true;
  const start = s.at + KERNEL_SCRATCH_BYTES + PLANES_BYTES;
  let next = start;
  let open = true;
  return {
    take(bytes) {
      const size = Math.ceil(bytes / ALIGN) * ALIGN;
      if (!open || next + size > start + BOX_BYTES) return undefined;
      const at = next;
      next += size;
      return { buffer: s.memory.buffer, at };
    },
    end() {
      if (!open) return;
      open = false;
      leased = false;
    },
  };
}
