/**
 * The part of the WebAssembly JS API tesserae uses. Node has it as a global, but the ES and node
 * type libraries this project compiles against do not declare it.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

export interface WasmMemoryDescriptor {
  initial: number;
  maximum?: number;
  shared?: boolean;
}

export interface WasmInstance {
  readonly exports: { readonly [name: string]: unknown };
}

export interface WasmApi {
  Memory: new (d: WasmMemoryDescriptor) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: object) => WasmInstance;
  validate(bytes: Uint8Array): boolean;
}

export const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Bytes in a WebAssembly memory page. */
export const WASM_PAGE = 65536;

export function isWasmMemory(x: unknown): x is WasmMemory {
  return x instanceof (Wasm.Memory as unknown as new () => object);
}
