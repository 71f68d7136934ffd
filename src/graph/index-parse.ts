/**
 * The items of a `get` index, and the parser for its NumPy-syntax string form:
 * `arr.get("[1, 2, 3], :3, ..., None")`. A hand-written tokenizer; nothing is evaluated.
 */
import { ProxyTypeError } from "../core/errors.js";

export interface SliceSpec {
  readonly kind: "slice";
  readonly start: number | null;
  readonly stop: number | null;
  readonly step: number | null;
}

export type IndexItem = number | SliceSpec | null | "..." | number[] | boolean[];

function sliceBound(name: string, v: number | null | undefined): number | null {
  if (v === undefined || v === null) return null;
  if (!Number.isSafeInteger(v)) throw new ProxyTypeError(`slice ${name} must be an integer or null, got ${v}`);
  return v;
}

/** Python's `slice(start, stop, step)`; `null` or omitted means the default. */
export function slice(start?: number | null, stop?: number | null, step?: number | null): SliceSpec {
  const spec: SliceSpec = {
    kind: "slice",
    start: sliceBound("start", start),
    stop: sliceBound("stop", stop),
    step: sliceBound("step", step),
  };
  if (spec.step === 0) throw new ProxyTypeError("slice step cannot be zero");
  return Object.freeze(spec);
}

export function isSlice(x: unknown): x is SliceSpec {
  return typeof x === "object" && x !== null && (x as { kind?: unknown }).kind === "slice";
}

// ---- tokenizer ----

type TokenKind = "[" | "]" | "," | ":" | "..." | "-" | "+" | "int" | "name" | "bad" | "end";

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly pos: number;
  /** Why a `bad` token is bad; reported when the parser reaches it, so errors come in source order. */
  readonly error?: { readonly what: string; readonly hint?: string };
}

const VALID = "only integers, slices (`:`), ellipsis (`...`), newaxis (`None`) and integer or boolean lists are valid indices";

class IndexSyntax {
  constructor(readonly source: string) {}

  fail(what: string, pos: number, hint?: string): never {
    const tail = hint === undefined ? "" : `; ${hint}`;
    throw new ProxyTypeError(`invalid index string ${JSON.stringify(this.source)}: ${what} at position ${pos}${tail}`);
  }
}

const isDigit = (c: string): boolean => c >= "0" && c <= "9";
const isNameStart = (c: string): boolean => /[A-Za-z_]/.test(c);
const isNameChar = (c: string): boolean => /[A-Za-z0-9_.]/.test(c);

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) { i++; continue; }
    const start = i;
    if (c === "[" || c === "]" || c === "," || c === ":" || c === "-" || c === "+") {
      out.push({ kind: c, text: c, pos: i++ });
    } else if (s.startsWith("...", i)) {
      out.push({ kind: "...", text: "...", pos: i });
      i += 3;
    } else if (isDigit(c) || (c === "." && isDigit(s[i + 1] ?? ""))) {
      while (i < s.length && (isDigit(s[i]!) || s[i] === "_")) i++;
      // Anything that makes this a float literal (1.5, 1., .5, 1e3) is refused as a whole.
      if (s[i] === "." || s[i] === "e" || s[i] === "E") {
        if (s[i] === ".") i++;
        while (i < s.length && /[0-9_eE]/.test(s[i]!)) {
          if ((s[i] === "e" || s[i] === "E") && (s[i + 1] === "+" || s[i + 1] === "-")) i++;
          i++;
        }
        const text = s.slice(start, i);
        out.push({ kind: "bad", text, pos: start, error: { what: `float index ${text}`, hint: VALID } });
        continue;
      }
      const text = s.slice(start, i);
      if (text.endsWith("_") || text.includes("__")) {
        out.push({ kind: "bad", text, pos: start, error: { what: `malformed number ${text}` } });
      } else {
        out.push({ kind: "int", text: text.replaceAll("_", ""), pos: start });
      }
    } else if (isNameStart(c)) {
      while (i < s.length && isNameChar(s[i]!)) i++;
      out.push({ kind: "name", text: s.slice(start, i), pos: start });
    } else {
      out.push({ kind: "bad", text: c, pos: i++, error: { what: `unexpected character ${JSON.stringify(c)}` } });
    }
  }
  out.push({ kind: "end", text: "end of input", pos: s.length });
  return out;
}

// ---- parser ----

const NEWAXIS_NAMES = new Set(["None", "newaxis", "np.newaxis", "numpy.newaxis"]);
const KNOWN_NAMES = new Set([...NEWAXIS_NAMES, "True", "False"]);

class Parser {
  private i = 0;
  constructor(private readonly src: IndexSyntax, private readonly toks: Token[]) {}

  private peek(): Token {
    const t = this.toks[this.i]!;
    if (t.error) this.src.fail(t.error.what, t.pos, t.error.hint);
    return t;
  }
  private next(): Token {
    const t = this.peek();
    this.i++;
    return t;
  }
  private unexpected(t: Token, context: string): never {
    if (t.kind === "end") this.src.fail(`unexpected end of input ${context}`, t.pos);
    this.src.fail(`unexpected ${JSON.stringify(t.text)} ${context}`, t.pos);
  }

  parse(): IndexItem[] {
    const items: IndexItem[] = [];
    let ellipsisAt = -1;
    for (;;) {
      const t = this.peek();
      if (t.kind === "," || t.kind === "end") {
        // `a[]` and `a[1,,2]` are syntax errors in Python; `a[1,]` is the tuple (1,).
        if (t.kind === "end" && items.length > 0 && this.toks[this.i - 1]?.kind === ",") break;
        this.src.fail(t.kind === "end" ? "empty index" : "empty item before \",\"", t.pos);
      }
      if (t.kind === "...") {
        if (ellipsisAt >= 0) this.src.fail(`a second ellipsis "..."`, t.pos, `an index can only have a single ellipsis (the first is at position ${ellipsisAt})`);
        ellipsisAt = t.pos;
      }
      items.push(this.item());
      const sep = this.next();
      if (sep.kind === "end") break;
      if (sep.kind === "]") this.src.fail(`unbalanced "]" with no matching "["`, sep.pos);
      if (sep.kind !== ",") this.unexpected(sep, "after an index item (expected \",\")");
    }
    return items;
  }

  private item(): IndexItem {
    const t = this.peek();
    if (t.kind === "...") { this.next(); return "..."; }
    if (t.kind === "[") return this.list();
    if (t.kind === "]") this.src.fail(`unbalanced "]" with no matching "["`, t.pos);
    if (t.kind === "name" && (t.text === "True" || t.text === "False")) {
      this.src.fail(`boolean scalar index ${t.text}`, t.pos, `use a list such as [${t.text}]`);
    }
    if (t.kind === "name" && NEWAXIS_NAMES.has(t.text) && this.toks[this.i + 1]?.kind !== ":") {
      this.next();
      return null;
    }
    const start = this.bound();
    if (this.peek().kind !== ":") {
      if (start === null) this.unexpected(this.peek(), "where an index item was expected");
      return start;
    }
    this.next();
    const stop = this.bound();
    let step: number | null = null;
    if (this.peek().kind === ":") {
      this.next();
      const stepTok = this.peek();
      step = this.bound();
      if (step === 0) this.src.fail("slice step cannot be zero", stepTok.pos);
    }
    if (this.peek().kind === ":") this.src.fail(`too many ":" in a slice`, this.peek().pos);
    return slice(start, stop, step);
  }

  /** An optional slice bound or integer: `-3`, `+2`, `None`; `null` when absent or None. */
  private bound(): number | null {
    const t = this.peek();
    if (t.kind === "name" && t.text === "None") { this.next(); return null; }
    if (t.kind === "int" || t.kind === "-" || t.kind === "+") return this.integer();
    if (t.kind === "name") this.badName(t, "in a slice");
    return null;
  }

  private integer(): number {
    let sign = 1;
    const first = this.peek();
    while (this.peek().kind === "-" || this.peek().kind === "+") {
      if (this.next().kind === "-") sign = -sign;
    }
    const t = this.next();
    if (t.kind === "name") this.badName(t, `after sign ${JSON.stringify(first.text)}`);
    if (t.kind !== "int") this.unexpected(t, `after sign ${JSON.stringify(first.text)}`);
    const v = sign * Number(t.text);
    if (!Number.isSafeInteger(v)) this.src.fail(`integer ${t.text} is too large`, t.pos);
    return v;
  }

  private list(): number[] | boolean[] {
    const open = this.next();
    const ints: number[] = [];
    const bools: boolean[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === "]") { this.next(); break; }
      if (t.kind === "end") this.src.fail(`unbalanced "[" (never closed)`, open.pos);
      if (t.kind === "[") this.src.fail("nested list", t.pos, "only 1-d lists are valid indices in an index string");
      if (t.kind === "name" && (t.text === "True" || t.text === "False")) {
        this.next();
        bools.push(t.text === "True");
        ints.push(t.text === "True" ? 1 : 0);
      } else if (t.kind === "int" || t.kind === "-" || t.kind === "+") {
        ints.push(this.integer());
      } else if (t.kind === "name") {
        this.badName(t, "in a list");
      } else if (t.kind === ",") {
        this.src.fail(`empty item in a list`, t.pos);
      } else {
        this.unexpected(t, "in a list (expected an integer, True or False)");
      }
      const sep = this.peek();
      if (sep.kind === ",") this.next();
      else if (sep.kind !== "]") {
        if (sep.kind === "end") this.src.fail(`unbalanced "[" (never closed)`, open.pos);
        this.unexpected(sep, "in a list (expected \",\" or \"]\")");
      }
    }
    // NumPy turns a list mixing booleans and integers into an integer array.
    return bools.length === ints.length && ints.length > 0 ? bools : ints;
  }

  /** A name where it cannot stand: unknown names are reported as such, known ones as misplaced. */
  private badName(t: Token, context: string): never {
    if (KNOWN_NAMES.has(t.text)) this.unexpected(t, context);
    this.src.fail(`unknown name ${JSON.stringify(t.text)}`, t.pos, VALID);
  }
}

/** Parse NumPy index syntax (what goes between `a[` and `]`) into index items. */
export function parseIndexString(s: string): IndexItem[] {
  if (typeof s !== "string") throw new ProxyTypeError(`index string must be a string, got ${typeof s}`);
  const src = new IndexSyntax(s);
  return new Parser(src, tokenize(s)).parse();
}
