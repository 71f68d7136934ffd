/** `tesserae serve`: start the job server and run until interrupted. */
import { UsageError, intOption, stringOption, type ParsedArgs } from "./args.js";
import type { CliIO } from "./commands.js";

export async function serveCommand(p: ParsedArgs, io: CliIO, who: string): Promise<number> {
  if (p.positionals.length > 0) throw new UsageError(`${who}: unexpected argument ${JSON.stringify(p.positionals[0])}`, who);
  const port = intOption(p, "port", who, 0);
  if (port !== undefined && port > 65535) throw new UsageError(`${who}: --port must be at most 65535`, who);
  const maxJobs = intOption(p, "max-jobs", who, 1);
  const token = stringOption(p, "token") ?? process.env.TESSERAE_TOKEN;
  const roots = [...(p.values.get("root") ?? [])];
  const catalog = stringOption(p, "catalog");
  if (catalog !== undefined) {
    const { configure } = await import("../config.js");
    configure({ catalog });
  }
  const { startServer } = await import("../server/server.js");
  const server = await startServer({
    ...(port === undefined ? {} : { port }),
    host: stringOption(p, "host") ?? "127.0.0.1",
    ...(token === undefined || token === "" ? {} : { token }),
    ...(roots.length > 0 ? { roots } : {}),
    ...(maxJobs === undefined ? {} : { maxJobsPerClient: maxJobs }),
    log: (line) => io.stderr.write(`${line}\n`),
  });
  io.stdout.write(`tesserae serve: listening on ${server.url}${token ? " (bearer token required)" : ""}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await server.close();
  const { shutdown } = await import("../index.js");
  await shutdown();
  return 0;
}
