// Calls to a session store, each bounded in time and unable to fail: a store is an optimisation, so one that
// throws, rejects, hangs or answers garbage costs a mint, never a page.
import type { SessionStore, StoredEmbedSession } from "./embed-session-store.js";

const TIMED_OUT = Symbol("timed out");

/** What `call` settles to within `ms`, or TIMED_OUT; a throw or rejection is passed on. The timer never outlives it. */
async function within<T>(ms: number, call: () => T): Promise<Awaited<T> | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    // `call` runs inside the async chain, so a synchronous throw is a rejection like any other.
    return await Promise.race([Promise.resolve().then(call), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The store's answer for `key`, or undefined when it threw, rejected or took longer than `timeoutMs`. */
export async function lookUp(store: SessionStore, key: string, timeoutMs: number): Promise<unknown> {
  try {
    const answer = await within(timeoutMs, () => store.get(key));
    return answer === TIMED_OUT ? undefined : answer;
  } catch {
    return undefined;
  }
}

/**
 * Writes, waiting at most `timeoutMs`, without failing: the session was minted and is served either way, and a
 * write that is still running is left to finish or fail on its own (its rejection is handled).
 */
export async function keep(
  store: SessionStore,
  key: string,
  value: StoredEmbedSession,
  ttlMs: number,
  timeoutMs: number,
): Promise<void> {
  try {
    await within(timeoutMs, () => store.set(key, value, ttlMs));
  } catch {
    // Nothing to do: a store that cannot write is a store that misses.
  }
}
