/** Registry endpoints: list and search, get a workflow or a version, publish a version, delete. */
import { documentToJson, decodeDocument } from "../graph/document-codec.js";
import { WorkflowNotFound } from "../registry/errors.js";
import { checkVersion, checkWorkflowId } from "../registry/ids.js";
import type { Labels, PublishRequest } from "../registry/store.js";
import { Packr } from "msgpackr";
import { readValue } from "./body.js";
import type { Call, ServerContext } from "./context.js";
import { HttpError } from "./http-error.js";
import { MSGPACK_TYPE } from "./protocol.js";
import { sendBytes, sendJson } from "./respond.js";
import { publishedDocument } from "./submission.js";

const packr = new Packr({ useRecords: false });

const wantsMsgpack = (call: Call): boolean => (call.req.headers["accept"] ?? "").includes(MSGPACK_TYPE);

function ids(call: Call): { id: string; version?: string } {
  const id = checkWorkflowId(call.segments[1]);
  return call.segments[3] === undefined ? { id } : { id, version: checkVersion(call.segments[3]) };
}

export async function listWorkflows(call: Call, ctx: ServerContext): Promise<void> {
  const q = call.query.get("q") ?? undefined;
  sendJson(call.res, 200, { workflows: await ctx.store.list(q) });
}

export async function getWorkflow(call: Call, ctx: ServerContext): Promise<void> {
  const { id } = ids(call);
  const rec = await ctx.store.get(id);
  if (rec === undefined) throw new WorkflowNotFound(`no workflow ${JSON.stringify(id)}`);
  sendJson(call.res, 200, rec);
}

export async function deleteWorkflow(call: Call, ctx: ServerContext): Promise<void> {
  const { id } = ids(call);
  if (!(await ctx.store.delete(id))) throw new WorkflowNotFound(`no workflow ${JSON.stringify(id)}`);
  sendJson(call.res, 200, { deleted: id });
}

export async function getVersion(call: Call, ctx: ServerContext): Promise<void> {
  const { id, version } = ids(call);
  const r = await ctx.store.getVersion(id, version!);
  if (r === undefined) throw new WorkflowNotFound(`no version ${version} of workflow ${JSON.stringify(id)}`);
  if (wantsMsgpack(call)) {
    sendBytes(call.res, 200, packr.pack(r), MSGPACK_TYPE);
    return;
  }
  const { document, ...rest } = r;
  const text = JSON.stringify(rest).replace(/}$/, `,"document":${documentToJson(decodeDocument(document))}}`);
  call.res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  call.res.end(text);
}

function optString(o: Record<string, unknown>, k: string): string | undefined {
  const v = o[k];
  if (v === undefined) return undefined;
  if (typeof v !== "string" || v.length > 100_000) throw new HttpError(400, `'${k}' must be a string`);
  return v;
}

function optLabels(o: Record<string, unknown>, k: string): Labels | undefined {
  const v = o[k];
  if (v === undefined) return undefined;
  if (typeof v !== "object" || v === null || Array.isArray(v) || !Object.values(v).every((x) => typeof x === "string")) throw new HttpError(400, `'${k}' must be an object of strings`);
  return v as Labels;
}

const PUBLISH_FIELDS = new Set(["document", "title", "description", "labels", "tags", "docstring", "versionLabels", "vizOptions"]);

export async function putVersion(call: Call, ctx: ServerContext): Promise<void> {
  const { id, version } = ids(call);
  const { value, form } = await readValue(call.req, ctx.maxBodyBytes);
  if (typeof value !== "object" || value === null || Array.isArray(value) || value instanceof Uint8Array) throw new HttpError(400, "the request body must be an object");
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!PUBLISH_FIELDS.has(k)) throw new HttpError(400, `unknown field '${k}'`);
  const document = publishedDocument(o["document"], form, ctx.limits);
  const tags = o["tags"];
  if (tags !== undefined && !(Array.isArray(tags) && tags.length <= 1000 && tags.every((t) => typeof t === "string"))) throw new HttpError(400, "'tags' must be a list of strings");
  const fields = {
    title: optString(o, "title"),
    description: optString(o, "description"),
    labels: optLabels(o, "labels"),
    tags: tags as string[] | undefined,
    docstring: optString(o, "docstring"),
    versionLabels: optLabels(o, "versionLabels"),
    vizOptions: o["vizOptions"],
  };
  const req: PublishRequest = {
    id,
    version: version!,
    document,
    ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
  };
  const outcome = await ctx.store.publish(req);
  sendJson(call.res, outcome === "created" ? 201 : 200, { id, version, outcome });
}
