/** `tesserae run <workflow-id>@<version>`: compute a published workflow, print or save the result. */
import { writeFileSync } from "node:fs";
import { UsageError, stringOption, type ParsedArgs } from "./args.js";
import type { CliIO } from "./commands.js";
import { parseGeoContextArg, parseRunArgs, runFormat } from "./run-args.js";

interface Computable {
  compute(opts: Record<string, unknown>): Promise<unknown>;
}

function target(p: ParsedArgs, who: string): { id: string; version: string } {
  const [t, ...extra] = p.positionals;
  if (t === undefined) throw new UsageError(`${who}: missing <workflow-id>@<version>`, who);
  if (extra.length > 0) throw new UsageError(`${who}: unexpected argument ${JSON.stringify(extra[0])}`, who);
  const at = t.lastIndexOf("@");
  if (at <= 0 || at === t.length - 1 || !t.slice(0, at).includes(":")) {
    throw new UsageError(`${who}: expected <workflow-id>@<version>, like me@example.com:ndvi@1.0.0, got ${JSON.stringify(t)}`, who);
  }
  return { id: t.slice(0, at), version: t.slice(at + 1) };
}

export async function runCommand(p: ParsedArgs, io: CliIO, who: string): Promise<number> {
  const { id, version } = target(p, who);
  const out = stringOption(p, "out");
  const format = runFormat(stringOption(p, "format"), out, who);
  if (out === undefined && format !== "json") throw new UsageError(`${who}: --format ${format} is binary: give --out <path>`, who);
  const geo = parseGeoContextArg(stringOption(p, "geoctx"), who);
  const url = stringOption(p, "url");
  const token = stringOption(p, "token");
  // loaded here so that usage errors never start the engine
  const wf = await import("../index.js");
  const client = url === undefined ? undefined : new wf.Client({ url, ...(token === undefined ? {} : { token }) });
  try {
    const graft = await wf.Workflow.getVersion(id, version, client === undefined ? {} : { client });
    const args = parseRunArgs(p.values.get("arg") ?? [], graft.params, who);
    let geoctx: InstanceType<typeof wf.GeoContext> | undefined;
    try {
      geoctx = geo === undefined ? undefined : new wf.GeoContext(geo as never);
    } catch (e) {
      throw new UsageError(`${who}: --geoctx: ${(e as Error).message}`, who);
    }
    const result = await (graft.object as Computable).compute({
      format,
      progressBar: false,
      ...(Object.keys(args).length > 0 ? { arguments: args } : {}),
      ...(geoctx === undefined ? {} : { geoctx }),
      ...(client === undefined ? {} : { client }),
    });
    if (!(result instanceof Uint8Array)) throw new Error(`format ${format} gave no bytes`);
    if (out === undefined) io.stdout.write(`${new TextDecoder().decode(result)}\n`);
    else {
      writeFileSync(out, result);
      io.stderr.write(`${who}: wrote ${out} (${format}, ${result.byteLength} bytes)\n`);
    }
    return 0;
  } finally {
    await wf.shutdown();
  }
}
