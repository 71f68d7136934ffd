/**
 * Inflates a zlib stream into memory the caller gives (a tile's region of a task's box): no
 * output buffer allocated per block and no copy out of it. node:zlib has no public call that
 * writes into given memory, so this drives the native handle behind one reused Inflate stream
 * through the same `writeSync(flush, in, inOff, inLen, out, outOff, outLen)` that
 * `zlib.inflateSync` uses, resetting it between blocks (which also saves a stream set-up per
 * block). Where that handle is missing (another runtime), it falls back to `inflateSync` and a copy.
 */
import { constants, Inflate, inflateSync } from "node:zlib";

/** The native zlib handle of a stream (node's lib/zlib.js). */
interface NativeHandle {
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
  reset(): void;
  close(): void;
  onerror: (message: string, errno: number, code: string) => void;
}

interface Engine {
  handle: NativeHandle;
  /** [output bytes left, input bytes left] after each write. */
  state: Uint32Array;
}

let engine: Engine | null | undefined;
/** The native error of the last write, if it failed. */
let failure: string | undefined;

function engineOf(): Engine | null {
  if (engine !== undefined) return engine;
  const s = new Inflate() as unknown as { _handle?: Partial<NativeHandle>; _writeState?: unknown };
  const h = s._handle;
  if (h === undefined || typeof h.writeSync !== "function" || typeof h.reset !== "function" || !(s._writeState instanceof Uint32Array)) {
    engine = null;
    return engine;
  }
  // node's own handler destroys the stream; keep the message and decide here
  h.onerror = (message) => {
    failure = message;
  };
  engine = { handle: h as NativeHandle, state: s._writeState };
  return engine;
}

/**
 * Inflates `input` (a whole zlib stream) into `dest`, at most `dest.byteLength` bytes; returns how
 * many it wrote (fewer when the stream ends first). Throws the inflater's message on bad data.
 */
export function inflateInto(input: Uint8Array, dest: Uint8Array): number {
  const e = engineOf();
  if (e === null) {
    const out = inflateSync(input, { chunkSize: Math.max(64, dest.byteLength) });
    const n = Math.min(out.byteLength, dest.byteLength);
    dest.set(out.subarray(0, n));
    return n;
  }
  failure = undefined;
  e.handle.reset();
  e.handle.writeSync(constants.Z_FINISH, input, 0, input.byteLength, dest, 0, dest.byteLength);
  if (failure !== undefined) {
    const message = failure;
    // a failed stream is not reused: the next block gets a fresh one
    e.handle.close();
    engine = undefined;
    throw new Error(message);
  }
  return dest.byteLength - e.state[0]!;
}
