/** A synthetic catalog product and an output folder in temp dirs for one test (or test file), removed at its end with the pool. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as wf from "../../src/index.js";
import { synthProduct } from "../../src/imagery/catalog/synth.js";

export async function synthCatalog(
  teardown: (fn: () => Promise<void>) => void, product: string, opts: { size: number; dates: number },
): Promise<{ root: string; out: string }> {
  const root = mkdtempSync(join(tmpdir(), "tesserae-catalog-"));
  const out = mkdtempSync(join(tmpdir(), "tesserae-out-"));
  teardown(async () => {
    rmSync(root, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
    await wf.shutdown();
  });
  wf.configure({ catalog: root });
  await synthProduct(root, product, opts);
  return { root, out };
}
