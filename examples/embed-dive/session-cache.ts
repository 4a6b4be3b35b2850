// One embed session per customer, minted on first use and minted again before it expires. Concurrent page
// loads for one customer wait on the same mint, so a burst of visitors costs one API call, not one each. A
// failed mint is not remembered: the next page load tries again.
import { EMBED_SESSION_LIFETIME_MS } from "../../src/index.js";

/** What the API's embed-session call returns: the session is a credential meant for one customer's browser. */
export interface MintedSession {
  readonly session: string;
}

/** A session from the cache, and the time (ms since the epoch, by the cache's clock) it stops being served. */
export interface CachedSession {
  readonly session: string;
  /** After this the cache mints a new one; until then the session has at least `refreshMarginMs` left to live. */
  readonly refreshAt: number;
}

export interface SessionCacheOptions<Customer> {
  /** Mints a session for a customer: the only call that reaches the API. */
  mint: (customer: Customer) => Promise<MintedSession>;
  /** The customer's key in the cache. */
  keyOf: (customer: Customer) => string;
  /** The clock, in ms since the epoch. Default Date.now; tests move it. */
  now?: () => number;
  /** How long a session works after it is minted. Default EMBED_SESSION_LIFETIME_MS (24 hours). */
  lifetimeMs?: number;
  /**
   * How long before expiry a session stops being served, default one hour: a page loaded just before the
   * refresh still shows a working Dive for at least this long.
   */
  refreshMarginMs?: number;
}

export interface SessionCache<Customer> {
  get(customer: Customer): Promise<CachedSession>;
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * When a session minted at `mintStartedAt` must be replaced. The lifetime is counted from when the mint
 * started, which is no later than when the API minted it, so the estimate errs on the safe side.
 */
export function refreshTime(mintStartedAt: number, lifetimeMs: number, refreshMarginMs: number): number {
  return mintStartedAt + lifetimeMs - refreshMarginMs;
}

export function createSessionCache<Customer>(options: SessionCacheOptions<Customer>): SessionCache<Customer> {
  const { mint, keyOf, now = Date.now, lifetimeMs = EMBED_SESSION_LIFETIME_MS, refreshMarginMs = HOUR_MS } = options;
  if (!(refreshMarginMs >= 0 && refreshMarginMs < lifetimeMs)) {
    throw new RangeError("refreshMarginMs must be at least 0 and less than lifetimeMs");
  }
  const ready = new Map<string, CachedSession>();
  const minting = new Map<string, Promise<CachedSession>>();

  function mintFor(key: string, customer: Customer): Promise<CachedSession> {
    const startedAt = now();
    const pending = (async () => {
      const { session } = await mint(customer);
      const cached = { session, refreshAt: refreshTime(startedAt, lifetimeMs, refreshMarginMs) };
      ready.set(key, cached);
      return cached;
    })();
    minting.set(key, pending);
    // Settles after the set above even when mint throws at once, so a failure never stays in the map.
    const forget = () => {
      if (minting.get(key) === pending) minting.delete(key);
    };
    pending.then(forget, forget);
    return pending;
  }

  return {
    get(customer) {
      const key = keyOf(customer);
      const cached = ready.get(key);
      if (cached && now() < cached.refreshAt) return Promise.resolve(cached);
      ready.delete(key);
      return minting.get(key) ?? mintFor(key, customer);
    },
  };
}
