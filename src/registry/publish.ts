/** `obj.publish(id, version, opts)` and `wf.use(id, version)`. */
import { ProxyTypeError } from "../core/errors.js";
import { encodeDocument } from "../graph/document-codec.js";
import type { DocParam } from "../graph/document.js";
import type { Node } from "../graph/node.js";
import { saveGraph } from "../graph/serialize.js";
import { resolveStore, type HasWorkflowStore } from "./embedded.js";
import { checkVersion, checkWorkflowId } from "./ids.js";
import type { Labels } from "./store.js";
import { Workflow } from "./workflow.js";
import { FunctionProxy } from "../params/function.js";
import { ValueProxy } from "../proxy/small.js";
import { valueDocument } from "../proxy/value-doc.js";
import { ImageCollectionProxy } from "../imagery/collection.js";
import { GeoContext } from "../imagery/geocontext.js";
import { ImageProxy } from "../imagery/image.js";
import { geoContextDocument, imageryDocument } from "../imagery/publish-doc.js";

export interface PublishOptions {
  title?: string;
  description?: string;
  labels?: Labels;
  tags?: string[];
  docstring?: string;
  versionLabels?: Labels;
  vizOptions?: unknown;
  client?: HasWorkflowStore;
}

/** What can be published: a proxy holding a graph node (arrays, imagery), a small value, a GeoContext, or a Function. */
export type Publishable = { readonly node: Node } | ValueProxy | FunctionProxy | GeoContext;

function checkLabels(l: unknown, what: string): Labels | undefined {
  if (l === undefined) return undefined;
  if (typeof l !== "object" || l === null || Array.isArray(l) || !Object.values(l).every((v) => typeof v === "string")) {
    throw new ProxyTypeError(`${what} must be an object of strings`);
  }
  return l as Labels;
}

/** The document of a proxy, with its parameters. */
export function documentOf(obj: Publishable, params?: readonly DocParam[]): Uint8Array {
  if (obj instanceof FunctionProxy) return documentOf(obj.object as Publishable, params);
  if (obj instanceof ValueProxy) return encodeDocument(valueDocument(obj));
  if (obj instanceof GeoContext) return encodeDocument(geoContextDocument(obj));
  if (obj instanceof ImageProxy || obj instanceof ImageCollectionProxy) return encodeDocument(imageryDocument(obj));
  if (typeof obj !== "object" || obj === null || !("node" in obj)) throw new ProxyTypeError("only proxy objects can be published");
  return encodeDocument(saveGraph(obj.node, params === undefined ? {} : { params }));
}

export async function publish(obj: Publishable, id: string, version: string, opts: PublishOptions = {}): Promise<Workflow> {
  checkWorkflowId(id);
  checkVersion(version);
  if (opts.tags !== undefined && !(Array.isArray(opts.tags) && opts.tags.every((t) => typeof t === "string"))) throw new ProxyTypeError("tags must be a list of strings");
  const labels = checkLabels(opts.labels, "labels");
  const versionLabels = checkLabels(opts.versionLabels, "versionLabels");
  const store = await resolveStore(opts.client);
  await store.publish({
    id,
    version,
    document: documentOf(obj),
    ...(opts.title === undefined ? {} : { title: String(opts.title) }),
    ...(opts.description === undefined ? {} : { description: String(opts.description) }),
    ...(labels === undefined ? {} : { labels }),
    ...(opts.tags === undefined ? {} : { tags: opts.tags }),
    ...(opts.docstring === undefined ? {} : { docstring: String(opts.docstring) }),
    ...(versionLabels === undefined ? {} : { versionLabels }),
    ...(opts.vizOptions === undefined ? {} : { vizOptions: opts.vizOptions }),
  });
  return Workflow.get(id, opts.client === undefined ? {} : { client: opts.client });
}

/** The proxy a published version computes (a Function when it has parameters). */
export async function use(id: string, version: string, opts: { client?: HasWorkflowStore } = {}): Promise<unknown> {
  return (await Workflow.getVersion(id, version, opts)).object;
}
