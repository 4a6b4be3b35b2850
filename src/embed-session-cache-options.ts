// The session cache's options, read once and checked before the cache exists: an unknown name is refused with
// the nearest known one (a mistyped `store` would silently leave a fleet minting once per server).
import type { MotherDuckClient } from "./client.js";
import { EMBED_SESSION_LIFETIME_MS } from "./embed.js";
import type { SessionStore } from "./embed-session-store.js";
import { ValidationError } from "./errors.js";
import type { Issue } from "./errors.js";
import { checkTimeoutMs, unknownKeyIssues } from "./options.js";

/** Options of createEmbedSessionCache. */
export interface EmbedSessionCacheOptions {
  /** Where sessions are kept. Default: memory in this process. Share one (Redis, say) across a fleet. */
  store?: SessionStore;
  /**
   * How long one call to the store may take, in ms; default 1000. A `get` that takes longer is a miss (the
   * cache mints), a `set` that takes longer is abandoned (the session is served anyway): a store that hangs
   * slows a page load by at most this much, twice, and never stops it.
   */
  storeTimeoutMs?: number;
  /**
   * How long before its 24 hours end a session stops being served, default one hour: a page loaded just before
   * the refresh still shows a working Dive for at least this long. At least 0 and under 24 hours.
   */
  refreshMarginMs?: number;
  /** The clock, in ms since the epoch. Default Date.now; tests move it. */
  now?: () => number;
}

const KNOWN: ReadonlyArray<keyof EmbedSessionCacheOptions> = ["store", "storeTimeoutMs", "refreshMarginMs", "now"];
const HOUR_MS = 3_600_000; // a literal, so bundlers drop it when unused
export const DEFAULT_STORE_TIMEOUT_MS = 1000;

/** The options as the cache uses them: each read once, defaults filled in. */
export interface CacheSettings {
  store: SessionStore | undefined;
  storeTimeoutMs: number;
  refreshMarginMs: number;
  now: () => number;
}

function clientIssues(md: unknown): Issue[] {
  const client = md as Partial<MotherDuckClient> | null | undefined;
  return typeof client?.dives?.createEmbedSession === "function" && typeof client.raw?.GET === "function"
    ? []
    : [{ path: "md", message: "must be a client made by createMotherDuckClient" }];
}

function valueIssues(given: Partial<Record<keyof EmbedSessionCacheOptions, unknown>>): Issue[] {
  const { store, storeTimeoutMs, refreshMarginMs, now } = given;
  const storeLike = store as Partial<SessionStore> | null | undefined;
  const issues: Issue[] = [];
  if (store !== undefined && (typeof storeLike?.get !== "function" || typeof storeLike.set !== "function")) {
    issues.push({ path: "options.store", message: "must have get(key) and set(key, value, ttlMs)" });
  }
  issues.push(...checkTimeoutMs(storeTimeoutMs, "options.storeTimeoutMs"));
  if (
    refreshMarginMs !== undefined &&
    !(typeof refreshMarginMs === "number" && refreshMarginMs >= 0 && refreshMarginMs < EMBED_SESSION_LIFETIME_MS)
  ) {
    issues.push({ path: "options.refreshMarginMs", message: "must be a number of ms from 0 to under 24 hours" });
  }
  if (now !== undefined && typeof now !== "function") {
    issues.push({ path: "options.now", message: "must be a function returning ms since the epoch" });
  }
  return issues;
}

/**
 * The client and options checked, every problem listed in one ValidationError; each option is read once.
 *
 * @throws ValidationError when `md` is not a client, an option is unknown or a value is wrong
 */
export function readCacheSettings(md: unknown, options: unknown): CacheSettings {
  const issues = clientIssues(md);
  if (options === null || typeof options !== "object") {
    throw new ValidationError([
      ...issues,
      { path: "options", message: "must be an object, such as { store, refreshMarginMs }" },
    ]);
  }
  let given: Partial<Record<keyof EmbedSessionCacheOptions, unknown>>;
  try {
    const { store, storeTimeoutMs, refreshMarginMs, now } = options as Record<string, unknown>;
    given = { store, storeTimeoutMs, refreshMarginMs, now };
  } catch {
    throw new ValidationError([...issues, { path: "options", message: "could not be read: a getter in them threw" }]);
  }
  issues.push(...unknownKeyIssues(options, KNOWN, "options."), ...valueIssues(given));
  if (issues.length > 0) throw new ValidationError(issues);
  return {
    store: given.store as SessionStore | undefined,
    storeTimeoutMs: (given.storeTimeoutMs as number | undefined) ?? DEFAULT_STORE_TIMEOUT_MS,
    refreshMarginMs: (given.refreshMarginMs as number | undefined) ?? HOUR_MS,
    now: (given.now as (() => number) | undefined) ?? Date.now,
  };
}
