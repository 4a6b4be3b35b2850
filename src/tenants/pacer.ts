// One pacer per batch: every request of the batch goes through it. It keeps the pace (pace.ts), queues
// what may not leave yet, and retries a request refused with 429 itself, after the Retry-After. It reads
// each answer as the client hands it over (`onResponse`), so a 429 holds the queue before anything else runs.
import { ApiError, ConnectionError, RateLimitError, TimeoutError } from "../index.js";
import { sleep } from "../transport/abort.js";
import { backoffMs, isIdempotent, shouldRetryStatus } from "../transport/retry.js";
import type { CallOptions, ResponseInfo } from "../index.js";
import { afterDeparture, afterRateLimit, afterSuccess, fallbackWaitMs, initialPace, nextStartAt } from "./pace.js";

/** A request refused this many times with 429 fails after all: the API is not letting the batch through. */
export const MAX_RATE_LIMITED_ATTEMPTS = 30;

/** How many times in all a call that failed for a passing reason (a gateway error, a reset) is sent. */
export const MAX_TRANSIENT_ATTEMPTS = 5;

/**
 * Runs calls at the batch's pace. `run` hands each call the options to pass to the client; `method` is the
 * call's HTTP method, which decides, as the client's own rules do, whether a passing failure is sent again.
 */
export interface Pacer {
  run<T>(call: (options: CallOptions) => Promise<T>, method?: string): Promise<T>;
}

/** Whether a failure may pass and the call may be sent again: the client's own rules, by method. */
function isTransient(error: unknown, method: string): boolean {
  if (error instanceof RateLimitError) return false;
  if (error instanceof ApiError) return shouldRetryStatus(method, error.status);
  return (error instanceof ConnectionError || error instanceof TimeoutError) && isIdempotent(method);
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
  let pace = initialPace(concurrency, now());
  let inFlight = 0;
  const queue: Waiter[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timerAt = Infinity;

  function pump(): void {
    for (;;) {
      const at = queue.length ? nextStartAt(pace, inFlight) : undefined;
      if (at === undefined || at > now()) {
        wakeAt(at);
        return;
      }
      inFlight++;
      pace = afterDeparture(pace, now());
      queue.shift()!.resolve();
    }
  }

  /** Keeps one timer, for the earliest time a queued request may leave (none while only an answer can free a place). */
  function wakeAt(at: number | undefined): void {
    if (timer && at === timerAt) return;
    if (timer) clearTimeout(timer);
    timer = undefined;
    timerAt = Infinity;
    if (at === undefined) return;
    timerAt = at;
    timer = setTimeout(() => {
      timer = undefined;
      timerAt = Infinity;
      pump();
    }, at - now());
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

  /**
   * Reads an answer the moment the client has it, before the call settles: a 429 pauses the batch there and
   * then (a hidden request of a call, like the readiness check of `tokens.create`, included).
   */
  function heard(answer: ResponseInfo, refusals: number): void {
    if (answer.status === 429) {
      // One millisecond more: the clock counts whole milliseconds, and a pause must never end short.
      const waitMs = (answer.retryAfterMs ?? fallbackWaitMs(refusals + 1)) + 1;
      pace = afterRateLimit(pace, waitMs, now());
    } else if (answer.status < 400) pace = afterSuccess(pace, now());
  }

  return {
    async run(call, method = "POST") {
      for (let refusals = 0, failures = 0; ;) {
        await acquire(refusals > 0);
        let waitMs = 0;
        try {
          const onResponse = (answer: ResponseInfo) => heard(answer, refusals);
          return await call({ ...(signal && { signal }), maxRetries: 0, onResponse });
        } catch (error) {
          if (signal?.aborted) throw error;
          if (error instanceof RateLimitError && ++refusals < MAX_RATE_LIMITED_ATTEMPTS) {
            // The pace heard this 429 already; the call goes again, first in line, once the pause is over.
          } else if (isTransient(error, method) && ++failures < MAX_TRANSIENT_ATTEMPTS) {
            // This call's own trouble: it waits alone, without slowing the batch.
            waitMs = backoffMs(failures, Math.random());
          } else throw error;
        } finally {
          release();
        }
        if (waitMs) await sleep(waitMs, signal);
      }
    },
  };
}
