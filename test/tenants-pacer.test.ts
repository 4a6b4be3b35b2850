// The pacer hears a 429 the moment the client hands the answer over (`onResponse`), not when the call has
// settled: between the two, other answers may come back and free places, and no queued request may take one.
import { describe, expect, it } from "vitest";
import { RateLimitError } from "../src/index.js";
import type { CallOptions } from "../src/index.js";
import { createPacer } from "../src/tenants/pacer.js";

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function refusal(retryAfterMs: number): RateLimitError {
  const fields = { status: 429, code: "RATE_LIMITED", message: "429: slow down", issues: [], attempts: 1 };
  return new RateLimitError({ ...fields, requestId: undefined, hint: undefined, retryAfterMs });
}

describe("the tenants pacer", () => {
  it("holds every queued request from the moment a 429 is handed over, before its call settles", async () => {
    const pacer = createPacer(2, undefined);
    const t0 = performance.now();
    const departures: Array<[string, number]> = [];
    const answer = (options: CallOptions, status: number, retryAfterMs?: number) =>
      options.onResponse?.({ status, requestId: undefined, attempts: 1, ...(retryAfterMs && { retryAfterMs }) });
    const call = (name: string, work: (options: CallOptions, attempt: number) => Promise<void>) => {
      let attempt = 0;
      return pacer.run(async (options) => {
        departures.push([name, performance.now() - t0]);
        await work(options, attempt++);
      }, "GET");
    };
    // Successes first, so that two requests may be in flight: the refused one and the other; the rest queue.
    for (let i = 0; i < 6; i++) await call(`warm${i}`, async (options) => void answer(options, 200));
    let heardAt = Infinity;
    const refused = call("refused", async (options, attempt) => {
      await wait(5);
      if (attempt > 0) return void answer(options, 200);
      heardAt = performance.now() - t0;
      answer(options, 429, 600);
      // The client still has work to do before the call rejects; meanwhile another answer frees a place.
      await wait(80);
      throw refusal(600);
    });
    const other = call("other", async (options) => {
      await wait(30);
      answer(options, 200);
    });
    const queued = Array.from({ length: 3 }, (_, i) =>
      call(`queued${i}`, async (options) => void answer(options, 200)),
    );
    await Promise.all([refused, other, ...queued]);
    const early = departures.filter(([name, at]) => name.startsWith("queued") && at < heardAt + 600);
    expect(early).toEqual([]);
    expect(departures.filter(([name]) => name === "refused")).toHaveLength(2);
  });
});
