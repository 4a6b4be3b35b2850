// The small version of `npm run soak`: 100 creates through random 429s, each resolving exactly once.
import { describe, expect, it } from "vitest";
import { runSoak, summary } from "../scripts/soak.js";

describe("soak, small", () => {
  it("100 concurrent creates through random 429s: each resolves once, list shows exactly them", async () => {
    const result = await runSoak({ creates: 100, concurrency: 20, sequential: 200, rateLimitRate: 0.2, seed: 7 });
    expect(result).toMatchObject({ resolved: 100, rejected: 0, listed: 100, duplicates: 0, missing: 0, unexpected: 0 });
    // the proxy really did get in the way, so the retries were exercised
    expect(result.injected429s).toBeGreaterThan(10);
    expect(summary(result)).toMatch(/^soak: 100\/100 creates resolved once/);
  });
});
