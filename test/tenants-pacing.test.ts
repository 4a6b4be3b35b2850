// The batch's one pace: against the emulator's rate limit, at any concurrency, no tenant fails, at most one
// request in four is refused, nothing leaves after a 429 arrived and before its Retry-After ran out, and never
// more than `concurrency` are in flight. The pace's decisions are pure, and tested as such; RateLimitError
// carries the Retry-After the pacer obeys.
import { describe, expect, it } from "vitest";
import { createMotherDuckClient, RateLimitError } from "../src/index.js";
import { createTenants } from "../src/tenants/index.js";
import type { TenantSpec } from "../src/tenants/index.js";
import {
  acceptedSpacingMs,
  afterDeparture,
  afterRateLimit,
  afterSuccess,
  initialPace,
  mayStart,
  nextStartAt,
} from "../src/tenants/pace.js";
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
      const answer = await fetch(input, init);
      // The whole answer is read here, so the moment recorded is when the client holds all of it.
      const { status, statusText, headers } = answer;
      const response = new Response(status === 204 ? null : await answer.arrayBuffer(), {
        status,
        statusText,
        headers,
      });
      if (status === 429) {
        refusals.push({ at: performance.now(), retryAfterMs: Number(headers.get("retry-after")) * 1000 });
      }
      return response;
    } finally {
      inFlight--;
    }
  }) as typeof fetch;
  return { fetch: recording, departures, refusals, maxInFlight: () => maxInFlight };
}

/** Requests that left after a 429 had fully arrived and before its Retry-After had run out. */
function sentInsideRetryAfter(recorder: ReturnType<typeof recordingFetch>): number[] {
  return recorder.refusals.flatMap(({ at, retryAfterMs }) =>
    recorder.departures.filter((sent) => sent > at && sent < at + retryAfterMs),
  );
}

/** `count` new tenants, each a service account with a read/write token and a read-scaling one (whose mint checks S5 first). */
function tenantsNamed(prefix: string, count: number): TenantSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    serviceAccount: `${prefix}_${i}`,
    tokens: { app: { ttl: 86400 }, dashboard: { token_type: "read_scaling" } },
  }));
}

/** Applies `specs` at `concurrency` against an emulator that accepts `perSecond`, recording every request. */
async function applyAtTheLimit(specs: TenantSpec[], concurrency: number, perSecond: number) {
  const recorder = recordingFetch();
  const world = await startWorld({ emulator: { rateLimit: { perSecond } } });
  try {
    const md = createMotherDuckClient({
      baseUrl: world.emulator.url,
      token: world.emulator.adminToken,
      logger: {},
      fetch: recorder.fetch,
    });
    const report = await createTenants(md, { secrets: world.store, now: world.now }).apply(specs, { concurrency });
    return { report, recorder, problems: await invariantProblems(world, specs) };
  } finally {
    await world.close();
  }
}

describe("tenants pacing", () => {
  // A bucket of 10 a second, and a batch well past its burst: 13 tenants of 4 requests each, about 5 s.
  for (const concurrency of [1, 8, 32]) {
    it(
      `at concurrency ${concurrency} against 10 requests a second: no failed tenant, ≤ 1/4 refused, none sent inside a Retry-After`,
      { timeout: 60_000 },
      async () => {
        const specs = tenantsNamed(`t_c${concurrency}`, 13);
        const { report, recorder, problems } = await applyAtTheLimit(specs, concurrency, 10);
        expect(report.failed).toBe(0);
        expect(recorder.refusals.length).toBeGreaterThan(0); // the limit was met
        expect(recorder.refusals.length / recorder.departures.length).toBeLessThanOrEqual(0.25);
        expect(recorder.maxInFlight()).toBeLessThanOrEqual(concurrency);
        expect(sentInsideRetryAfter(recorder)).toEqual([]);
        expect(problems).toEqual([]);
      },
    );
  }

  it("climbs from one request in flight, halves once per 429 episode, holds all until its Retry-After", () => {
    let pace = initialPace(8, 0);
    expect(mayStart(pace, 0, 0)).toBe(true);
    expect(mayStart(pace, 1, 0)).toBe(false);
    for (let i = 0; i < 100; i++) pace = afterSuccess(pace, i);
    expect(pace.limit).toBe(8);
    expect(mayStart(pace, 7, 100)).toBe(true);
    expect(mayStart(pace, 8, 100)).toBe(false);
    pace = afterRateLimit(pace, 1000, 5000);
    expect(pace.limit).toBe(4);
    expect(mayStart(pace, 0, 5999)).toBe(false);
    expect(mayStart(pace, 0, 6000)).toBe(true);
    // The other 429s of the same episode, heard during the pause, neither halve again nor shorten the pause.
    pace = afterRateLimit(afterRateLimit(pace, 1000, 5010), 500, 5020);
    expect(pace.limit).toBe(4);
    expect(pace.pausedUntil).toBe(6010);
    expect(afterRateLimit(pace, 1000, 7000).limit).toBe(2);
  });

  it("spaces departures at the rate the API accepted, and relaxes the spacing as answers succeed", () => {
    let pace = initialPace(32, 0);
    // 20 successes in the 2 s before a 429: 10 a second were accepted, so one departure per 100 ms.
    for (let i = 0; i < 20; i++) pace = afterSuccess(pace, 1000 + i * 50);
    expect(acceptedSpacingMs(pace, 2000)).toBe(100);
    pace = afterRateLimit(pace, 1000, 2000);
    expect(pace.spacingMs).toBe(100);
    expect(nextStartAt(pace, 0)).toBe(3000);
    pace = afterDeparture(pace, 3000);
    expect(mayStart(pace, 0, 3099)).toBe(false);
    expect(mayStart(pace, 0, 3100)).toBe(true);
    // A young batch measures over its own age; a window with no success doubles the spacing.
    let young = initialPace(8, 0);
    for (let i = 0; i < 10; i++) young = afterSuccess(young, 10 * i);
    expect(acceptedSpacingMs(young, 500)).toBe(50);
    expect(acceptedSpacingMs(young, 10_000)).toBe(100);
    for (let i = 0; i < 200; i++) pace = afterSuccess(pace, 4000 + i);
    expect(pace.spacingMs).toBe(0);
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
      const few = tenantsNamed("t_paced", 10);
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
