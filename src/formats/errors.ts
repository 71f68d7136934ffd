/** The error a result decoder raises for bytes it cannot read; `format` names the decoder. */
export class FormatDecodeError extends Error {
  readonly _tag = "FormatDecodeError";
  override name = "FormatDecodeError";
  readonly format: string;
  constructor(format: string, message: string, opts: { cause?: unknown } = {}) {
    super(`${format}: ${message}`, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.format = format;
  }
}

/** A format whose name resolves but whose encoder has not been written yet (geotiff, png). */
export class FormatNotAvailableError extends Error {
  readonly _tag = "FormatNotAvailableError";
  override name = "FormatNotAvailableError";
}
