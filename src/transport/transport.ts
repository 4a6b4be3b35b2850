// The fetch function given to openapi-fetch: one pipeline for every call, typed or raw. Per attempt it
// adds auth, bounds time and body size, and honours the caller's signal; between attempts it applies the
// retry rules of retry.ts.
import type { FetchFunction } from "../config.js";
import type { Logger } from "../logger.js";
import { describeThrown, scrubbedCause } from "../redact.js";
import type { Redactor } from "../redact.js";
import {
  ConnectionError,
  MESSAGE_LENGTH,
  attemptsSuffix,
  ResponseShapeError,
  TimeoutError,
  ValidationError,
} from "../errors.js";
import { snippet } from "../printable.js";
import { sleep, throwIfAborted, untilAborted } from "./abort.js";
import { PlainRequest } from "./request.js";
import { baseOf, leavesBase } from "./destination.js";
import { ERROR_BODY_LIMIT, SUCCESS_BODY_LIMIT, decodeBody, readBodyWithin } from "./body.js";
import {
  backoffMs,
  classifyFailure,
  isIdempotent,
  retryAfterMs,
  shouldRetryFailure,
  shouldRetryStatus,
} from "./retry.js";
import type { FailureKind } from "./retry.js";

export interface TransportConfig {
  token: string;
  /** Every request must stay under this URL's origin and path. */
  baseUrl: string;
  userAgent: string;
  timeoutMs: number;
  maxRetries: number;
  fetch: FetchFunction;
  logger: Logger;
  redact: Redactor;
}

/** What the transport learnt about a response it returns, for the error mapper. */
export interface ResponseMeta {
  truncated: boolean;
  attempts: number;
  /** The text of a successful answer to a BUFFERED request, until takeBufferedText hands it over. */
  text?: string | undefined;
}
// One entry per response: a WeakMap operation is cheap, but not free at thousands of calls a second.
const metaByResponse = new WeakMap<Response, ResponseMeta>();

export function responseMeta(response: Response): ResponseMeta {
  return metaByResponse.get(response) ?? { truncated: false, attempts: 1 };
}

/** The text of a successful answer to a BUFFERED request, which the transport has already read. */
export function takeBufferedText(response: Response): string {
  const meta = metaByResponse.get(response);
  const text = meta?.text ?? "";
  if (meta) meta.text = undefined;
  return text;
}

type Attempt =
  | { response: Response; truncated: boolean; text?: string }
  | { failure: FailureKind; error: ConnectionError | TimeoutError | ResponseShapeError; retryable: boolean };

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

function isReplayable(body: unknown): boolean {
  return body == null || typeof body === "string" || body instanceof Uint8Array || body instanceof ArrayBuffer;
}

async function toPlainRequest(input: Request | string, init?: RequestInit): Promise<PlainRequest> {
  if (typeof input === "string") return new PlainRequest(input, init);
  const body = input.method === "GET" || input.method === "HEAD" ? undefined : await input.text();
  return new PlainRequest(input.url, { method: input.method, headers: input.headers, body, signal: input.signal });
}

export function createTransport(config: TransportConfig) {
  const { token, logger, redact } = config;
  const fetchFunction = config.fetch;
  const authorization = `Bearer ${token}`;
  const base = baseOf(config.baseUrl);

  async function attemptOnce(request: PlainRequest, attempt: number): Promise<Attempt> {
    const callerSignal = request.signal;
    const timeoutMs = request.timeoutMs ?? config.timeoutMs;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onCallerAbort = () => controller.abort(callerSignal!.reason);
    let callerAttached = callerSignal != null;
    const detachCaller = () => {
      callerSignal?.removeEventListener("abort", onCallerAbort);
      callerAttached = false;
    };
    callerSignal?.addEventListener("abort", onCallerAbort, { once: true });
    const started = performance.now();
    try {
      const fetched = fetchFunction(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body ?? null,
        signal: controller.signal,
        // The API does not redirect; following one could carry the token to another host.
        redirect: "manual",
      });
      // A custom fetch may not honour its signal, so its promise and body race the signal, whatever the fetch.
      const response = await untilAborted(fetched, controller.signal);
      // Once a create has answered 2xx, its token exists: the caller's abort no longer discards it, as it
      // would discard a read. The time limit still holds.
      if (response.ok && !isIdempotent(request.method)) detachCaller();
      const limit = response.ok ? SUCCESS_BODY_LIMIT : ERROR_BODY_LIMIT;
      const { bytes, truncated } = await readBodyWithin(response, limit, controller.signal);
      log(request, attempt, started, response.status);
      if (truncated && response.ok) {
        return {
          failure: "reset",
          retryable: false,
          error: new ResponseShapeError([
            { path: "response", message: `is larger than ${SUCCESS_BODY_LIMIT} bytes, so it was not read` },
          ]),
        };
      }
      if (response.ok && request.buffered) return { response, truncated, text: decodeBody(bytes) };
      // openapi-fetch reads the body itself: give it one it can read, holding exactly the bytes read within
      // the limit.
      const rebuilt = new Response(NULL_BODY_STATUSES.has(response.status) ? null : bytes, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
      return { response: rebuilt, truncated };
    } catch (error) {
      if (callerAttached && callerSignal?.aborted) throw callerSignal.reason;
      log(request, attempt, started, timedOut ? "timeout" : "connection-error");
      if (timedOut) {
        return { failure: "timeout", error: new TimeoutError(timeoutMs), retryable: true };
      }
      return connectionFailure(request.url, error);
    } finally {
      clearTimeout(timer);
      detachCaller();
    }
  }

  /**
   * A failed attempt as a ConnectionError. Whatever was thrown, nothing here can throw: the URL parsed when
   * leavesBase checked it.
   */
  function connectionFailure(url: string, error: unknown): Attempt {
    let kind: FailureKind = "reset";
    let cause: Error;
    try {
      kind = classifyFailure(error);
    } catch {
      // An error whose fields cannot be read is no proof that nothing was sent.
    }
    try {
      cause = scrubbedCause(error, redact);
    } catch {
      cause = new Error("the fetch function failed");
    }
    const reason = snippet(redact(describeFailure(error)), MESSAGE_LENGTH);
    return {
      failure: kind,
      retryable: true,
      error: new ConnectionError(`Could not reach the MotherDuck API at ${new URL(url).host}: ${reason}`, { cause }),
    };
  }

  function log(request: PlainRequest, attempt: number, started: number, status: number | string): void {
    if (!logger.debug) return;
    const path = new URL(request.url).pathname;
    const durationMs = Math.round(performance.now() - started);
    logger.debug(`${request.method} ${path} ${status} (attempt ${attempt}, ${durationMs} ms)`, {
      method: request.method,
      path,
      status,
      attempt,
      durationMs,
    });
  }

  function waitBeforeRetry(request: PlainRequest, attempt: number, cause: number | string, waitMs: number) {
    const rounded = Math.round(waitMs);
    logger.debug?.(`retrying ${request.method} after ${cause} in ${rounded} ms`, {
      method: request.method,
      cause,
      attempt,
      waitMs: rounded,
    });
    return sleep(waitMs, request.signal);
  }

  return async function transport(input: PlainRequest | Request | string, init?: RequestInit): Promise<Response> {
    // openapi-fetch hands over a PlainRequest; only a middleware's replacement needs converting.
    const request = input instanceof PlainRequest ? input : await toPlainRequest(input, init);
    if (leavesBase(request.url, base)) {
      throw new ValidationError([{ path: "url", message: redact(`must stay under the baseUrl ${base}`) }]);
    }
    request.headers.set("authorization", authorization);
    request.headers.set("user-agent", config.userAgent);
    if (!request.headers.has("accept")) request.headers.set("accept", "application/json");
    const retries = isReplayable(request.body) ? (request.maxRetries ?? config.maxRetries) : 0;

    for (let attempt = 1; ; attempt++) {
      // Checked before every attempt, and by sleep before every wait: an aborted call sends nothing more.
      throwIfAborted(request.signal);
      const outcome = await attemptOnce(request, attempt);
      const canRetry = attempt <= retries;
      if ("response" in outcome) {
        const { response } = outcome;
        if (canRetry && shouldRetryStatus(request.method, response.status)) {
          const retryAfter = retryAfterMs(response.headers.get("retry-after"), Date.now());
          await waitBeforeRetry(request, attempt, response.status, retryAfter ?? backoffMs(attempt, Math.random()));
          continue;
        }
        metaByResponse.set(response, { truncated: outcome.truncated, attempts: attempt, text: outcome.text });
        return response;
      }
      if (canRetry && outcome.retryable && shouldRetryFailure(request.method, outcome.failure)) {
        await waitBeforeRetry(request, attempt, outcome.failure, backoffMs(attempt, Math.random()));
        continue;
      }
      const { error } = outcome;
      error.message += attemptsSuffix(attempt);
      if (!(error instanceof ResponseShapeError)) error.attempts = attempt;
      throw error;
    }
  };
}

/** The system error code or message of a fetch failure; a hostile error's getters cannot make it throw. */
function describeFailure(error: unknown): string {
  try {
    const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
    if (typeof cause?.code === "string") return cause.code;
    if (typeof cause?.message === "string") return cause.message;
  } catch {
    // Its own message, then.
  }
  return describeThrown(error);
}
