// Checks shared by the client's options and each call's options: an options object holds only names the
// library knows (a typo is named, with the nearest right name), and its numbers are in range.
import { checkValue } from "./validation/schema.js";
import type { Issue, SchemaRule } from "./validation/schema.js";
import { closest } from "./suggest.js";

// setTimeout fires at once for delays past 2^31 - 1 ms.
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;
export const MAX_RETRIES_LIMIT = 10;

// Names other SDKs use for the same thing, which edit distance alone would not find (it finds `timeout` and
// `retries`).
const ALIASES: Record<string, string> = {
  apikey: "token",
  accesstoken: "token",
  authtoken: "token",
  bearertoken: "token",
  auth: "token",
};

/** The known name a mistaken one most likely meant, if any is close: ignoring case, `_` and `-`. */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  const fold = (text: string) => text.toLowerCase().replace(/[_-]/g, "");
  const alias = ALIASES[fold(name)];
  return alias !== undefined && known.includes(alias) ? alias : closest(name, known, fold);
}

/** One issue for each own key of `value` that `known` does not list. */
export function unknownKeyIssues(value: object, known: readonly string[], prefix = ""): Issue[] {
  let keys: string[];
  try {
    keys = Object.keys(value);
  } catch {
    return [{ path: prefix.replace(/\.$/, "") || "options", message: "could not be read (a getter or proxy threw)" }];
  }
  return keys
    .filter((key) => !known.includes(key))
    .map((key) => {
      const suggestion = nearestName(key, known);
      return {
        path: `${prefix}${key}`,
        message: `is not an option${suggestion ? ` (did you mean ${prefix}${suggestion}?)` : ""}; known: ${known.join(", ")}`,
      };
    });
}

/** The options a client and each call take, as data for the validator that checks the spec's rules. */
export const LIMIT_OPTIONS_RULE: SchemaRule = {
  properties: {
    timeoutMs: { type: "integer", minimum: 1, maximum: MAX_TIMEOUT_MS },
    maxRetries: { type: "integer", minimum: 0, maximum: MAX_RETRIES_LIMIT },
  },
};

/** A whole number within [min, max], for options outside the client's (the emulator's, tenants', caches'). */
export function checkWholeNumber(value: unknown, path: string, min: number, max: number): Issue[] {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max
    ? []
    : [{ path, message: `must be a whole number from ${min} to ${max}` }];
}

export function checkTimeoutMs(value: unknown, path = "timeoutMs"): Issue[] {
  return value === undefined ? [] : checkWholeNumber(value, path, 1, MAX_TIMEOUT_MS);
}

/**
 * Reads the named fields of an options object, each behind its own guard: a getter that throws becomes
 * an issue instead of escaping as a TypeError.
 */
export function readFields<K extends string>(
  value: object,
  keys: readonly K[],
  prefix = "",
): { fields: Partial<Record<K, unknown>>; issues: Issue[] } {
  const fields: Partial<Record<K, unknown>> = {};
  const issues: Issue[] = [];
  for (const key of keys) {
    try {
      fields[key] = (value as Record<string, unknown>)[key];
    } catch {
      issues.push({ path: `${prefix}${key}`, message: "could not be read (a getter or proxy threw)" });
    }
  }
  return { fields, issues };
}

/** Options every call takes as its last argument: per-call overrides of the client's options. */
export interface CallOptions {
  /**
   * Cancels the call, including a retry wait: it then rejects with the signal's reason, as `fetch` does (for
   * `AbortSignal.timeout()` that is a `DOMException` named "TimeoutError", not this library's TimeoutError).
   */
  signal?: AbortSignal;
  /** Time allowed for each attempt of this call, in ms; overrides the client's `timeoutMs`. */
  timeoutMs?: number;
  /** How many times this call may be retried; overrides the client's `maxRetries` (0 turns retries off). */
  maxRetries?: number;
  /**
   * Called with each answer the API gives this call, success and API error alike, once its retries are done
   * and before the call resolves or rejects: for logs and support tickets, which want the request id of a
   * success too. A call that makes several requests calls it once per answer, in order: `users.list` once per
   * page (each page has its own request id), `ducklings.update` for its read and its write, `tokens.rotate`
   * for its list, create and revoke. A call that gets no answer (a connection error, a timeout, an abort) or
   * is refused before sending does not call it. Whatever it throws or rejects with is ignored: it never fails
   * or changes the call.
   *
   * @example
   * ```ts
   * await md.tokens.create("svc_etl", { name: "etl" }, { onResponse: ({ requestId }) => log.info({ requestId }) });
   * ```
   */
  onResponse?: (response: ResponseInfo) => void;
}

/** One answer of the API, as `onResponse` sees it. */
export interface ResponseInfo {
  /** The HTTP status of the answer (the last attempt's, after retries). */
  status: number;
  /** The answer's `x-request-id` header, for MotherDuck support; undefined when it has none. */
  requestId: string | undefined;
  /** How many attempts the request took, retries included. */
  attempts: number;
  /**
   * On a 429 only: how long its `Retry-After` asked to wait, in ms (as RateLimitError's `retryAfterMs`), so a
   * caller pacing many calls can hold the others from the moment the refusal arrives. Undefined when it did not say.
   */
  retryAfterMs?: number | undefined;
}

const CALL_OPTIONS: readonly (keyof CallOptions)[] = ["signal", "timeoutMs", "maxRetries", "onResponse"];

function isAbortSignal(value: unknown): value is AbortSignal {
  const signal = value as AbortSignal | null;
  return (
    typeof signal === "object" &&
    signal !== null &&
    typeof signal.aborted === "boolean" &&
    typeof signal.addEventListener === "function" &&
    typeof signal.removeEventListener === "function"
  );
}

/**
 * A call's options read once, as a plain snapshot, with every problem found; the call is refused before
 * sending when there is one. `callbacks` names a call's own options beyond these, each a function (rotate's
 * `beforeRevoke`).
 */
export function readCallOptions(
  options: unknown,
  callbacks: readonly string[] = [],
): { options: CallOptions & Record<string, unknown>; issues: Issue[] } {
  if (options === undefined) return { options: {}, issues: [] };
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    return { options: {}, issues: [{ path: "options", message: "must be an object" }] };
  }
  const known = [...CALL_OPTIONS, ...callbacks];
  const { fields, issues } = readFields(options, known, "options.");
  issues.push(...unknownKeyIssues(options, known, "options."));
  if (fields.signal !== undefined && !isAbortSignal(fields.signal)) {
    issues.push({ path: "options.signal", message: "must be an AbortSignal" });
  }
  for (const name of ["onResponse", ...callbacks]) {
    if (fields[name] !== undefined && typeof fields[name] !== "function") {
      issues.push({ path: `options.${name}`, message: "must be a function" });
    }
  }
  issues.push(...checkValue(LIMIT_OPTIONS_RULE, fields, "options"));
  return { options: fields as CallOptions & Record<string, unknown>, issues };
}
