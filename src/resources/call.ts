// The one path every resource call takes: validate against the spec's rules and the scope table, send
// through openapi-fetch, map a failure to a typed error, and check the answer's shape.
import { operations } from "../rules.js";
import { NOT_THE_API } from "../hints.js";
import type { OperationId } from "../rules.js";
import { ResponseShapeError, TokenScopeError, ValidationError, errorFromResponse, parseJson } from "../errors.js";
import type { ApiError, ErrorContext } from "../errors.js";
import { decideOperation, scopeFactsFromIdentity } from "../scope.js";
import { readCallOptions } from "../options.js";
import { callQuietly } from "../quietly.js";
import { checkRequest } from "../validation/request.js";
import type { RequestInput } from "../validation/request.js";
import { checkValue } from "../validation/schema.js";
import { plain } from "../validation/plain.js";
import type { Issue } from "../validation/schema.js";
import { responseMeta, takeBufferedText } from "../transport/transport.js";
import { BUFFERED, OVERRIDES } from "../transport/request.js";
import { retryAfterMs } from "../transport/retry.js";
import type { CallOptions, ResourceContext } from "./context.js";

/** The openapi-fetch options of every resource call: the transport hands over the text it read. */
const BUFFERED_CALL = { parseAs: "stream", [BUFFERED]: true } as const;

/** The user a call acts on: the username in its path, or in its body (a service account to create). */
function targetOf(input: RequestInput): string {
  return String(input.path.username ?? (input.body as { username?: unknown } | undefined)?.username);
}

/** A call that `check` passed: its options read once, and its input read once into plain data. */
export interface Checked {
  options: CallOptions;
  input: RequestInput;
}

/** Any failure to read a call's arguments, other than the library's own refusals, as a refusal. */
export function unreadable(error: unknown): ValidationError {
  if (error instanceof ValidationError) return error;
  return new ValidationError([{ path: "arguments", message: "could not be read (a getter or proxy threw)" }]);
}

/**
 * Reads a call's input once, then refuses, before anything is sent, a call that breaks the operation's
 * rules or whose options are wrong (listing every problem, with those `extraIssues` finds in the input
 * read), then one the declared identity may not make. Without an identity the server decides scope.
 * `bodyPath` names the body in issues as the call's own argument does (see checkRequest). `callbacks` names
 * the call's own options beyond those of every call, each a function (see readCallOptions).
 */
export function check(
  context: ResourceContext,
  operationId: OperationId,
  given: RequestInput,
  callOptions?: unknown,
  extraIssues?: (input: RequestInput) => Issue[],
  bodyPath?: string,
  callbacks?: readonly string[],
): Checked {
  let checked: Checked;
  let issues: Issue[];
  try {
    const input: RequestInput = { path: given.path };
    if (given.query !== undefined) input.query = plain(given.query) as Record<string, unknown>;
    if (given.body !== undefined) input.body = plain(given.body);
    const read = readCallOptions(callOptions, callbacks);
    issues = read.issues;
    issues.push(...checkRequest(operations[operationId], input, "reject", bodyPath), ...(extraIssues?.(input) ?? []));
    checked = { options: read.options, input };
  } catch (error) {
    throw unreadable(error);
  }
  if (issues.length) throw new ValidationError(issues);
  guardScope(context, operationId, targetOf(checked.input));
  return checked;
}

/** Refuses a call to `operationId` on `target` that the declared identity may not make. */
export function guardScope(context: ResourceContext, operationId: OperationId, target: string): void {
  if (!context.identity) return;
  const decision = decideOperation(operationId, scopeFactsFromIdentity(context.identity, target));
  if (decision.outcome !== "deny") return;
  // The table speaks with full knowledge; the client knows only the accounts it was told of or created.
  const reason = decision.rule === "S3" ? `${decision.reason} (not in identity.serviceAccounts)` : decision.reason;
  throw new TokenScopeError(decision.rule, reason);
}

/** The typed error for a non-2xx answer that openapi-fetch returned, with what the transport learnt of it. */
export function apiError(response: Response, body: unknown, context: ErrorContext): ApiError {
  const { status, statusText, headers } = response;
  const { truncated, attempts } = responseMeta(response);
  return errorFromResponse({ status, statusText, headers, body: body ?? "", truncated, attempts }, context);
}

/** Sends a call that `check` passed and returns its body, checked against the spec's success schema. */
export async function send<T>(
  context: ResourceContext,
  operationId: OperationId,
  input: RequestInput,
  options: CallOptions,
): Promise<T> {
  const rule = operations[operationId];
  const { response, error } = await context.raw.request(
    rule.method,
    rule.path as never,
    {
      params: { path: input.path, query: input.query },
      body: input.body,
      signal: options.signal,
      [OVERRIDES]: options,
      ...BUFFERED_CALL,
    } as never,
  );
  if (options.onResponse) {
    const { attempts } = responseMeta(response);
    const requestId = response.headers.get("x-request-id");
    callQuietly(options.onResponse, {
      status: response.status,
      requestId: requestId === null ? undefined : context.redact(requestId),
      attempts,
      ...(response.status === 429 && { retryAfterMs: retryAfterMs(response.headers.get("retry-after"), Date.now()) }),
    });
  }
  if (!response.ok) throw apiError(response, error, { operationId, redact: context.redact });
  if (!("response" in rule)) return undefined as T;
  const text = takeBufferedText(response);
  // JSON.parse never yields undefined: undefined is a text that is not JSON.
  const value = parseJson(text);
  if (value === undefined) {
    const empty = !text.trim();
    throw new ResponseShapeError(
      [{ path: "response", message: empty ? "is empty" : "is not JSON" }],
      undefined,
      empty ? undefined : NOT_THE_API,
    );
  }
  const issues = checkValue(rule.response, value, "response");
  // Scrubbed, like every error of a call, by withScrubbedErrors on its way to the caller.
  if (issues.length) throw new ResponseShapeError(issues);
  return value as T;
}

/** `check`, then `send`: the whole path of a plain call. A refusal rejects the promise; it never throws. */
export async function call<T>(
  context: ResourceContext,
  operationId: OperationId,
  input: RequestInput,
  options?: unknown,
) {
  const checked = check(context, operationId, input, options);
  return send<T>(context, operationId, checked.input, checked.options);
}
