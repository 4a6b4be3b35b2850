// Each retry decision is a small pure function. The rules follow MotherDuck's own REST client:
// creating a token is not idempotent, so a POST is retried only when it provably had no effect.

/** How an attempt that got no HTTP answer failed. */
export type FailureKind = "not-sent" | "reset" | "timeout";

const IDEMPOTENT = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);
const GATEWAY_STATUSES = new Set([502, 503, 504]);
export const RETRY_AFTER_CAP_MS = 30_000;
export const BACKOFF_BASE_MS = 250;

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method.toUpperCase());
}

/** 429 means the request was not processed, whatever the method. Gateway errors may hide a success. */
export function shouldRetryStatus(method: string, status: number): boolean {
  return status === 429 || (GATEWAY_STATUSES.has(status) && isIdempotent(method));
}

/** A POST is retried only when the request never left; a reset or a timeout may hide a created token. */
export function shouldRetryFailure(method: string, kind: FailureKind): boolean {
  return kind === "not-sent" || isIdempotent(method);
}

/** Delay from a Retry-After header (seconds or an HTTP date), capped; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  // Seconds, or an HTTP date (which always names a weekday or a month); Date.parse alone takes "-1" for a year.
  const ms = /^\d+(\.\d+)?$/.test(value)
    ? Number(value) * 1000
    : /[a-z]{3}/i.test(value)
      ? Date.parse(value) - now
      : NaN;
  if (Number.isNaN(ms)) return undefined;
  return Math.min(Math.max(ms, 0), RETRY_AFTER_CAP_MS);
}

/** Exponential backoff from 250 ms, with jitter in the upper half so that clients spread out. */
export function backoffMs(retryNumber: number, random: number): number {
  const ceiling = Math.min(BACKOFF_BASE_MS * 2 ** (retryNumber - 1), RETRY_AFTER_CAP_MS);
  return ceiling / 2 + (ceiling / 2) * random;
}

const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/** Classifies a fetch failure by the system error code undici attaches as its cause. */
export function classifyFailure(error: unknown): Exclude<FailureKind, "timeout"> {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && NOT_SENT_CODES.has(code)) return "not-sent";
    current = (current as { cause?: unknown }).cause;
  }
  return "reset";
}
