// openapi-fetch builds a request object for every call and hands it to the transport. A WHATWG Request
// costs more to build than the HTTP round trip on loopback is worth, and the transport only needs its
// parts, so openapi-fetch is given this plain holder instead.

/**
 * Marks a call whose caller reads the answer's text from the transport (takeBufferedText) instead of from
 * the Response: the transport then returns the Response it got, without building a second one.
 */
export const BUFFERED = Symbol("motherduck-rest.buffered");

/** Carries a call's own `timeoutMs` and `maxRetries` through openapi-fetch to the transport. */
export const OVERRIDES = Symbol("motherduck-rest.overrides");

export interface Overrides {
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
}

export class PlainRequest {
  // Declared only: the constructor assigns every field, and a class field would ship as code too.
  declare readonly url: string;
  declare readonly method: string;
  declare readonly headers: Headers;
  declare readonly body: RequestInit["body"];
  declare readonly signal: AbortSignal | null | undefined;
  declare readonly buffered: boolean;
  declare readonly timeoutMs: number | undefined;
  declare readonly maxRetries: number | undefined;

  constructor(url: string, init: RequestInit = {}) {
    this.url = url;
    this.method = init.method ?? "GET";
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    this.body = init.body;
    this.signal = init.signal;
    const extra = init as { [BUFFERED]?: boolean; [OVERRIDES]?: Overrides };
    this.buffered = extra[BUFFERED] === true;
    this.timeoutMs = extra[OVERRIDES]?.timeoutMs;
    this.maxRetries = extra[OVERRIDES]?.maxRetries;
  }
}
