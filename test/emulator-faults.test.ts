// startEmulator({ faults }): seeded shares of 429s and 503s, and delays, over real HTTP on loopback, so
// that users can test their own retry code. A faulted request changes nothing.
import { describe, expect, it } from "vitest";
import { InternalServerError, RateLimitError, createMotherDuckClient } from "../src/index.js";
import { startEmulator } from "../src/emulator/index.js";
import type { Emulator, EmulatorOptions, Exchange, FaultOptions } from "../src/emulator/index.js";
import { decideFault, planFaults, seededRandom } from "../src/emulator/faults.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Runs `body` against an emulator started with `faults`, recording every exchange; always closes it. */
async function withEmulator(
  faults: FaultOptions,
  body: (emulator: Emulator, exchanges: Exchange[]) => Promise<void>,
  options: EmulatorOptions = {},
): Promise<void> {
  const exchanges: Exchange[] = [];
  const emulator = await startEmulator({ ...options, faults, onExchange: (e) => exchanges.push(e) });
  try {
    await body(emulator, exchanges);
  } finally {
    await emulator.close();
  }
}

const client = (emulator: Emulator, maxRetries: number) =>
  createMotherDuckClient({ baseUrl: emulator.url, token: emulator.adminToken, maxRetries, logger: {} });
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const json = { "content-type": "application/json" };

describe("the faults option is checked", () => {
  it.each<[string, unknown, RegExp]>([
    ["a share above 1", { rate429: 2 }, /faults\.rate429 must be a number from 0 to 1, got 2/],
    ["a negative share", { rate503: -0.1 }, /faults\.rate503/],
    ["a share that is not a number", { rate429: "0.5" }, /faults\.rate429.*got "0\.5"/],
    ["shares that add up past 1", { rate429: 0.6, rate503: 0.6 }, /rate429 \+ faults\.rate503 must be at most 1/],
    ["a negative delay", { delayMs: -5 }, /faults\.delayMs must be a number of milliseconds/],
    ["an infinite delay", { delayMs: Infinity }, /faults\.delayMs/],
    ["a range upside down", { delayMs: [200, 100] }, /faults\.delayMs must be a \[min, max\] pair with min ≤ max/],
    ["a range of three", { delayMs: [1, 2, 3] }, /faults\.delayMs must be a number or a \[min, max\] pair/],
    ["a fractional Retry-After", { rate429: 1, retryAfterSeconds: 1.5 }, /faults\.retryAfterSeconds/],
    ["a seed that is not an integer", { seed: 0.5 }, /faults\.seed must be an integer/],
    ["an unknown option", { rate_429: 0.5 }, /faults\.rate_429 must be one of rate429/],
  ])("refuses %s with a RangeError, before anything listens", async (_, faults, message) => {
    const started = startEmulator({ faults: faults as FaultOptions });
    await expect(started).rejects.toThrow(RangeError);
    await expect(started).rejects.toThrow(message);
  });
});

describe("the decision is a pure function of the draws", () => {
  const plan = planFaults({ rate429: 0.2, rate503: 0.3, delayMs: [100, 200], delayRate: 0.5, retryAfterSeconds: 4 });

  it("maps each draw to its fault", () => {
    expect(decideFault(plan, [0.1, 0.9, 0])).toEqual({ status: 429, delayMs: 0, retryAfterSeconds: 4 });
    expect(decideFault(plan, [0.3, 0.2, 0.5])).toEqual({ status: 503, delayMs: 150, retryAfterSeconds: 4 });
    expect(decideFault(plan, [0.6, 0.4, 1])).toEqual({ status: undefined, delayMs: 200, retryAfterSeconds: 4 });
    expect(decideFault(planFaults({}), [0, 0, 0])).toEqual({ status: undefined, delayMs: 0, retryAfterSeconds: 1 });
  });

  it("draws the same sequence from the same seed, and about the asked share over many requests", () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 2000 }, () => decideFault(plan, [random(), random(), random()]).status);
    };
    const statuses = draw(7);
    expect(draw(7)).toEqual(statuses);
    expect(draw(8)).not.toEqual(statuses);
    const share = (status: number) => statuses.filter((s) => s === status).length / statuses.length;
    expect(share(429)).toBeGreaterThan(0.15);
    expect(share(429)).toBeLessThan(0.25);
    expect(share(503)).toBeGreaterThan(0.25);
    expect(share(503)).toBeLessThan(0.35);
  });
});

describe("faulted answers", () => {
  it("with rate429: 1, every call gets 429 with Retry-After in the spec's error shape, and the client gives up", async () => {
    await withEmulator({ rate429: 1, retryAfterSeconds: 3 }, async (emulator, exchanges) => {
      const answers = [
        await fetch(`${emulator.url}/v1/users/alice/tokens`, {
          method: "POST",
          headers: { ...bearer(emulator.adminToken), ...json },
          body: JSON.stringify({ name: "never" }),
        }),
        await fetch(`${emulator.url}/v1/users/alice/tokens`, { headers: bearer(emulator.adminToken) }),
        await fetch(`${emulator.url}/v1/users/alice/tokens`),
        await fetch(`${emulator.url}/v1/nowhere`),
      ];
      for (const answer of answers) {
        expect(answer.status).toBe(429);
        expect(answer.headers.get("retry-after")).toBe("3");
        expect(answer.headers.get("x-request-id")).toMatch(UUID);
        expect(await answer.json()).toEqual({
          code: "TOO_MANY_REQUESTS",
          message: expect.stringContaining("Too Many Requests"),
          issues: [],
        });
      }
      expect(exchanges.map((e) => e.operationId)).toEqual([
        "users-createToken",
        "users-listTokens",
        "users-listTokens",
        undefined,
      ]);
      const error = await failure(client(emulator, 0).tokens.create("alice", { name: "never" }));
      expect(error).toBeInstanceOf(RateLimitError);
      expect((error as RateLimitError).requestId).toBe(exchanges.at(-1)!.requestId);
    });
  });

  it.each([
    ["429", { rate429: 0.5, retryAfterSeconds: 0, seed: 11 }],
    ["503", { rate503: 0.5, seed: 12 }],
  ])(
    "a faulted %s token creation mints nothing: the tokens listed are exactly those answered 200",
    async (_, faults) => {
      await withEmulator(faults, async (emulator) => {
        const minted: string[] = [];
        const faulted: string[] = [];
        for (let i = 0; i < 16; i++) {
          const name = `n${i}`;
          const answer = await fetch(`${emulator.url}/v1/users/alice/tokens`, {
            method: "POST",
            headers: { ...bearer(emulator.adminToken), ...json },
            body: JSON.stringify({ name }),
          });
          await answer.arrayBuffer();
          (answer.status === 200 ? minted : faulted).push(name);
        }
        expect(minted.length).toBeGreaterThan(0);
        expect(faulted.length).toBeGreaterThan(0);
        // A list is idempotent: the client retries its faults, 503 included.
        const listed = await client(emulator, 10).tokens.list("alice");
        expect(listed.map((t) => t.name).filter((n) => n !== "seed")).toEqual(minted);
      });
    },
  );

  it("with a seeded share, the client's retries recover, and the server saw each retry", async () => {
    await withEmulator({ rate429: 0.3, retryAfterSeconds: 0, seed: 42 }, async (emulator, exchanges) => {
      const md = client(emulator, 5);
      const calls = 15;
      for (let i = 0; i < calls; i++) await md.tokens.create("alice", { name: `retried${i}` });
      const rateLimited = exchanges.filter((e) => e.status === 429).length;
      expect(rateLimited).toBeGreaterThan(0);
      expect(exchanges.filter((e) => e.status === 200)).toHaveLength(calls);
      expect(exchanges).toHaveLength(calls + rateLimited);
      expect(new Set(exchanges.map((e) => e.requestId)).size).toBe(exchanges.length);
    });
  });

  it("a 503 to a POST is not retried by the client, since a gateway error may hide a success", async () => {
    await withEmulator({ rate503: 1 }, async (emulator, exchanges) => {
      const error = await failure(client(emulator, 3).tokens.create("alice", { name: "once" }));
      expect(error).toBeInstanceOf(InternalServerError);
      expect((error as InternalServerError).status).toBe(503);
      expect(exchanges).toHaveLength(1);
    });
  });
});

describe("delays", () => {
  it("holds each request back by at least delayMs, or a draw from the [min, max] range", async () => {
    for (const [delayMs, atLeast] of [
      [120, 120],
      [[60, 90], 60],
    ] as const) {
      await withEmulator({ delayMs, seed: 3 }, async (emulator) => {
        for (let i = 0; i < 3; i++) {
          const started = performance.now();
          const answer = await fetch(`${emulator.url}/v1/users/alice/tokens`, { headers: bearer(emulator.adminToken) });
          await answer.arrayBuffer();
          expect(answer.status).toBe(200);
          // Timers may fire up to a millisecond early by the clock they are measured with.
          expect(performance.now() - started).toBeGreaterThanOrEqual(atLeast - 1);
        }
      });
    }
  });

  it("close() drops a request that is still being held back, without waiting for it", async () => {
    const emulator = await startEmulator({ faults: { delayMs: 60_000 } });
    const pending = failure(fetch(`${emulator.url}/v1/users/alice/tokens`, { headers: bearer(emulator.adminToken) }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await emulator.close();
    expect(await pending).toBeInstanceOf(Error);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
