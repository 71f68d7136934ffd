/**
 * `wf.Client`: the same compute, inspect, publish, Job.get and use, run by a job server.
 * Graphs travel as graph documents; a native result travels as MessagePack and is decoded here.
 */
import { MaskedNDArray, NDArray } from "../core/ndarray.js";
import { ProxyTypeError } from "../core/errors.js";
import { decodeResult, resolveFormat, type FormatSpec } from "../formats/index.js";
import { scalarToArray, type ScalarResult } from "../formats/result.js";
import { encodeDocument } from "../graph/document-codec.js";
import type { Node } from "../graph/node.js";
import { saveGraph } from "../graph/serialize.js";
import type { WorkflowStore } from "../registry/store.js";
import { API, encodeArgument, encodeGeoContext, type JobStatus } from "../server/protocol.js";
import { callBytes, callJson, type Transport } from "./http.js";
import { RemoteJob, type Decode } from "./remote-job.js";
import { RemoteStore } from "./remote-store.js";

export interface ClientOptions {
  url: string;
  token?: string;
}

/** Options that run on the server as they are. */
const PASSED = ["destination", "geoctx", "cache", "numRetries", "timeout"] as const;
/** Options that only shape what happens here. */
const LOCAL = new Set(["format", "arguments", "block", "progressBar", "client", "file", ...PASSED]);

/** A destination other than download answers with what it wrote, as JSON `{value}`. */
const writesElsewhere = (d: unknown): boolean => d !== undefined && d !== "download" && !(typeof d === "object" && d !== null && (d as { type?: unknown }).type === "download");

function decoderFor(node: Node, spec: FormatSpec, destination: unknown): Decode {
  if (writesElsewhere(destination)) return (b) => (JSON.parse(new TextDecoder().decode(b)) as { value: unknown }).value;
  if (spec.type !== "native") return (b) => b;
  return (b) => {
    const v = decodeResult(b, { type: "msgpack" });
    // the wire unwraps 0-d arrays; an Array node computes to a 0-d NDArray
    if (node.kind === "array" && !(v instanceof NDArray || v instanceof MaskedNDArray)) {
      const a = scalarToArray(v as ScalarResult, node.dtype);
      return node.masked && !(a instanceof MaskedNDArray) ? new MaskedNDArray(a.data, new Uint8Array(1), [], node.dtype) : a;
    }
    return v;
  };
}

export class Client implements Transport {
  readonly url: string;
  readonly token: string | undefined;
  readonly workflows: WorkflowStore;

  constructor(opts: ClientOptions) {
    if (typeof opts?.url !== "string") throw new ProxyTypeError("Client needs {url}");
    let u: URL;
    try {
      u = new URL(opts.url);
    } catch {
      throw new ProxyTypeError(`invalid server url ${JSON.stringify(opts.url)}`);
    }
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new ProxyTypeError(`server url must be http or https, got ${u.protocol}`);
    this.url = opts.url.replace(/\/+$/, "");
    this.token = opts.token;
    this.workflows = new RemoteStore(this);
  }

  private body(node: Node, opts: Record<string, unknown>, spec: FormatSpec): Record<string, unknown> {
    for (const k of Object.keys(opts)) if (!LOCAL.has(k)) throw new ProxyTypeError(`unknown compute option '${k}'`);
    const args = (opts["arguments"] ?? {}) as Record<string, unknown>;
    const body: Record<string, unknown> = {
      graph: encodeDocument(saveGraph(node)),
    };
    // a destination picks its own default format; a download of a native result travels as msgpack
    if (writesElsewhere(opts["destination"])) {
      if (opts["format"] !== undefined) body["format"] = opts["format"];
    } else body["format"] = spec.type === "native" ? "msgpack" : opts["format"];
    if (Object.keys(args).length > 0) body["arguments"] = Object.fromEntries(Object.entries(args).map(([k, v]) => [k, encodeArgument(v)]));
    for (const k of PASSED) if (opts[k] !== undefined) body[k] = k === "geoctx" ? encodeGeoContext(opts[k]) : opts[k];
    return body;
  }

  /** compute() or inspect() of `node` on the server, with the embedded client's results. */
  async run(node: Node, opts: Record<string, unknown>, mode: "compute" | "inspect"): Promise<unknown> {
    const spec = resolveFormat(opts["format"] as never);
    const decode = decoderFor(node, spec, opts["destination"]);
    const body = this.body(node, opts, spec);
    if (mode === "inspect") return decode(await callBytes(this, "POST", `${API}/inspect`, body));
    const status = await callJson<JobStatus>(this, "POST", `${API}/jobs`, body);
    const job = new RemoteJob<unknown>(status, this, decode);
    if (opts["block"] === false) return job;
    const timeout = opts["timeout"];
    return job.result(typeof timeout === "number" ? { timeout } : {});
  }

  /** A job of this server by id (its result comes back as bytes of the format it was submitted with). */
  async getJob(id: string): Promise<RemoteJob> {
    const status = await callJson<JobStatus>(this, "GET", `${API}/jobs/${encodeURIComponent(id)}`);
    return new RemoteJob(status, this, (b) => b);
  }

  toString(): string {
    return `Client(${this.url})`;
  }
}
