// The one path every resource call takes: validate against the spec's rules, send through openapi-fetch,
// map a failure to a typed error, and check the answer's shape.
import { operations } from "../rules.js";
import type { OperationId } from "../rules.js";
import { ResponseShapeError, ValidationError, errorFromResponse } from "../errors.js";
import { checkRequest } from "../validation/request.js";
import type { RequestInput } from "../validation/request.js";
import { checkValue } from "../validation/schema.js";
import type { Issue } from "../validation/schema.js";
import { responseMeta, takeBufferedText } from "../transport/transport.js";
import { BUFFERED } from "../transport/request.js";

/** The openapi-fetch options of every resource call: the transport hands over the text it read. */
export const BUFFERED_CALL = { parseAs: "stream", [BUFFERED]: true } as const;
import type { ResourceContext } from "./context.js";

/** Every problem with a request to `operationId`; unknown body fields count as problems. */
export function requestIssues(operationId: OperationId, input: RequestInput): Issue[] {
  return checkRequest(operations[operationId], input, "reject");
}

/** Throws one ValidationError listing every issue, if there is any. */
export function throwIfInvalid(issues: Issue[]): void {
  if (issues.length) throw new ValidationError(issues);
}

/** Throws a ValidationError listing every problem when the input breaks the operation's rules. */
export function assertValidRequest(operationId: OperationId, input: RequestInput): void {
  throwIfInvalid(requestIssues(operationId, input));
}

interface RawResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** Sends a call (already validated) and returns its body, checked against the spec's success schema. */
export async function send<T>(
  context: ResourceContext,
  operationId: OperationId,
  invoke: () => Promise<RawResult>,
): Promise<T> {
  const { response, error } = await invoke();
  if (!response.ok) {
    const { truncated, attempts } = responseMeta(response);
    throw errorFromResponse(
      {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
        body: error ?? "",
        truncated,
        attempts,
      },
      { operationId, redact: context.redact },
    );
  }
  const rule = operations[operationId];
  if (!("response" in rule)) return undefined as T;
  const parsed = parseJson(takeBufferedText(response));
  if (!parsed.ok) {
    throw new ResponseShapeError(
      [{ path: "response", message: parsed.empty ? "is empty" : "is not JSON" }],
      `The API answered ${response.status} with ${parsed.empty ? "an empty body" : "a body that is not JSON"}`,
    );
  }
  const issues = checkValue(rule.response, parsed.value, "response", { unknownProperties: "allow" });
  if (issues.length) throw new ResponseShapeError(issues.map((i) => ({ ...i, message: context.redact(i.message) })));
  return parsed.value as T;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; empty: boolean } {
  if (!/\S/.test(text)) return { ok: false, empty: true };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, empty: false };
  }
}
