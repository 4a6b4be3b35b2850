// One pacer per batch: every request of the batch goes through it. It keeps the pace (pace.ts), queues
// what may not leave yet, and retries a request refused with 429 itself, after the Retry-After.
import { RateLimitError } from "../index.js";
import type { CallOptions } from "../index.js";
import { afterRateLimit, afterSuccess, fallbackWaitMs, initialPace, mayStart } from "./pace.js";

/** A request refused this many times with 429 fails after all: the API is not letting the batch through. */
export const MAX_RATE_LIMITED_ATTEMPTS = 30;

/** Runs calls at the batch's pace. `run` hands each call the options to pass to the client. */
export interface Pacer {
  run<T>(call: (options: CallOptions) => Promise<T>): Promise<T>;
}

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
}

/**
 * A pacer of at most `concurrency` requests in flight. Each call goes out with the batch's `signal` and
 * `maxRetries: 0`: a 429 comes back to the pacer, which slows the whole batch and sends the call again once
 * the Retry-After has passed, ahead of calls not yet sent. Other failures are the call's own.
 */
export function createPacer(concurrency: number, signal: AbortSignal | undefined, now: () => number = Date.now): Pacer {
  let pace = initialPace(concurrency);
  let inFlight = 0;
  const queue: Waiter[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  function pump(): void {
    if (!queue.length && timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    while (queue.length && mayStart(pace, inFlight, now())) {
      inFlight++;
      queue.shift()!.resolve();
    }
    if (queue.length && !timer && now() < pace.pausedUntil) {
      timer = setTimeout(() => {
        timer = undefined;
        pump();
      }, pace.pausedUntil - now());
    }
  }

  /** Waits for a slot; a retry waits at the front of the queue. */
  function acquire(retry: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const waiter: Waiter = {
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        reject,
      };
      const onAbort = () => {
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
        reject(signal!.reason);
        pump();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      if (retry) queue.unshift(waiter);
      else queue.push(waiter);
      pump();
    });
  }

  function release(): void {
    inFlight--;
    pump();
  }

  return {
    async run(call) {
      for (let refusals = 0; ;) {
        await acquire(refusals > 0);
        try {
          const result = await call({ ...(signal && { signal }), maxRetries: 0 });
          pace = afterSuccess(pace);
          return result;
        } catch (error) {
          if (!(error instanceof RateLimitError) || ++refusals >= MAX_RATE_LIMITED_ATTEMPTS) throw error;
          pace = afterRateLimit(pace, error.retryAfterMs ?? fallbackWaitMs(refusals), now());
        } finally {
          release();
        }
      }
    },
  };
}
