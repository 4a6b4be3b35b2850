// A SessionStore in Redis, so that every server of a fleet finds the session another one minted. What it keeps
// are credentials: the Redis it talks to must be reachable by your servers only, never by your customers.
import { createClient } from "redis";
import type { SessionStore } from "../../src/index.js";

/** Every key this store writes starts with this, so the sessions are easy to find, watch and flush. */
export const REDIS_KEY_PREFIX = "motherduck-embed:";
/** How long one Redis command may take before the page load gives up on the store and mints instead. */
const COMMAND_TIMEOUT_MS = 1_000;
const CONNECT_TIMEOUT_MS = 2_000;
const MAX_RECONNECT_DELAY_MS = 5_000;

export interface RedisSessionStore extends SessionStore {
  close(): Promise<void>;
}

/** Where a Redis URL points, without the password it may carry: what a message may show. */
export function redisAddress(url: string): string {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port || "6379"}`;
}

/**
 * Connects to Redis, or rejects when it cannot at start. Once connected, an outage makes each command fail at
 * once (no queue waits for Redis to come back), which the session cache takes as a miss: pages go on working by
 * minting. `log` hears of an outage once, and of the recovery once.
 */
export async function connectRedisStore(url: string, log: (line: string) => void): Promise<RedisSessionStore> {
  let connected = false;
  let down = false;
  const client = createClient({
    url,
    disableOfflineQueue: true,
    commandOptions: { timeout: COMMAND_TIMEOUT_MS },
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      // Before the first connection, give up (so start-up fails with a clear error); after it, keep trying.
      reconnectStrategy: (retries, cause) => (connected ? Math.min(100 * 2 ** retries, MAX_RECONNECT_DELAY_MS) : cause),
    },
  });
  // Without a listener, an `error` event would end the process; the message is not logged, as it may quote the URL.
  client.on("error", () => {
    if (!connected || down) return;
    down = true;
    log(`Redis at ${redisAddress(url)} is unavailable: pages are served by minting until it is back`);
  });
  client.on("ready", () => {
    if (down) log(`Redis at ${redisAddress(url)} is back: sessions are shared again`);
    down = false;
  });
  await client.connect();
  connected = true;
  return {
    async get(key) {
      const text = await client.get(REDIS_KEY_PREFIX + key);
      return text === null ? undefined : JSON.parse(text);
    },
    async set(key, value, ttlMs) {
      // PX: Redis drops the entry when the cache would stop serving it anyway.
      await client.set(REDIS_KEY_PREFIX + key, JSON.stringify(value), {
        expiration: { type: "PX", value: Math.ceil(ttlMs) },
      });
    },
    async close() {
      client.destroy();
    },
  };
}
