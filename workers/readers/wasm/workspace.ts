/**
 * The per-thread WebAssembly memory the Blosc kernels work in, laid out as three regions:
 * the compressed chunk (+16 bytes the LZ4 kernel may read past its end), one shuffled block
 * (+16 bytes), and one unshuffled block. Grown when a chunk needs more, never shrunk: a worker
 * decodes one chunk at a time and chunks of one array have one size.
 */
import { bloscKernels, type Kernels } from "./kernels.js";

const PAGE = 65536;
const SLACK = 16;
const align = (n: number): number => (n + 63) & ~63;

export class Workspace {
  readonly kernels: Kernels = bloscKernels();
  /** Byte offsets of the regions; `input` is at 0. */
  blockAt = 0;
  outAt = 0;
  private inCap = 0;
  private blockCap = 0;
  private view: Uint8Array<ArrayBufferLike> = new Uint8Array(0);

  /** The memory's bytes (a fresh view after any growth). */
  get bytes(): Uint8Array<ArrayBufferLike> {
    if (this.view.buffer !== this.kernels.memory.buffer) this.view = new Uint8Array(this.kernels.memory.buffer);
    return this.view;
  }

  /** Make room for a compressed chunk of `inBytes` and blocks of `blockBytes`. */
  reserve(inBytes: number, blockBytes: number): void {
    if (inBytes <= this.inCap && blockBytes <= this.blockCap) return;
    const inCap = Math.max(inBytes, this.inCap);
    const blockCap = Math.max(blockBytes, this.blockCap);
    const blockAt = align(inCap + SLACK);
    const outAt = align(blockAt + blockCap + SLACK);
    const need = outAt + blockCap;
    const memory = this.kernels.memory;
    if (need > memory.buffer.byteLength) memory.grow(Math.ceil((need - memory.buffer.byteLength) / PAGE));
    // regions move only when they grow, before a chunk's decoding starts
    this.inCap = inCap;
    this.blockCap = blockCap;
    this.blockAt = blockAt;
    this.outAt = outAt;
  }

  /** A view of the input region for `n` compressed bytes (valid until the next `reserve`). */
  input(n: number): Uint8Array {
    this.reserve(n, this.blockCap);
    return this.bytes.subarray(0, n);
  }
}

let workspace: Workspace | undefined;

export function bloscWorkspace(): Workspace {
  return (workspace ??= new Workspace());
}
