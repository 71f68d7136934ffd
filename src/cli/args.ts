/** A small argument parser: `--name value`, `--name=value`, boolean flags, short aliases, `--`. */

/** A usage error, its message starting with the command (`tesserae demo: ...`): exit status 2. */
export class UsageError extends Error {
  override name = "UsageError";
  /** The command whose `--help` the hint points to. */
  readonly helpCommand: string;
  constructor(message: string, helpCommand = "tesserae") {
    super(message);
    this.helpCommand = helpCommand;
  }
}

export interface FlagSpec {
  /** `boolean` flags take no value; the others take one. */
  readonly type: "boolean" | "string" | "integer";
  readonly short?: string;
  /** The value's placeholder in help, e.g. `<pixels>`. */
  readonly value?: string;
  readonly help: string;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

export interface ParsedArgs {
  readonly positionals: readonly string[];
  /** Every value given per flag, in order (`[]` for each use of a boolean flag: see `flag`). */
  readonly values: ReadonlyMap<string, readonly string[]>;
}

/** Parse `argv` against `specs`; `who` names the command in messages. */
export function parseArgs(argv: readonly string[], specs: FlagSpecs, who: string): ParsedArgs {
  const positionals: string[] = [];
  const values = new Map<string, string[]>();
  const byShort = new Map(Object.entries(specs).flatMap(([n, s]) => (s.short ? [[s.short, n] as const] : [])));

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
      if (!Object.hasOwn(specs, name)) throw new UsageError(`${who}: unknown option --${name}`, who);
    } else {
      name = byShort.get(arg.slice(1));
      if (name === undefined) throw new UsageError(`${who}: unknown option ${arg}`, who);
    }
    const spec = specs[name]!;
    const seen = values.get(name) ?? [];
    values.set(name, seen);
    if (spec.type === "boolean") {
      if (inline !== undefined) throw new UsageError(`${who}: option --${name} takes no value`, who);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const nextArg = argv[i + 1];
      if (nextArg === undefined || (nextArg.startsWith("-") && nextArg !== "-" && !/^-\d/.test(nextArg))) {
        throw new UsageError(`${who}: option --${name} needs a value${spec.value ? ` ${spec.value}` : ""}`, who);
      }
      value = nextArg;
      i++;
    }
    if (spec.type === "integer" && !/^[+-]?\d+$/.test(value.trim())) {
      throw new UsageError(`${who}: option --${name} needs an integer, got ${JSON.stringify(value)}`, who);
    }
    seen.push(value);
  }
  return { positionals, values };
}

export function flag(p: ParsedArgs, name: string): boolean {
  return p.values.has(name);
}

/** The last value given for a flag. */
export function stringOption(p: ParsedArgs, name: string): string | undefined {
  return p.values.get(name)?.at(-1);
}

/** The last value given for an integer flag, checked against a lower bound. */
export function intOption(p: ParsedArgs, name: string, who: string, min: number): number | undefined {
  const raw = stringOption(p, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${who}: option --${name} must be an integer of at least ${min}, got ${raw}`, who);
  return n;
}
