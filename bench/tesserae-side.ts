/** The tesserae side of each workload, written against API.md. Builds the lazy expression; the child times `compute()`. */
import * as engine from "../src/index.js";
import type { NpyContents } from "../src/core/npy.js";
import type { Computable, ComputeOptions, Tesserae } from "./contract.js";
import { outTifPath, outZarrPath } from "./paths.js";
import { splitProductPath } from "./catalog-data.js";
import { readProduct } from "../src/imagery/catalog/store.js";

type Engine = typeof engine;
type Wf = { [K in keyof Tesserae]: K extends keyof Engine ? Engine[K] : Tesserae[K] };
const wf = engine as unknown as Wf;

export interface Inputs {
  arrays: ReadonlyMap<string, NpyContents>;
  /** Zarr inputs, left on disk: name → directory. */
  zarr: ReadonlyMap<string, string>;
  /** Imagery products, left on disk: name → product folder. */
  catalogs: ReadonlyMap<string, string>;
}

/** What the child times: `expr.compute(options)`, with the result cache and progress bar off. */
export interface Prepared {
  expr: Computable;
  options?: ComputeOptions;
}

function input(inputs: Inputs, name: string): NpyContents {
  const v = inputs.arrays.get(name);
  if (v === undefined) throw new Error(`missing input '${name}'`);
  return v;
}

function zarrInput(inputs: Inputs, name: string): string {
  const v = inputs.zarr.get(name);
  if (v === undefined) throw new Error(`missing Zarr input '${name}'`);
  return v;
}

function catalogInput(inputs: Inputs, name: string): { root: string; productId: string } {
  const v = inputs.catalogs.get(name);
  if (v === undefined) throw new Error(`missing catalog input '${name}'`);
  return splitProductPath(v);
}

const BUILDERS: Readonly<Record<string, (inputs: Inputs) => Prepared>> = {
  B1: (inputs) => {
    const { data, shape } = input(inputs, "x");
    const x = wf.Array.from(data, shape);
    const red = x.get(":", 2);
    const nir = x.get(":", 3);
    return { expr: nir.sub(red).div(nir.add(red)).mean(0) };
  },
  B2: (inputs) => {
    const d = input(inputs, "data");
    const m = input(inputs, "mask");
    const mask = wf.Array.from(m.data, m.shape, { dtype: "bool" });
    return { expr: new wf.MaskedArray(wf.Array.from(d.data, d.shape), { mask }).median(0) };
  },
  B3: (inputs) => {
    const { data, shape } = input(inputs, "x");
    return { expr: wf.Array.from(data, shape).std() };
  },
  B4: (inputs) => {
    const { data, shape } = input(inputs, "x");
    return { expr: wf.Array.from(data, shape, { chunks: [100] }).add(1).sum() };
  },
  B5: (inputs) => {
    wf.configure({ memoryLimit: "256MiB" });
    const expr = wf.Array.fromZarr(zarrInput(inputs, "x")).mean(0);
    // The chunks Dask's to_zarr writes for this mean, so that both sides write the same files.
    return { expr, options: { destination: { type: "zarr", path: outZarrPath("B5"), chunks: [4, 512, 512] } } };
  },
  B6: (inputs) => {
    const { root, productId } = catalogInput(inputs, "product");
    engine.configure({ catalog: root });
    const x = engine.ImageCollection.fromId(productId).pickBands("red nir").ndarray.astype("float32");
    const red = x.get(":", 0), nir = x.get(":", 1);
    const expr = nir.sub(red).div(nir.add(red)).median(0);
    // the images' own grid
    const f = readProduct(root, productId)!.images[0]!.files[0]!;
    const t = f.transform;
    const geoctx = new engine.GeoContext({ bounds: [t[0], t[3] + f.height * t[5], t[0] + f.width * t[1], t[3]], crs: f.crs, shape: [f.height, f.width] });
    return { expr, options: { geoctx, format: "geotiff", file: outTifPath("B6") } };
  },
};

/** Fails early, with a readable message, while the engine does not export what the bench needs. */
export function checkEngine(): void {
  const missing = (["Array", "MaskedArray", "shutdown"] as const).filter((k) => !(k in engine));
  if (missing.length > 0) throw new Error(`the engine does not export ${missing.join(", ")} yet (src/index.ts)`);
}

export function build(id: string, inputs: Inputs): Prepared {
  const b = BUILDERS[id];
  if (b === undefined) throw new Error(`no tesserae side for ${id} yet`);
  return b(inputs);
}

export async function shutdown(): Promise<void> {
  if ("shutdown" in engine) await wf.shutdown();
}
