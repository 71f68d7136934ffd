/** An HTTP error answer: status, a JSON body `{error: {name, message}}`, never a stack. */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(readonly status: number, message: string, readonly errorName = statusName(status)) {
    super(message);
  }
}

function statusName(s: number): string {
  switch (s) {
    case 400: return "BadRequest";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 409: return "Conflict";
    case 413: return "PayloadTooLarge";
    case 415: return "UnsupportedMediaType";
    case 429: return "ResourceExhausted";
    default: return "Error";
  }
}
