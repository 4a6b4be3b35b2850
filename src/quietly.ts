// Calling the caller's own callbacks (a logger, onResponse) so that they can never change the call they
// describe: a throw, or a promise that rejects, is swallowed.

/** Calls `callback` with `args`; whatever it throws or rejects with is dropped. */
export function callQuietly<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): void {
  try {
    const result = callback(...args);
    if (typeof (result as { then?: unknown } | null)?.then === "function") {
      (result as PromiseLike<unknown>).then(undefined, () => undefined);
    }
  } catch {
    // What a callback does with its own failure is its own affair; the call goes on as if it had returned.
  }
}
