// Keeps secrets out of anything a user may print: error messages, issues, causes, log lines.

const REDACTED = "[REDACTED]";
// MotherDuck tokens are JWTs. Any JWT-shaped text is scrubbed, so a minted token echoed by a server or
// a proxy cannot leak through an error message even when the client never saw it. No word boundary is
// required before it: `%3D<jwt>` and `x_<jwt>` must not let one through.
const JWT_SHAPE = /eyJ[\w-]*\.[\w-]+\.[\w-]*/g;
// What HTTP libraries print of a request's headers ("authorization=Bearer …", "Authorization: Bearer …"):
// whatever follows the scheme is a credential, known to this client or not.
// A value that is exactly the marker is left as it is: scrubbing text twice must not add a stray "]".
const BEARER_VALUE = /\b(Bearer)(\s+|%20|\+|:\s*|=)(?!\[REDACTED\]([\s"'`,;)\]}]|$))[^\s"'`,;)\]}]+/gi;
/** Secrets shorter than this are too likely to match ordinary text to be scrubbed by value. */
export const MIN_SECRET_LENGTH = 8;
// Secrets that are not JWT-shaped are remembered by value. The most recent ones are kept: enough for any
// session's minted tokens, without letting a long-lived client grow without bound.
const MAX_REMEMBERED = 256;
/** How deep a server's JSON is copied into an error; anything deeper is replaced, not followed. */
export const MAX_COPY_DEPTH = 16;
const TOO_DEEP = "[nested too deep]";
export const MAX_CAUSE_DEPTH = 5;

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
    let out = text.replace(JWT_SHAPE, REDACTED).replace(BEARER_VALUE, `$1$2${REDACTED}`);
    for (const secret of fixed) out = out.replaceAll(secret, REDACTED);
    for (const secret of learnt) out = out.replaceAll(secret, REDACTED);
    return out;
  }) as Redactor;
  redact.remember = (secret) => {
    if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH) return;
    if (secret.replace(JWT_SHAPE, "") === "" || fixed.includes(secret)) return;
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
  const copy = new Error(text(() => (isError ? source.message : error)) ?? "") as Error & { code?: string };
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
export function isInstance(value: unknown, Class: abstract new (...args: never[]) => unknown): boolean {
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
