// Keeps secrets out of anything a user may print: error messages, issues, log lines.

const REDACTED = "[REDACTED]";
// MotherDuck tokens are JWTs. Any JWT-shaped text is scrubbed, so a minted token echoed by a server or
// a proxy cannot leak through an error message even when the client never saw it.
const JWT_SHAPE = /\beyJ[\w-]*\.[\w-]+\.[\w-]*/g;

export type Redactor = (text: string) => string;

/** A redactor that removes JWT-shaped text and each of the given secrets. */
export function createRedactor(secrets: readonly (string | undefined)[]): Redactor {
  const known = secrets.filter((s): s is string => typeof s === "string" && s.length >= 8);
  return (text) => {
    let out = text.replace(JWT_SHAPE, REDACTED);
    for (const secret of known) out = out.replaceAll(secret, REDACTED);
    return out;
  };
}

/** A copy of a JSON value with every string in it redacted. */
export function redactDeep<T>(value: T, redact: Redactor): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redact)) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactDeep(item, redact)])) as T;
  }
  return value;
}
