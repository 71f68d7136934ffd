/** A saved version: its graph document and what rebuilding it gives (the proxy, lazily). */
import type { DocParam } from "../graph/document.js";
import { loadAny, proxyOf, type Loaded } from "./proxy-of.js";
import type { Labels, VersionRecord } from "./store.js";

export class VersionedGraft {
  readonly id: string;
  readonly version: string;
  readonly docstring: string;
  readonly labels: Labels;
  readonly vizOptions: unknown;
  readonly digest: string;
  readonly document: Uint8Array;
  private loaded: Loaded | undefined;

  constructor(r: VersionRecord) {
    this.id = r.id;
    this.version = r.version;
    this.docstring = r.docstring;
    this.labels = r.labels;
    this.vizOptions = r.vizOptions;
    this.digest = r.digest;
    this.document = r.document;
  }

  private graph(): Loaded {
    this.loaded ??= loadAny(this.document);
    return this.loaded;
  }

  /** The proxy the version computes (a Function when it has parameters). */
  get object(): unknown {
    return proxyOf(this.graph());
  }

  get params(): readonly DocParam[] {
    return this.graph().params;
  }

  toString(): string {
    return `VersionedGraft(${this.id}@${this.version})`;
  }
}
