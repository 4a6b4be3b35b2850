// Calls to a session store, each bounded in time and unable to fail: a store is an optimisation, so one that
// throws, rejects, hangs or answers garbage costs a mint, never a page.
import type { SessionStore, StoredEmbedSession } from "./embed-session-store.js";

const TIMED_OUT = Symbol("timed out");

/**
 * What `call` gives, settled within `ms`, boxed (an answer is never adopted as a promise after it was judged not
 * one), or TIMED_OUT; a throw or rejection is passed on. An answer that is not a promise costs no timer, so the
 * in-memory store stays as fast as a map; the timer of one that is never outlives it.
 */
async function within(ms: number, call: () => unknown): Promise<{ value: unknown } | typeof TIMED_OUT> {
  const answer = call();
  if (!isThenable(answer)) return { value: answer };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    // The race handles a rejection that comes after the timeout, so it is never unhandled.
    const settled = await Promise.race([Promise.resolve(answer).then((value) => ({ value })), timeout]);
    return settled;
  } finally {
    clearTimeout(timer);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/**
 * The store's answer for `key` as `judge` makes it, or undefined when the store threw, rejected or took longer
 * than `timeoutMs`, or `judge` found nothing worth serving.
 */
export async function lookUp<T>(
  store: SessionStore,
  key: string,
  timeoutMs: number,
  judge: (answer: unknown) => T | undefined,
): Promise<{ found: T | undefined }> {
  try {
    const answer = await within(timeoutMs, () => store.get(key));
    return { found: answer === TIMED_OUT ? undefined : judge(answer.value) };
  } catch {
    return { found: undefined };
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
