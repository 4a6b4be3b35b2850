// Where the embed-session cache keeps its sessions: the store's interface, and the in-memory store that is
// the default. A store shared by several servers (Redis, say) lets a fleet mint once per customer.

/** What a store keeps under a key: a session and when the cache stops serving it. */
export interface StoredEmbedSession {
  /** The embed session: a credential, so a store is secret storage. */
  readonly session: string;
  /** Ms since the epoch after which the cache mints a new session instead. */
  readonly refreshAt: number;
}

/**
 * Where createEmbedSessionCache keeps sessions. Both calls may be async. `get` answers what `set` was given under
 * the key, or nothing; a store that throws, rejects or answers anything else counts as a miss, and a `set`
 * that fails does not fail the page load. `ttlMs` is how long the value is worth keeping (the time left until
 * `refreshAt`): a store should drop it then. The key names no customer and holds no session.
 */
export interface SessionStore {
  get(key: string): unknown;
  set(key: string, value: StoredEmbedSession, ttlMs: number): unknown;
}

/**
 * The default store: a map in this process, cleared of expired entries as it is written, so it holds at most
 * one entry per distinct request of the last day.
 */
export function createMemorySessionStore(now: () => number): SessionStore {
  const entries = new Map<string, { value: StoredEmbedSession; expiresAt: number }>();
  const dropExpired = (at: number) => {
    for (const [key, entry] of entries) if (entry.expiresAt <= at) entries.delete(key);
  };
  return {
    get(key) {
      const entry = entries.get(key);
      if (entry && entry.expiresAt > now()) return entry.value;
      entries.delete(key);
      return undefined;
    },
    set(key, value, ttlMs) {
      const at = now();
      dropExpired(at);
      entries.set(key, { value, expiresAt: at + ttlMs });
    },
  };
}
