// The error hierarchy, and the one place that turns an HTTP answer into an error.
import type { Issue } from "./validation/schema.js";
import type { ScopeRule } from "./scope.js";
import { describeThrown, redactDeep } from "./redact.js";
import type { Redactor } from "./redact.js";
import type { Token } from "./types.js";
import { hintFor } from "./hints.js";
import { snippet } from "./printable.js";
import { retryAfterMs } from "./transport/retry.js";

export type { Issue };

/** Names a class on its prototype: stack traces read it there, and minifiers cannot rename a string. */
function named(ErrorClass: abstract new (...args: never[]) => Error, name: string): void {
  Object.defineProperty(ErrorClass.prototype, "name", { value: name, writable: true, configurable: true });
}

/** Issues in one line, as error messages list them: `body.name is required; username must not be empty`. */
export function describeIssues(issues: readonly Issue[]): string {
  return issues.map((i) => `${i.path} ${i.message}`).join("; ");
}

/** The base of every error this library throws. */
export class MotherDuckError extends Error {
  static {
    named(this, "MotherDuckError");
  }
  toJSON(): object {
    return { ...this, name: this.name, message: this.message };
  }
}

/** The request was refused before anything was sent. `issues` lists every problem found. */
export class ValidationError extends MotherDuckError {
  static {
    named(this, "ValidationError");
  }
  // Fields every constructor assigns are declared only: a class field would ship as one more line of code
  // per field, and the assignments already give them their order.
  declare readonly issues: Issue[];
  constructor(issues: Issue[], message = `Invalid request: ${describeIssues(issues)}`) {
    super(message);
    this.issues = issues;
  }
}

/** A token-scope rule refused the call before anything was sent. `rule` is the rule's id, such as "S3". */
export class TokenScopeError extends ValidationError {
  static {
    named(this, "TokenScopeError");
  }
  /** The id of the rule that refused the call, from the README's scope table: "S2", "S3", … */
  declare readonly rule: ScopeRule;
  constructor(rule: ScopeRule, reason: string, path = "username") {
    super([{ path, message: reason }], `Refused by token-scope rule ${rule}: ${reason}`);
    this.rule = rule;
  }
}

/** What a message adds when a call took more than one attempt. */
export function attemptsSuffix(attempts: number): string {
  return attempts > 1 ? ` (after ${attempts} attempts)` : "";
}

/** Where an ApiError's message ends and its hint begins: the only line break a message has. */
export const HINT_SEPARATOR = "\nHint: ";

/** What an ApiError is built from. */
export interface ApiErrorFields {
  status: number;
  /** The body's `code`, such as "FORBIDDEN"; undefined when the body had none. */
  code: string | undefined;
  message: string;
  /** The body's `issues`, as sent (extra fields kept). */
  issues: Array<{ message: string; [key: string]: unknown }>;
  /** The `x-request-id` header, for MotherDuck support. */
  requestId: string | undefined;
  /** What most likely went wrong and what to do, where the client can tell. */
  hint: string | undefined;
  /** How many attempts were made in all. */
  attempts: number;
}

/** The API answered with a status outside 2xx. */
export class ApiError extends MotherDuckError {
  static {
    named(this, "ApiError");
  }
  declare readonly status: number;
  declare readonly code: string | undefined;
  declare readonly issues: ApiErrorFields["issues"];
  declare readonly requestId: string | undefined;
  declare readonly hint: string | undefined;
  declare readonly attempts: number;
  constructor({ message, ...fields }: ApiErrorFields) {
    super(fields.hint ? `${message}${HINT_SEPARATOR}${fields.hint}` : message);
    // Every field but the message, in ApiErrorFields' order.
    Object.assign(this, fields);
  }
}
/** 400: the API refused the request as malformed. `issues` says which fields. */
export class BadRequestError extends ApiError {
  static {
    named(this, "BadRequestError");
  }
  declare readonly status: 400;
}
/** 401: the token is missing, malformed, unknown, expired or revoked. */
export class AuthenticationError extends ApiError {
  static {
    named(this, "AuthenticationError");
  }
  declare readonly status: 401;
}
/**
 * 403: the token may not do this. `hint` names the scope rules that most likely refused it: S2 and S3 for
 * token creation, S2 (an Admin token) and S4 (never a read-scaling token) for the other admin calls.
 */
export class PermissionDeniedError extends ApiError {
  static {
    named(this, "PermissionDeniedError");
  }
  declare readonly status: 403;
}
/**
 * 404. With `code` "NOT_FOUND" the user or token does not exist (or belongs to another organization);
 * without it the route does not exist, and `hint` says the base URL or path is probably wrong.
 */
export class NotFoundError extends ApiError {
  static {
    named(this, "NotFoundError");
  }
  declare readonly status: 404;
}
/** 429: too many requests. Retried for every method, honouring Retry-After, before this is thrown. */
export class RateLimitError extends ApiError {
  static {
    named(this, "RateLimitError");
  }
  declare readonly status: 429;
  /** How long the answer's `Retry-After` asked to wait, in milliseconds (capped at 30 s); undefined when it did not say. */
  readonly retryAfterMs: number | undefined;
  constructor(fields: ApiErrorFields & { retryAfterMs?: number | undefined }) {
    super(fields);
    this.retryAfterMs = fields.retryAfterMs;
  }
}
/** 5xx: the API failed. 502, 503 and 504 are retried for reads and deletes before this is thrown. */
export class InternalServerError extends ApiError {
  static {
    named(this, "InternalServerError");
  }
}

/**
 * No response arrived: the connection failed or was cut. The message names the host tried; `cause` is the
 * fetch failure, scrubbed of anything that looks like a credential.
 */
export class ConnectionError extends MotherDuckError {
  static {
    named(this, "ConnectionError");
  }
  /** How many attempts were made in all. */
  attempts = 1;
}

/**
 * No response arrived within `timeoutMs`, on the last attempt allowed. This is the library's own time limit.
 * A caller's own `AbortSignal.timeout()` is different: the call then rejects with that signal's reason, a
 * `DOMException` also named "TimeoutError", as `fetch` does; tell them apart with `instanceof`.
 */
export class TimeoutError extends MotherDuckError {
  static {
    named(this, "TimeoutError");
  }
  declare readonly timeoutMs: number;
  /** How many attempts were made in all. */
  attempts = 1;
  constructor(timeoutMs: number) {
    super(`The MotherDuck API did not answer within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

/** A 2xx answer whose body breaks the spec. */
export class ResponseShapeError extends MotherDuckError {
  static {
    named(this, "ResponseShapeError");
  }
  declare readonly issues: Issue[];
  /** What most likely went wrong, where the client can tell: a body that is not JSON at all says the base URL. */
  declare readonly hint: string | undefined;
  constructor(
    issues: Issue[],
    message = `The API's answer does not match the spec: ${describeIssues(issues)}`,
    hint?: string,
  ) {
    super(hint ? `${message}${HINT_SEPARATOR}${hint}` : message);
    this.issues = issues;
    this.hint = hint;
  }
}

/**
 * A rotation created the new token but could not revoke the old one, which is still live. The new token
 * is on `newToken`, so its secret is never lost; it stays out of the message, `util.inspect` and JSON.
 * The revocation's own error is the `cause`.
 */
export class TokenRotationError extends MotherDuckError {
  static {
    named(this, "TokenRotationError");
  }
  declare readonly username: string;
  declare readonly oldTokenId: string;
  declare readonly newTokenId: string;
  readonly #newToken: Token;
  /** What failed: the revoke of the old token, or the caller's `beforeRevoke` step before it. */
  declare readonly stage: "revoke" | "beforeRevoke";
  constructor(fields: {
    username: string;
    oldTokenId: string;
    newToken: Token;
    cause: unknown;
    stage?: "revoke" | "beforeRevoke";
  }) {
    // Whatever was thrown, this error must be built: it is what carries the new token's secret to the caller.
    const reason = describeThrown(fields.cause);
    const stage = fields.stage ?? "revoke";
    super(
      `Rotation of token ${fields.oldTokenId} of "${fields.username}" created token ${fields.newToken.id} ` +
        `(on this error's newToken), but ${stage} failed, so the old token is still live: ${reason}`,
      { cause: fields.cause },
    );
    this.username = fields.username;
    this.oldTokenId = fields.oldTokenId;
    this.newTokenId = fields.newToken.id;
    this.stage = stage;
    this.#newToken = fields.newToken;
  }
  /** The token the rotation created, secret included. */
  get newToken(): Token {
    return this.#newToken;
  }
}

function errorClassFor(status: number): typeof ApiError {
  if (status === 400) return BadRequestError;
  if (status === 401) return AuthenticationError;
  if (status === 403) return PermissionDeniedError;
  if (status === 404) return NotFoundError;
  if (status === 429) return RateLimitError;
  if (status >= 500) return InternalServerError;
  return ApiError;
}

export interface ErrorResponse {
  status: number;
  statusText: string;
  headers: Headers;
  /** The body: its text (possibly cut at the error-body limit), or its value when already parsed. */
  body: unknown;
  truncated: boolean;
  attempts: number;
}

export interface ErrorContext {
  operationId: string | undefined;
  redact: Redactor;
}

const SNIPPET_LENGTH = 200;
/** A server's own message, however long, is kept to what a person reads in one error line. */
export const MESSAGE_LENGTH = 1000;
const CODE_LENGTH = 100;

/** Server text for a message: scrubbed, then its control characters escaped, then cut. */
function serverText(text: string, redact: Redactor, max: number): string {
  return snippet(redact(text), max);
}

/** How many of a server's issues an error keeps; a marker issue says how many more there were. */
export const MAX_ISSUES = 100;

/**
 * A server's issues as an error keeps them: at most MAX_ISSUES, each key and string in them treated as server
 * text, so an issue cannot forge a line or flood a log any more than the message can.
 */
function serverIssues(sent: unknown[], redact: Redactor): ApiErrorFields["issues"] {
  const issues = sent.filter(
    (i): i is { message: string } =>
      typeof i === "object" && i !== null && typeof (i as { message?: unknown }).message === "string",
  );
  const kept = redactDeep(issues.slice(0, MAX_ISSUES), (text) => serverText(text, redact, MESSAGE_LENGTH));
  const dropped = issues.length - kept.length;
  return dropped > 0 ? [...kept, { message: `[${dropped} more issues not kept]` }] : kept;
}

/** The value of a JSON text, or undefined when the text is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A short readable form of a non-JSON body. It is scrubbed before it is cut, so no secret is cut in half. */
function readableText(response: ErrorResponse, redact: Redactor): string {
  const text = typeof response.body === "string" ? response.body.trim() : "";
  if (!text) return response.statusText || "no body";
  const contentType = response.headers.get("content-type") ?? "";
  if (contentType.includes("html") || text.startsWith("<")) {
    // The tag's attributes are bounded: unbounded, a page of "<title" repeated makes the search quadratic.
    const title = /<title[^>]{0,99}>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
    return `an HTML page${title ? ` ("${serverText(title, redact, MESSAGE_LENGTH)}")` : ""} instead of a JSON error`;
  }
  return serverText(text.replace(/\s+/g, " "), redact, SNIPPET_LENGTH);
}

/**
 * Builds the error for a non-2xx answer. The status picks the class; the body fills it in. Server text is
 * scrubbed here only where it is cut, so that no secret is cut in half: the whole error, its issues and
 * request id included, passes the redactor on its way to the caller (withScrubbedErrors).
 */
export function errorFromResponse(response: ErrorResponse, context: ErrorContext): ApiError {
  const { redact } = context;
  const json = response.truncated
    ? undefined
    : typeof response.body === "string"
      ? parseJson(response.body)
      : response.body;
  const body =
    typeof json === "object" && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  const code = typeof body?.code === "string" ? serverText(body.code, redact, CODE_LENGTH) : undefined;
  const serverMessage = typeof body?.message === "string" ? body.message : undefined;
  const issues = Array.isArray(body?.issues) ? serverIssues(body.issues, redact) : [];
  const detail = response.truncated
    ? "error body larger than the limit, not parsed"
    : serverMessage === undefined
      ? readableText(response, redact)
      : serverText(serverMessage, redact, MESSAGE_LENGTH);
  const issueText = issues.length
    ? ` (${serverText(issues.map((i) => i.message).join("; "), redact, MESSAGE_LENGTH)})`
    : "";
  const ErrorClass = errorClassFor(response.status);
  return new ErrorClass({
    status: response.status,
    code,
    message: `${response.status}${code ? ` ${code}` : ""}: ${detail}${issueText}${attemptsSuffix(response.attempts)}`,
    issues,
    requestId: response.headers.get("x-request-id") ?? undefined,
    // A body cut at the limit was not read, so its code is unknown: no guess about the route then.
    hint: response.truncated ? undefined : hintFor({ operationId: context.operationId, status: response.status, code }),
    attempts: response.attempts,
    ...(response.status === 429 && { retryAfterMs: retryAfterMs(response.headers.get("retry-after"), Date.now()) }),
  });
}
