/** `tesserae run <workflow-id>@<version>`: compute a published workflow, print or save the result. */
import { writeFileSync } from "node:fs";
import { UsageError, stringOption, type ParsedArgs } from "./args.js";
import type { CliIO } from "./commands.js";

/** `k=v`: v as JSON when it parses (numbers, booleans, lists), else as a string. */
function parseArg(s: string, who: string): [string, unknown] {
  const eq = s.indexOf("=");
  if (eq <= 0) throw new UsageError(`${who}: --arg needs name=value, got ${JSON.stringify(s)}`, who);
  const raw = s.slice(eq + 1);
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    v = raw;
  }
  return [s.slice(0, eq), v];
}

interface Computable {
  compute(opts: Record<string, unknown>): Promise<unknown>;
}

export async function runCommand(p: ParsedArgs, io: CliIO, who: string): Promise<number> {
  const [target, ...extra] = p.positionals;
  if (target === undefined) throw new UsageError(`${who}: missing <workflow-id>@<version>`, who);
  if (extra.length > 0) throw new UsageError(`${who}: unexpected argument ${JSON.stringify(extra[0])}`, who);
  const at = target.lastIndexOf("@");
  if (at <= 0 || at === target.length - 1 || !target.slice(0, at).includes(":")) {
    throw new UsageError(`${who}: expected <workflow-id>@<version>, like me@example.com:ndvi@1.0.0`, who);
  }
  const id = target.slice(0, at);
  const version = target.slice(at + 1);
  const args = Object.fromEntries((p.values.get("arg") ?? []).map((a) => parseArg(a, who)));
  const out = stringOption(p, "out");
  const format = stringOption(p, "format") ?? (out === undefined ? "json" : "npy");
  if (format === "native") throw new UsageError(`${who}: --format native has no bytes to write; use npy, json, msgpack or arrow`, who);
  const url = stringOption(p, "url");
  const wf = await import("../index.js");
  const { use } = await import("../registry/publish.js");
  const { Client } = await import("../client/client.js");
  const client = url === undefined ? undefined : new Client({ url, ...(stringOption(p, "token") ? { token: stringOption(p, "token")! } : {}) });
  try {
    const obj = (await use(id, version, client === undefined ? {} : { client })) as Computable;
    const opts = { format, ...(Object.keys(args).length > 0 ? { arguments: args } : {}), progressBar: false };
    const bytes = (client === undefined ? await obj.compute(opts) : await client.run((obj as unknown as { node: import("../graph/node.js").Node }).node, opts, "compute")) as Uint8Array;
    if (out === undefined) io.stdout.write(format === "json" ? `${new TextDecoder().decode(bytes)}\n` : Buffer.from(bytes).toString("base64") + "\n");
    else writeFileSync(out, bytes);
    return 0;
  } finally {
    await wf.shutdown();
  }
}
