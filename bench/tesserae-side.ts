/** The tesserae side of each workload, written against API.md. Builds the lazy expression; the child times `compute()`. */
import * as engine from "../src/index.js";
import type { NpyContents } from "../src/core/npy.js";
import type { Computable, Tesserae } from "./contract.js";

type Engine = typeof engine;
type Wf = { [K in keyof Tesserae]: K extends keyof Engine ? Engine[K] : Tesserae[K] };
const wf = engine as unknown as Wf;

export type Inputs = ReadonlyMap<string, NpyContents>;

function input(inputs: Inputs, name: string): NpyContents {
  const v = inputs.get(name);
  if (v === undefined) throw new Error(`missing input '${name}'`);
  return v;
}

const BUILDERS: Readonly<Record<string, (inputs: Inputs) => Computable>> = {
  B1: (inputs) => {
    const { data, shape } = input(inputs, "x");
    const x = wf.Array.from(data, shape);
    const red = x.get(":", 2);
    const nir = x.get(":", 3);
    return nir.sub(red).div(nir.add(red)).mean(0);
  },
  B2: (inputs) => {
    const d = input(inputs, "data");
    const m = input(inputs, "mask");
    const mask = wf.Array.from(m.data, m.shape, { dtype: "bool" });
    return new wf.MaskedArray(wf.Array.from(d.data, d.shape), { mask }).median(0);
  },
  B3: (inputs) => {
    const { data, shape } = input(inputs, "x");
    return wf.Array.from(data, shape).std();
  },
  B4: (inputs) => {
    const { data, shape } = input(inputs, "x");
    return wf.Array.from(data, shape, { chunks: [100] }).add(1).sum();
  },
};

/** Fails early, with a readable message, while the engine does not export what the bench needs. */
export function checkEngine(): void {
  const missing = (["Array", "MaskedArray", "shutdown"] as const).filter((k) => !(k in engine));
  if (missing.length > 0) throw new Error(`the engine does not export ${missing.join(", ")} yet (src/index.ts)`);
}

export function build(id: string, inputs: Inputs): Computable {
  const b = BUILDERS[id];
  if (b === undefined) throw new Error(`no tesserae side for ${id} yet`);
  return b(inputs);
}

export async function shutdown(): Promise<void> {
  if ("shutdown" in engine) await wf.shutdown();
}
