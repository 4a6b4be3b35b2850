// The pace of a batch, as pure decisions: how many requests may be in flight (additive increase while
// answers succeed, halved on a 429) and until when nothing may leave (the latest Retry-After heard).

/** The shared state of a batch's pace. */
export interface Pace {
  /** The most requests in flight now: between 1 and `ceiling`, fractional while it climbs back. */
  limit: number;
  /** The most requests in flight ever (the caller's `concurrency`). */
  ceiling: number;
  /** No request leaves before this time (ms since the epoch). */
  pausedUntil: number;
}

/** The pace at the start: the whole `concurrency`, no pause. */
export function initialPace(concurrency: number): Pace {
  return { limit: concurrency, ceiling: concurrency, pausedUntil: 0 };
}

/** After a success: one more request in flight per window of successes, up to the ceiling. */
export function afterSuccess(pace: Pace): Pace {
  return { ...pace, limit: Math.min(pace.ceiling, pace.limit + 1 / Math.floor(pace.limit)) };
}

/** After a 429 heard at `nowMs`: half as many in flight, and nothing leaves before its Retry-After. */
export function afterRateLimit(pace: Pace, retryAfterMs: number, nowMs: number): Pace {
  return {
    ...pace,
    limit: Math.max(1, Math.floor(pace.limit / 2)),
    pausedUntil: Math.max(pace.pausedUntil, nowMs + retryAfterMs),
  };
}

/** Whether one more request may leave now, with `inFlight` already out. */
export function mayStart(pace: Pace, inFlight: number, nowMs: number): boolean {
  return nowMs >= pace.pausedUntil && inFlight < Math.floor(pace.limit);
}

/** The wait after a 429 that gave no Retry-After: 1 s, doubling with each refusal of the same request, up to 30 s. */
export function fallbackWaitMs(refusals: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, refusals - 1));
}
