// Calling the caller's own callbacks (a logger, onResponse) so that they can never change the call they
// describe: a throw, or a promise that rejects, is swallowed.

/** Calls `callback` with `args`; whatever it throws or rejects with is dropped. */
export function callQuietly<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): void {
  try {
    // A returned promise (or any thenable) is settled here, so its rejection is swallowed too.
    Promise.resolve(callback(...args)).catch(() => undefined);
  } catch {
    // What a callback does with its own failure is its own affair; the call goes on as if it had returned.
  }
}
