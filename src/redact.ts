// Keeps secrets out of anything a user may print: error messages, issues, causes, log lines.

const REDACTED = "[REDACTED]";
// MotherDuck tokens are JWTs. Any JWT-shaped text is scrubbed, so a minted token echoed by a server or a proxy
// cannot leak through an error message even when the client never saw it. No word boundary is required before it:
// `%3D<jwt>` and `x_<jwt>` must not let one through. The pattern takes a whole run of a JWT's characters from an
// "eyJ" (standard base64 and its padding too), and the shape is looked for in it: a pattern that itself needed the
// two dots would scan on from every "eyJ" without them, which is quadratic in a long text (a server's error body).
const JWT_RUN = /eyJ[\w.+/=-]*/g;
// What HTTP libraries print of a request's headers ("authorization=Bearer …", "Authorization: Bearer …"):
// whatever follows the scheme is a credential, known to this client or not, quoted or not. The scheme and its
// value are on one line: "Invalid Bearer" ending a message must not take the next line (the library's hint).
// A value that is exactly the marker is left as it is: scrubbing text twice must not add a stray "]".
const BEARER_VALUE =
  /\b(Bearer)([^\S\n]+|%20|\+|:[^\S\n]*|=)(["'`]?)(?!\[REDACTED\]([\s"'`,;)\]}]|$))[^\s"'`,;)\]}]+/gi;
/** Secrets shorter than this are too likely to match ordinary text to be scrubbed by value. */
export const MIN_SECRET_LENGTH = 8;
// Secrets that are not JWT-shaped are remembered by value. The most recent ones are kept: enough for any
// session's minted tokens, without letting a long-lived client grow without bound.
const MAX_REMEMBERED = 256;
/** How deep a server's JSON is copied into an error; anything deeper is replaced, not followed. */
export const MAX_COPY_DEPTH = 16;
const TOO_DEEP = "[nested too deep]";
const MAX_CAUSE_DEPTH = 5;

/** Scrubs a text. `remember` adds a secret that this client has just learnt, such as a minted token. */
export interface Redactor {
  (text: string): string;
  remember(secret: string): void;
}

/** A redactor that removes JWT-shaped text, bearer credentials and each of the given secrets. */
export function createRedactor(secrets: readonly (string | undefined)[]): Redactor {
  const fixed = secrets.filter((s): s is string => typeof s === "string" && s.length >= MIN_SECRET_LENGTH);
  const learnt = new Set<string>();
  const redact = ((text: string) => {
    // A run holds a JWT when two dots enclose a part.
    let out = text
      .replace(JWT_RUN, (run) => (/\.[^.]+\./.test(run) ? REDACTED : run))
      .replace(BEARER_VALUE, `$1$2$3${REDACTED}`);
    for (const secret of fixed) out = out.replaceAll(secret, REDACTED);
    for (const secret of learnt) out = out.replaceAll(secret, REDACTED);
    return out;
  }) as Redactor;
  redact.remember = (secret) => {
    if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH) return;
    // A JWT, or a secret given at creation, is scrubbed already: remembered, it would only take the place of a
    // secret that needs its value.
    if (!learnt.has(secret) && redact(secret) === REDACTED) return;
    learnt.delete(secret);
    learnt.add(secret);
    if (learnt.size > MAX_REMEMBERED) learnt.delete(learnt.values().next().value!);
  };
  return redact;
}

/**
 * A copy of a JSON value with every string and every key redacted. Nesting deeper than MAX_COPY_DEPTH is
 * replaced by a marker, so a hostile body cannot exhaust the stack.
 */
export function redactDeep<T>(value: T, redact: (text: string) => string, depth = 0): T {
  if (typeof value === "string") return redact(value) as T;
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_COPY_DEPTH) return TOO_DEEP as T;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redact, depth + 1)) as T;
  // fromEntries defines each key as the copy's own, so a "__proto__" key stays data instead of a prototype.
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [redact(key), redactDeep(item, redact, depth + 1)]),
  ) as T;
}

/**
 * What a thrown value says: an Error's message, or the value as text. Anyone's code may have thrown it, so
 * nothing here can throw: a getter that throws or a revoked Proxy reads as a value that could not be read.
 */
export function describeThrown(thrown: unknown): string {
  try {
    return thrown instanceof Error ? String(thrown.message) : String(thrown);
  } catch {
    return "a value that could not be read";
  }
}

/**
 * A scrubbed stand-in for an error of unknown origin (a custom fetch's, a logger's): its name, message, code
 * and stack redacted, and its cause chain likewise, a few levels deep. Nothing else of it is kept, since any
 * field could hold a request's headers.
 */
export function scrubbedCause(error: unknown, redact: Redactor, depth = 0): Error {
  const source = error as Record<string, unknown>;
  const isError = isInstance(error, Error);
  // A field's text, scrubbed: a getter can throw, and so can `String(value)`.
  const text = (read: () => unknown) =>
    safeRead(() => {
      const value = read();
      return value == null ? undefined : redact(String(value));
    }) as string | undefined;
  const copy = new Error(redact(describeThrown(error))) as Error & { code?: string };
  const name = text(() => source.name);
  if (isError && name) copy.name = name;
  const code = text(() => source.code);
  if (code !== undefined) copy.code = code;
  if (isError) copy.stack = text(() => source.stack) ?? copy.stack;
  const cause = isError ? safeRead(() => source.cause) : undefined;
  if (cause !== undefined && depth < MAX_CAUSE_DEPTH) copy.cause = scrubbedCause(cause, redact, depth + 1);
  return copy;
}

/** `value instanceof Class`, and false where even that throws: on a revoked Proxy, which anyone's code may throw. */
function isInstance(value: unknown, Class: abstract new (...args: never[]) => unknown): boolean {
  try {
    return value instanceof Class;
  } catch {
    return false;
  }
}

function safeRead(read: () => unknown): unknown {
  try {
    return read();
  } catch {
    return undefined;
  }
}
