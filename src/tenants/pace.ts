// The pace of a batch, as pure decisions. Two bounds, both learnt from the API's answers:
// - how many requests may be in flight: it starts at one and climbs by one per round of successes up to the
//   caller's `concurrency`, and halves once per 429 episode (a burst meets the limit with few out);
// - how far apart requests leave: nothing before the latest Retry-After heard, and, once a 429 has been
//   heard, departures spaced at the rate the API was seen to accept, a spacing that relaxes as answers succeed.

/** How far back the accepted rate is measured, in ms: long enough to span a Retry-After pause and what followed it. */
export const RATE_WINDOW_MS = 2000;

/** Each success shortens the spacing by this share, so the pace feels its way back up towards a limit that rose. */
export const RELAX_SHARE = 1 / 32;

/** The shared state of a batch's pace. */
export interface Pace {
  /** The most requests in flight now: between 1 and `ceiling`, fractional while it climbs. */
  limit: number;
  /** The most requests in flight ever (the caller's `concurrency`). */
  ceiling: number;
  /** No request leaves before this time (ms since the epoch). */
  pausedUntil: number;
  /** The least time between two departures, in ms: 0 until a 429 is heard. */
  spacingMs: number;
  /** When the last request left (ms since the epoch). */
  lastDepartureAt: number;
  /** When the batch started, for a rate measured before a whole window has passed. */
  startedAt: number;
  /** When each success within the last window arrived, oldest first. */
  successes: readonly number[];
}

/** The pace at the start: one request in flight, climbing to `concurrency`; no pause, no spacing. */
export function initialPace(concurrency: number, nowMs: number): Pace {
  return {
    limit: 1,
    ceiling: concurrency,
    pausedUntil: 0,
    spacingMs: 0,
    lastDepartureAt: -Infinity,
    startedAt: nowMs,
    successes: [],
  };
}

/** Successes that arrived within the window ending at `nowMs`. */
function recent(successes: readonly number[], nowMs: number): number[] {
  return successes.filter((at) => at > nowMs - RATE_WINDOW_MS);
}

/** After a success at `nowMs`: one more in flight per round of successes, and the spacing a little shorter. */
export function afterSuccess(pace: Pace, nowMs: number): Pace {
  const spacingMs = pace.spacingMs * (1 - RELAX_SHARE);
  return {
    ...pace,
    limit: Math.min(pace.ceiling, pace.limit + 1 / Math.floor(pace.limit)),
    spacingMs: spacingMs < 1 ? 0 : spacingMs,
    successes: [...recent(pace.successes, nowMs), nowMs],
  };
}

/**
 * The spacing that matches the rate the API accepted over the last window: its successes over the time they
 * span (the whole window, or since the start when the batch is younger). With no success in it, the spacing
 * doubles (from a tenth of a second).
 */
export function acceptedSpacingMs(pace: Pace, nowMs: number): number {
  const accepted = recent(pace.successes, nowMs).length;
  if (accepted === 0) return Math.max(100, pace.spacingMs * 2);
  const spanMs = Math.min(RATE_WINDOW_MS, Math.max(1, nowMs - pace.startedAt));
  return spanMs / accepted;
}

/**
 * After a 429 heard at `nowMs`: nothing leaves before its Retry-After. The first 429 of an episode (one heard
 * while no pause runs) also halves the in-flight limit and spaces departures at the accepted rate; the others
 * of the same episode were already on their way when it came, and say nothing new about the rate.
 */
export function afterRateLimit(pace: Pace, retryAfterMs: number, nowMs: number): Pace {
  const pausedUntil = Math.max(pace.pausedUntil, nowMs + retryAfterMs);
  if (nowMs < pace.pausedUntil) return { ...pace, pausedUntil };
  return {
    ...pace,
    pausedUntil,
    limit: Math.max(1, Math.floor(pace.limit / 2)),
    spacingMs: Math.max(pace.spacingMs, acceptedSpacingMs(pace, nowMs)),
  };
}

/**
 * When one more request may leave, with `inFlight` already out: a time (ms since the epoch, maybe already
 * past), or undefined while the in-flight limit is full (an answer frees a place).
 */
export function nextStartAt(pace: Pace, inFlight: number): number | undefined {
  if (inFlight >= Math.floor(pace.limit)) return undefined;
  return Math.max(pace.pausedUntil, pace.lastDepartureAt + pace.spacingMs);
}

/** Whether one more request may leave at `nowMs`, with `inFlight` already out. */
export function mayStart(pace: Pace, inFlight: number, nowMs: number): boolean {
  const at = nextStartAt(pace, inFlight);
  return at !== undefined && nowMs >= at;
}

/** The pace once a request left at `nowMs`. */
export function afterDeparture(pace: Pace, nowMs: number): Pace {
  return { ...pace, lastDepartureAt: nowMs };
}

/** The wait after a 429 that gave no Retry-After: 1 s, doubling with each refusal of the same request, up to 30 s. */
export function fallbackWaitMs(refusals: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, refusals - 1));
}
