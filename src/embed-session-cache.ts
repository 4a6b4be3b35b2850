// One embed session per distinct request, shared by every page load that asks for it until shortly before it
// expires. Decisions (when to refresh, what a store's answer is worth) are small pure functions; the cache
// around them only looks up, mints and writes.
import type { MotherDuckClient } from "./client.js";
import { clientBaseUrl } from "./client-base-url.js";
import { EMBED_SESSION_LIFETIME_MS, embedUrl } from "./embed.js";
import { readCacheSettings } from "./embed-session-cache-options.js";
import type { EmbedSessionCacheOptions } from "./embed-session-cache-options.js";
import { embedSessionKey, embedSessionKeyMaterial } from "./embed-session-key.js";
import { createMemorySessionStore } from "./embed-session-store.js";
import type { StoredEmbedSession } from "./embed-session-store.js";
import { keep, lookUp } from "./embed-session-store-calls.js";
import { isUsableEmbedSession } from "./embed-session-usable.js";
import { ValidationError } from "./errors.js";
import { unreadable } from "./resources/call.js";
import type { CreateEmbedSessionBody } from "./types.js";
import { plain } from "./validation/plain.js";

export type { EmbedSessionCacheOptions } from "./embed-session-cache-options.js";
export type { SessionStore, StoredEmbedSession } from "./embed-session-store.js";

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
   * Both arguments are read once, at the call, into plain data: the key and the request sent are made from that
   * one copy, so a change to `body` after the call, or a getter that answers differently each time, changes
   * neither.
   *
   * @throws ValidationError when the Dive id or body is not a request that could be sent, or cannot be read
   *   (nothing is sent), or when the clock (`now`) answers anything but a finite number
   * @throws ResponseShapeError when the API minted a session no iframe can carry (it is not kept)
   * @throws whatever `md.dives.createEmbedSession` throws; a failed mint is not kept
   */
  get(diveId: string, body: CreateEmbedSessionBody): Promise<CachedEmbedSession>;
}

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
  let session: unknown, refreshAt: unknown;
  try {
    // Each field read once, into the copy that is judged and served: a getter or proxy trap that throws is a miss.
    ({ session, refreshAt } = answer as Partial<Record<keyof StoredEmbedSession, unknown>>);
  } catch {
    return undefined;
  }
  if (!isUsableEmbedSession(session) || typeof refreshAt !== "number") return undefined;
  if (!(refreshAt > now && refreshAt <= now + EMBED_SESSION_LIFETIME_MS)) return undefined;
  return { session, refreshAt };
}

/**
 * The arguments of a get, read once into plain data.
 *
 * @throws ValidationError when a getter or proxy in them throws, or they nest too deep (nothing is sent)
 */
function readRequest(diveId: unknown, body: unknown): { diveId: string; body: CreateEmbedSessionBody } {
  try {
    return { diveId: plain(diveId) as string, body: plain(body) as CreateEmbedSessionBody };
  } catch (error) {
    throw unreadable(error);
  }
}

/** The clock, refused when it answers anything but a finite number: a NaN would make every session stale or eternal. */
function checkedClock(now: () => number): () => number {
  return () => {
    let at: unknown;
    try {
      at = now();
    } catch {
      at = undefined;
    }
    if (typeof at !== "number" || !Number.isFinite(at)) {
      throw new ValidationError([
        { path: "options.now", message: "must return a finite number of ms since the epoch" },
      ]);
    }
    return at;
  };
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
  const { now, refreshMarginMs, storeTimeoutMs, ...given } = readCacheSettings(md, options);
  const clock = checkedClock(now);
  const store = given.store ?? createMemorySessionStore(clock);
  const inFlight = new Map<string, Promise<CachedEmbedSession>>();
  let baseUrl: Promise<string> | undefined;

  async function mint(key: string, diveId: string, body: CreateEmbedSessionBody): Promise<StoredEmbedSession> {
    const startedAt = clock();
    // The client refuses, as a ResponseShapeError, a session no iframe can carry: what it returns is usable.
    const { session } = await md.dives.createEmbedSession(diveId, body);
    const minted = { session, refreshAt: refreshTime(startedAt, refreshMarginMs) };
    const ttlMs = minted.refreshAt - clock();
    if (ttlMs > 0) await keep(store, key, minted, ttlMs, storeTimeoutMs);
    return minted;
  }

  async function fetchOrMint(key: string, diveId: string, body: CreateEmbedSessionBody) {
    const { found } = await lookUp(store, key, storeTimeoutMs, (answer) => servableStoredSession(answer, clock()));
    const { session, refreshAt } = found ?? (await mint(key, diveId, body));
    return { session, url: embedUrl(session), refreshAt };
  }

  return {
    async get(diveId, body) {
      // Everything this get uses is read here, before the first await: the arguments into one plain copy (the
      // key and the request both come from it), and the clock, so that a bad one fails before anything is sent.
      const request = readRequest(diveId, body);
      clock();
      // Read once; a failed read is not kept, like a failed mint.
      baseUrl ??= clientBaseUrl(md).catch((error: unknown) => {
        baseUrl = undefined;
        throw error;
      });
      const key = await embedSessionKey(embedSessionKeyMaterial(await baseUrl, request.diveId, request.body));
      const pending = inFlight.get(key);
      if (pending) return pending;
      const started = fetchOrMint(key, request.diveId, request.body);
      inFlight.set(key, started);
      const forget = () => {
        if (inFlight.get(key) === started) inFlight.delete(key);
      };
      started.then(forget, forget);
      return started;
    },
  };
}
