// A rate limit like a real API's: a token bucket per organization of the bearer. Whether a request passes,
// and how long a refused one should wait, are pure functions of the bucket and the time.

/** `startEmulator({ rateLimit })`: requests per second per organization, and how many may come at once. */
export interface RateLimitOptions {
  /** Requests per second each organization may make, on average. */
  perSecond: number;
  /** How many may come at once after a quiet spell. Default `perSecond`. */
  burst?: number;
}

/** A bucket: how many requests it holds now (fractional while it refills), as of `atMs`. */
export interface Bucket {
  tokens: number;
  atMs: number;
}

/** The outcome of one request: it passes, or it is refused with the whole seconds after which it would pass. */
export type Admission =
  { bucket: Bucket; retryAfterSeconds?: undefined } | { bucket: Bucket; retryAfterSeconds: number };

/** A bucket refilled to `nowMs`, at `perSecond`, never above `burst`. */
export function refilled(bucket: Bucket, nowMs: number, perSecond: number, burst: number): Bucket {
  const elapsed = Math.max(0, nowMs - bucket.atMs) / 1000;
  return { tokens: Math.min(burst, bucket.tokens + elapsed * perSecond), atMs: Math.max(nowMs, bucket.atMs) };
}

/**
 * One request against `bucket`: it passes and takes one token, or it is refused, taking nothing, with the
 * whole seconds (at least 1) after which the bucket will hold a token for it.
 */
export function admit(bucket: Bucket, nowMs: number, perSecond: number, burst: number): Admission {
  const current = refilled(bucket, nowMs, perSecond, burst);
  if (current.tokens >= 1) return { bucket: { ...current, tokens: current.tokens - 1 } };
  const waitSeconds = (1 - current.tokens) / perSecond;
  return { bucket: current, retryAfterSeconds: Math.max(1, Math.ceil(waitSeconds)) };
}

/** Past this many buckets, the full ones are forgotten, so that random bearers cannot grow the map without end. */
const MAX_BUCKETS = 10_000;

function refuse(name: string, value: unknown): never {
  throw new RangeError(`startEmulator: rateLimit.${name} must be a number ≥ 1 (requests), got ${String(value)}`);
}

/** Checks `rateLimit` and fills in the burst; throws a RangeError naming the bad option. */
export function planRateLimit(options: RateLimitOptions): Required<RateLimitOptions> {
  if (typeof options !== "object" || options === null)
    throw new RangeError("startEmulator: rateLimit must be an object");
  for (const name of Object.keys(options)) {
    if (name !== "perSecond" && name !== "burst") {
      throw new RangeError(`startEmulator: rateLimit.${name} is not an option; known: perSecond, burst`);
    }
  }
  const { perSecond, burst = perSecond } = options;
  if (typeof perSecond !== "number" || !Number.isFinite(perSecond) || perSecond <= 0) {
    throw new RangeError(`startEmulator: rateLimit.perSecond must be a number > 0, got ${String(perSecond)}`);
  }
  if (typeof burst !== "number" || !Number.isFinite(burst) || burst < 1) refuse("burst", burst);
  return { perSecond, burst };
}

/**
 * The limiter of a running emulator: for each request's bucket key, undefined when it passes, or the
 * Retry-After seconds when it is refused. Undefined options: no limit.
 */
export function createRateLimiter(
  options: RateLimitOptions | undefined,
  now: () => number = () => performance.timeOrigin + performance.now(),
): ((key: string) => number | undefined) | undefined {
  if (options === undefined) return undefined;
  const { perSecond, burst } = planRateLimit(options);
  const buckets = new Map<string, Bucket>();
  return (key) => {
    const nowMs = now();
    const admission = admit(buckets.get(key) ?? { tokens: burst, atMs: nowMs }, nowMs, perSecond, burst);
    buckets.set(key, admission.bucket);
    // Every unknown bearer has a bucket of its own: a full one is the same as none, so they are let go.
    if (buckets.size > MAX_BUCKETS) {
      for (const [other, bucket] of buckets) {
        if (refilled(bucket, nowMs, perSecond, burst).tokens >= burst) buckets.delete(other);
      }
    }
    return admission.retryAfterSeconds;
  };
}
