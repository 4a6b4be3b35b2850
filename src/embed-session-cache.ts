// One embed session per distinct request, shared by every page load that asks for it until shortly before it
// expires. Decisions (when to refresh, what a store's answer is worth) are small pure functions; the cache
// around them only looks up, mints and writes.
import type { MotherDuckClient } from "./client.js";
import { clientBaseUrl } from "./client-base-url.js";
import { EMBED_SESSION_LIFETIME_MS, embedUrl } from "./embed.js";
import { embedSessionKey, embedSessionKeyMaterial } from "./embed-session-key.js";
import { createMemorySessionStore } from "./embed-session-store.js";
import type { SessionStore, StoredEmbedSession } from "./embed-session-store.js";
import { isUsableEmbedSession } from "./embed-session-usable.js";
import { ResponseShapeError, ValidationError } from "./errors.js";
import type { Issue } from "./errors.js";
import type { CreateEmbedSessionBody } from "./types.js";

export type { SessionStore, StoredEmbedSession } from "./embed-session-store.js";

/** Options of createEmbedSessionCache. */
export interface EmbedSessionCacheOptions {
  /** Where sessions are kept. Default: memory in this process. Share one (Redis, say) across a fleet. */
  store?: SessionStore;
  /**
   * How long before its 24 hours end a session stops being served, default one hour: a page loaded just before
   * the refresh still shows a working Dive for at least this long. At least 0 and under 24 hours.
   */
  refreshMarginMs?: number;
  /** The clock, in ms since the epoch. Default Date.now; tests move it. */
  now?: () => number;
}

/** A session from the cache, ready for a page. */
export interface CachedEmbedSession {
  /** The embed session: a credential meant for one customer's browser. */
  readonly session: string;
  /** The iframe's src for it, as embedUrl makes it. */
  readonly url: string;
  /** Ms since the epoch (by the cache's clock) after which the cache mints a new one: reload the page by then. */
  readonly refreshAt: number;
}

/** What createEmbedSessionCache returns. */
export interface EmbedSessionCache {
  /**
   * The session for this Dive and body (the body of `md.dives.createEmbedSession`): from the store when it holds
   * one still worth serving, otherwise minted (concurrent calls for one request share one mint) and stored.
   *
   * @throws ValidationError when the Dive id or body is not a request that could be sent (nothing is sent)
   * @throws ResponseShapeError when the API minted a session no iframe can carry (it is not kept)
   * @throws whatever `md.dives.createEmbedSession` throws; a failed mint is not kept
   */
  get(diveId: string, body: CreateEmbedSessionBody): Promise<CachedEmbedSession>;
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * When a session whose mint started at `mintStartedAt` stops being served. Counting from the start, which is
 * no later than the moment the API minted it, errs on the safe side.
 */
export function refreshTime(mintStartedAt: number, refreshMarginMs: number): number {
  return mintStartedAt + EMBED_SESSION_LIFETIME_MS - refreshMarginMs;
}

/**
 * What a store answered, if it is a session worth serving now: anything else (garbage, a session no iframe
 * can carry, one past its refresh or claiming more than a session's lifetime) is a miss.
 */
export function servableStoredSession(answer: unknown, now: number): StoredEmbedSession | undefined {
  if (answer === null || typeof answer !== "object") return undefined;
  const { session, refreshAt } = answer as Partial<Record<keyof StoredEmbedSession, unknown>>;
  if (!isUsableEmbedSession(session) || typeof refreshAt !== "number") return undefined;
  if (!(refreshAt > now && refreshAt <= now + EMBED_SESSION_LIFETIME_MS)) return undefined;
  return { session, refreshAt };
}

function optionIssues(md: unknown, options: unknown): Issue[] {
  const issues: Issue[] = [];
  const client = md as Partial<MotherDuckClient> | null | undefined;
  if (typeof client?.dives?.createEmbedSession !== "function" || typeof client.raw?.GET !== "function") {
    issues.push({ path: "md", message: "must be a client made by createMotherDuckClient" });
  }
  if (options === null || typeof options !== "object") {
    return [...issues, { path: "options", message: "must be an object, such as { store, refreshMarginMs }" }];
  }
  const { store, refreshMarginMs, now } = options as Record<string, unknown>;
  const storeLike = store as Partial<SessionStore> | null | undefined;
  if (store !== undefined && (typeof storeLike?.get !== "function" || typeof storeLike.set !== "function")) {
    issues.push({ path: "options.store", message: "must have get(key) and set(key, value, ttlMs)" });
  }
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

/** A store's answer, or undefined when it threw, rejected or hung up: a store that fails is a miss. */
async function lookUp(store: SessionStore, key: string): Promise<unknown> {
  try {
    return await store.get(key);
  } catch {
    return undefined;
  }
}

/** Writes without failing: the session was minted and is served either way; the next load mints again. */
async function keep(store: SessionStore, key: string, value: StoredEmbedSession, ttlMs: number): Promise<void> {
  try {
    await store.set(key, value, ttlMs);
  } catch {
    // Nothing to do: a store that cannot write is a store that misses.
  }
}

/**
 * A cache of embed sessions: one per distinct request (Dive, username, session name, version, resources,
 * initial state, and the API's base URL), minted on first use and again `refreshMarginMs` before its 24 hours
 * end. Concurrent gets of one request share one mint; a failed mint, or one whose session no iframe can carry,
 * is never kept. Keep one cache per process, and give it a shared `store` to let a fleet mint once per customer.
 *
 * @throws ValidationError when `md` is not a client or an option is invalid
 */
export function createEmbedSessionCache(
  md: MotherDuckClient,
  options: EmbedSessionCacheOptions = {},
): EmbedSessionCache {
  const issues = optionIssues(md, options);
  if (issues.length > 0) throw new ValidationError(issues);
  const { now = Date.now, refreshMarginMs = HOUR_MS } = options;
  const store = options.store ?? createMemorySessionStore(now);
  const inFlight = new Map<string, Promise<CachedEmbedSession>>();
  let baseUrl: Promise<string> | undefined;

  async function mint(key: string, diveId: string, body: CreateEmbedSessionBody): Promise<StoredEmbedSession> {
    const startedAt = now();
    const { session } = await md.dives.createEmbedSession(diveId, body);
    if (!isUsableEmbedSession(session)) {
      throw new ResponseShapeError([
        { path: "response.session", message: "cannot be carried by an iframe (white space or control characters)" },
      ]);
    }
    const minted = { session, refreshAt: refreshTime(startedAt, refreshMarginMs) };
    const ttlMs = minted.refreshAt - now();
    if (ttlMs > 0) await keep(store, key, minted, ttlMs);
    return minted;
  }

  async function fetchOrMint(key: string, diveId: string, body: CreateEmbedSessionBody) {
    const found = servableStoredSession(await lookUp(store, key), now());
    const { session, refreshAt } = found ?? (await mint(key, diveId, body));
    return { session, url: embedUrl(session), refreshAt };
  }

  return {
    async get(diveId, body) {
      // Read once; a failed read is not kept, like a failed mint.
      baseUrl ??= clientBaseUrl(md).catch((error: unknown) => {
        baseUrl = undefined;
        throw error;
      });
      const key = await embedSessionKey(embedSessionKeyMaterial(await baseUrl, diveId, body));
      const pending = inFlight.get(key);
      if (pending) return pending;
      const started = fetchOrMint(key, diveId, body);
      inFlight.set(key, started);
      const forget = () => {
        if (inFlight.get(key) === started) inFlight.delete(key);
      };
      started.then(forget, forget);
      return started;
    },
  };
}
