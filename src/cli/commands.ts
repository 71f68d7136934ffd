/**
 * The command table and dispatch. Exit status: 0 success, 1 failed job, 2 usage error.
 * Commands without `run` belong to later work and say so.
 */
import { UsageError, intOption, parseArgs, stringOption, type FlagSpecs, type ParsedArgs } from "./args.js";
import { packageVersion } from "./version.js";

export interface CliIO {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

interface Command {
  /** `["catalog", "add"]` for `tesserae catalog add`. */
  readonly path: readonly string[];
  readonly args: string;
  readonly summary: string;
  readonly flags: FlagSpecs;
  /** Lines shown after the options in the command's help. */
  readonly notes?: readonly string[];
  readonly run?: (p: ParsedArgs, io: CliIO, who: string) => Promise<number>;
}

const HELP_FLAG: FlagSpecs = { help: { type: "boolean", short: "h", help: "show this help" } };

const COMMANDS: readonly Command[] = [
  {
    path: ["demo"],
    args: "",
    summary: "the main job: an NDVI median composite over a synthetic imagery product, to GeoTIFF and PNG",
    flags: {
      dates: { type: "integer", value: "<n>", help: "images in the product (default 12)" },
      size: { type: "integer", value: "<pixels>", help: "pixels per side (default 1024)" },
      seed: { type: "integer", value: "<n>", help: "random seed of the data (default 42)" },
      out: { type: "string", value: "<dir>", help: "where composite.tif and composite.png go (default demo-out)" },
    },
    run: async (p, io, who) => {
      if (p.positionals.length > 0) throw new UsageError(`${who}: unexpected argument ${JSON.stringify(p.positionals[0])}`, who);
      const dates = intOption(p, "dates", who, 1);
      const size = intOption(p, "size", who, 2);
      const seed = intOption(p, "seed", who, 0);
      const outDir = stringOption(p, "out");
      // Loaded here so that --help and usage errors never start the engine.
      const { runDemo } = await import("../demo.js");
      await runDemo({ out: io.stdout, dates, size, seed, ...(outDir === undefined ? {} : { outDir }) });
      return 0;
    },
  },
  {
    path: ["catalog", "add"],
    args: "<productId> <file>...",
    summary: "add GeoTIFFs to a catalog product (each file one image, or with --per-band the bands of one)",
    flags: {
      bands: { type: "string", value: "<names>", help: "band names in file order, comma-separated (e.g. red,green,blue,nir)" },
      date: { type: "string", value: "<ISO>", help: "acquisition date (default: the file's TIFF date or a date in its name)" },
      "per-band": { type: "boolean", help: "the files are the bands of one image" },
    },
    run: async (p, io, who) => (await import("./catalog.js")).catalogAdd(p, io, who),
  },
  {
    path: ["catalog", "list"],
    args: "[productId]",
    summary: "list products, or a product's images with their dates",
    flags: {},
    run: async (p, io, who) => (await import("./catalog.js")).catalogList(p, io, who),
  },
  {
    path: ["catalog", "synth"],
    args: "<productId>",
    summary: "write a synthetic product into the catalog (4 uint16 bands, clouds as nodata, a growing season)",
    flags: {
      dates: { type: "integer", value: "<n>", help: "images, a month apart (default 12)" },
      size: { type: "integer", value: "<pixels>", help: "pixels per side (default 1024)" },
      seed: { type: "integer", value: "<n>", help: "random seed (default 42)" },
    },
    run: async (p, io, who) => (await import("./catalog.js")).catalogSynth(p, io, who),
  },
  {
    path: ["run"],
    args: "<workflow-id>@<version>",
    summary: "run a published workflow",
    flags: {
      arg: { type: "string", value: "<name=value>", help: "a parameter's value, read as the parameter's type; repeatable" },
      format: { type: "string", value: "<format>", help: "json, npy, msgpack, arrow, geotiff or png (default json; with --out, from its extension)" },
      out: { type: "string", value: "<path>", help: "write the result there instead of stdout" },
      geoctx: { type: "string", value: "<json>", help: "a GeoContext, as {\"bounds\": [...], \"crs\": \"EPSG:...\", \"resolution\": n}" },
      url: { type: "string", value: "<url>", help: "run on a job server instead of in this process" },
      token: { type: "string", value: "<token>", help: "the server's bearer token" },
    },
    notes: [
      "Values: Int and Float as numbers (nan, inf too), Bool as true/false, Str as given, Array as a JSON",
      "list ([[1, 2], [3, 4]]) or @file.npy. Missing, unknown or mistyped arguments are usage errors (exit 2).",
      "Example: tesserae run me@example.com:ndvi@1.0.0 --arg scale=2 --out ndvi.tif --geoctx '{...}'",
    ],
    run: async (p, io, who) => (await import("./run-workflow.js")).runCommand(p, io, who),
  },
  {
    path: ["serve"],
    args: "",
    summary: "run the job server",
    flags: {
      port: { type: "integer", value: "<n>", help: "port to listen on (default: any free port)" },
      host: { type: "string", value: "<host>", help: "address to listen on (default 127.0.0.1)" },
      token: { type: "string", value: "<token>", help: "require this bearer token (or TESSERAE_TOKEN)" },
      root: { type: "string", value: "<dir>", help: "a directory file sources and destinations may use; repeatable (default $TESSERAE_HOME/data)" },
      catalog: { type: "string", value: "<dir>", help: "the imagery catalog it serves (default TESSERAE_CATALOG); must lie under a --root" },
      "max-jobs": { type: "integer", value: "<n>", help: "outstanding jobs per client (default TESSERAE_MAX_JOBS)" },
    },
    notes: [
      "Requests may read and write files only under the --root directories (symlinks resolved; '..' and",
      "other paths are refused with 403). To serve an imagery catalog, keep it under a root and name it:",
      "  tesserae serve --root /srv/data --catalog /srv/data/catalog",
      "Clients on the same file system build Image/ImageCollection graphs from that catalog (the same",
      "TESSERAE_CATALOG); the server reads their files and adds catalog-destination results to it. A catalog",
      "outside every root is not served: its reads and catalog destinations get 403.",
    ],
    run: async (p, io, who) => (await import("./serve.js")).serveCommand(p, io, who),
  },
];

const NOT_YET = " (not available yet)";

function commandLine(c: Command): string {
  return [...c.path, c.args].filter((s) => s !== "").join(" ");
}

function mainHelp(): string {
  return [
    "Usage: tesserae <command> [options]",
    "",
    "Lazy, chunked n-dimensional arrays with NumPy semantics.",
    "",
    "Commands:",
    ...commandRows(COMMANDS),
    "",
    "Options:",
    "  -h, --help     show help (also after a command: tesserae demo --help)",
    "  -v, --version  print the version",
    "",
    "Environment: TESSERAE_HOME, TESSERAE_CATALOG, TESSERAE_MEMORY_LIMIT, TESSERAE_WORKERS, TESSERAE_MAX_JOBS;",
    "TESSERAE_DEBUG=1 prints the stack trace of a failure.",
    "Exit status: 0 success, 1 failed job, 2 usage error.",
    "",
  ].join("\n");
}

function commandHelp(c: Command): string {
  const flags = Object.entries({ ...c.flags, ...HELP_FLAG }).map(([name, f]) => {
    const left = `${f.short ? `-${f.short}, ` : "    "}--${name}${f.value ? ` ${f.value}` : ""}`;
    return `  ${left.padEnd(24)}${f.help}`;
  });
  const notes = c.notes === undefined ? [] : ["", ...c.notes];
  return [`Usage: tesserae ${commandLine(c)} [options]`, "", c.summary + (c.run ? "" : NOT_YET), "", "Options:", ...flags, ...notes, ""].join("\n");
}

function commandRows(commands: readonly Command[]): string[] {
  const rows = commands.map((c) => [commandLine(c), c.summary + (c.run ? "" : NOT_YET)] as const);
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return rows.map(([l, s]) => `  ${l.padEnd(width)}${s}`);
}

function groupHelp(group: string): string {
  const subs = COMMANDS.filter((c) => c.path[0] === group && c.path.length > 1);
  return [`Usage: tesserae ${group} <${subs.map((c) => c.path[1]).join("|")}> [options]`, "", "Commands:", ...commandRows(subs), ""].join("\n");
}

const isHelp = (a: string): boolean => a === "--help" || a === "-h";

/** Find the command named by the leading words of `argv`; returns it and the remaining arguments. */
function lookup(argv: readonly string[], io: CliIO): { command: Command; rest: readonly string[] } | number {
  const [first, second] = argv;
  const group = COMMANDS.filter((c) => c.path[0] === first);
  if (group.length === 0) throw new UsageError(`tesserae: unknown command ${JSON.stringify(first)}`);
  if (group.length === 1 && group[0]!.path.length === 1) return { command: group[0]!, rest: argv.slice(1) };
  if (second === undefined) throw new UsageError(`tesserae ${first}: missing subcommand (${group.map((c) => c.path[1]).join(", ")})`, `tesserae ${first}`);
  if (isHelp(second)) {
    io.stdout.write(groupHelp(first!));
    return 0;
  }
  const command = group.find((c) => c.path[1] === second);
  if (!command) throw new UsageError(`tesserae ${first}: unknown subcommand ${JSON.stringify(second)}`, `tesserae ${first}`);
  return { command, rest: argv.slice(2) };
}

async function dispatch(argv: readonly string[], io: CliIO): Promise<number> {
  const first = argv[0];
  if (first === undefined) throw new UsageError("tesserae: missing command");
  if (isHelp(first)) {
    io.stdout.write(mainHelp());
    return 0;
  }
  if (first === "--version" || first === "-v") {
    io.stdout.write(`tesserae ${packageVersion()}\n`);
    return 0;
  }
  if (first.startsWith("-")) throw new UsageError(`tesserae: unknown option ${first}`);
  const found = lookup(argv, io);
  if (typeof found === "number") return found;
  const { command, rest } = found;
  const who = `tesserae ${command.path.join(" ")}`;
  const end = rest.indexOf("--");
  if ((end < 0 ? rest : rest.slice(0, end)).some(isHelp)) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  if (!command.run) {
    io.stderr.write(`${who}: not available yet\n`);
    return 1;
  }
  return command.run(parseArgs(rest, command.flags, who), io, who);
}

/** Run the CLI on `argv` (without the node and script paths); resolves to the exit status. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`${e.message}\nRun "${e.helpCommand} --help" for usage.\n`);
      return 2;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    io.stderr.write(`tesserae: ${err.name}: ${err.message}\n`);
    if (process.env.TESSERAE_DEBUG) io.stderr.write(`${err.stack ?? ""}\n`);
    return 1;
  }
}
