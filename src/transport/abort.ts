// Waiting that an AbortSignal ends at once: a retry wait, and a promise from a fetch that may ignore its
// signal. Signals are read through `aborted` and `reason` alone, so a signal-like object works too.

/** Throws the signal's reason when it is aborted, as `fetch` would reject. */
export function throwIfAborted(signal: AbortSignal | null | undefined): void {
  if (signal?.aborted) throw signal.reason;
}

/** Waits `ms`, or rejects with the signal's reason as soon as it is aborted, already or later. */
export function sleep(ms: number, signal: AbortSignal | null | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The promise's outcome, or the signal's reason as soon as it is aborted, whichever comes first. */
export function untilAborted<T>(promise: T | Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    // The promise is given up on, but it may still reject (a fetch told of the abort): that is no one's error.
    Promise.resolve(promise).catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    Promise.resolve(promise).then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
