// The batch's one pace: against the emulator's rate limit, no tenant fails, at most one request in four is
// refused, nothing leaves before a Retry-After heard, and never more than `concurrency` are in flight. The
// pace's decisions are pure, and tested as such; RateLimitError carries the Retry-After the pacer obeys.
import { describe, expect, it } from "vitest";
import { createMotherDuckClient, RateLimitError } from "../src/index.js";
import { createTenants } from "../src/tenants/index.js";
import type { TenantSpec } from "../src/tenants/index.js";
import { afterRateLimit, afterSuccess, initialPace, mayStart } from "../src/tenants/pace.js";
import { invariantProblems, startWorld } from "./helpers/tenants-world.js";

/** A fetch that records when each request leaves, when each 429 comes back and with what Retry-After. */
function recordingFetch() {
  const departures: number[] = [];
  const refusals: { at: number; retryAfterMs: number }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const recording = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    departures.push(performance.now());
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    try {
      const response = await fetch(input, init);
      if (response.status === 429) {
        refusals.push({ at: performance.now(), retryAfterMs: Number(response.headers.get("retry-after")) * 1000 });
      }
      return response;
    } finally {
      inFlight--;
    }
  }) as typeof fetch;
  return { fetch: recording, departures, refusals, maxInFlight: () => maxInFlight };
}

/** How long a 429 may take, on a busy machine, from its arrival to the pacer reading it (a Retry-After is ≥ 1 s). */
const SETTLE_MS = 250;

const specs: TenantSpec[] = Array.from({ length: 40 }, (_, i) => ({
  serviceAccount: `t_paced_${i}`,
  tokens: { app: { ttl: 86400 }, reader: {} },
}));

describe("tenants pacing", () => {
  it(
    "finishes a batch at the rate limit with no failed tenant, ≤ 1/4 refused, none sent before a Retry-After",
    { timeout: 60_000 },
    async () => {
      const recorder = recordingFetch();
      const world = await startWorld({ emulator: { rateLimit: { perSecond: 30 } } });
      try {
        const md = createMotherDuckClient({
          baseUrl: world.emulator.url,
          token: world.emulator.adminToken,
          logger: {},
          fetch: recorder.fetch,
        });
        const report = await createTenants(md, { secrets: world.store, now: world.now }).apply(specs);
        expect(report.failed).toBe(0);
        expect(recorder.refusals.length).toBeGreaterThan(0); // the limit was met
        expect(recorder.refusals.length / recorder.departures.length).toBeLessThanOrEqual(0.25);
        expect(recorder.maxInFlight()).toBeLessThanOrEqual(8);
        // A request may already be on its way, or freed by an answer, while a 429 is being read; past that, none may leave.
        const early = recorder.refusals.flatMap(({ at, retryAfterMs }) =>
          recorder.departures.filter((sent) => sent > at + SETTLE_MS && sent < at + retryAfterMs),
        );
        expect(early).toEqual([]);
        expect(await invariantProblems(world, specs)).toEqual([]);
      } finally {
        await world.close();
      }
    },
  );

  it("halves the in-flight limit on a 429, holds every request until its Retry-After, and climbs back", () => {
    let pace = initialPace(8);
    expect(mayStart(pace, 7, 0)).toBe(true);
    expect(mayStart(pace, 8, 0)).toBe(false);
    pace = afterRateLimit(pace, 1000, 5000);
    expect(pace.limit).toBe(4);
    expect(mayStart(pace, 0, 5999)).toBe(false);
    expect(mayStart(pace, 0, 6000)).toBe(true);
    expect(mayStart(pace, 4, 6000)).toBe(false);
    pace = afterRateLimit(afterRateLimit(afterRateLimit(pace, 1000, 5000), 1000, 5000), 500, 5000);
    expect(pace.limit).toBe(1);
    expect(pace.pausedUntil).toBe(6000); // a shorter Retry-After heard later never shortens the pause
    for (let i = 0; i < 100; i++) pace = afterSuccess(pace);
    expect(pace.limit).toBe(8);
  });

  it("gives a RateLimitError the Retry-After of its answer, in milliseconds", async () => {
    const world = await startWorld({ emulator: { rateLimit: { perSecond: 0.5, burst: 1 } } });
    try {
      await world.md.users.list();
      const refused = await world.md.users.list({}, { maxRetries: 0 }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(RateLimitError);
      expect((refused as RateLimitError).retryAfterMs).toBe(2000);
    } finally {
      await world.close();
    }
  });

  it("sends a read again after a gateway error, so a passing 503 fails no tenant", { timeout: 60_000 }, async () => {
    // Seeded faults and one request at a time: the same requests meet the same 503s on every run.
    const world = await startWorld({ emulator: { faults: { rate503: 0.3, seed: 7 } } });
    try {
      const tenants = createTenants(world.md, { secrets: world.store, now: world.now });
      const few = specs.slice(0, 10);
      // A create that meets a 503 is not sent again (it may have been done): a re-run finishes the batch.
      let report = await tenants.apply(few, { concurrency: 1 });
      for (let run = 0; run < 10 && report.failed; run++) report = await tenants.apply(few, { concurrency: 1 });
      expect(report.failed).toBe(0);
      const start = world.exchanges.length;
      const reads = await tenants.apply(few, { concurrency: 1 });
      expect(reads.tenants.filter((t) => t.outcome !== "unchanged")).toEqual([]);
      const answered = world.exchanges.slice(start);
      expect(answered.some((e) => e.status === 503)).toBe(true);
      expect(new Set(answered.map((e) => e.method))).toEqual(new Set(["GET"]));
    } finally {
      await world.close();
    }
  });
});
