// The plan as a pure function of the spec, what was observed and the time: no server needed.
import { describe, expect, it } from "vitest";
import { planTenant, renewalReason } from "../src/tenants/plan.js";
import type { Observation } from "../src/tenants/plan.js";
import type { StoredSecret } from "../src/tenants/index.js";
import type { TokenInfo } from "../src/index.js";

const NOW = Date.parse("2026-06-01T00:00:00Z");
const iso = (offsetSeconds: number) => new Date(NOW + offsetSeconds * 1000).toISOString();

function token(id: string, name: string, fields: Partial<TokenInfo> = {}): TokenInfo {
  return { id, name, created_ts: iso(-60), read_only: false, token_type: "read_write", ...fields };
}
function stored(id: string, name: string, fields: Partial<StoredSecret> = {}): StoredSecret {
  return { id, name, token: "s", token_type: "read_write", expire_at: null, created_ts: iso(-60), ...fields };
}
const seen = (fields: Partial<Observation>): Observation => ({
  account: "service-account",
  tokens: [],
  stored: {},
  ...fields,
});
const kinds = (plan: ReturnType<typeof planTenant>) =>
  plan.steps.map((step) => [step.kind, step.token, step.revokeIds ?? []]);

describe("planTenant", () => {
  it("creates an absent account, then mints each token", () => {
    const plan = planTenant({ serviceAccount: "t", tokens: { app: {} } }, seen({ account: "absent" }), NOW);
    expect(kinds(plan)).toEqual([
      ["create-service-account", undefined, []],
      ["mint-token", "app", []],
    ]);
  });

  it("plans nothing for a person's username and carries an error naming it", () => {
    const plan = planTenant({ serviceAccount: "bob", tokens: { app: {} } }, seen({ account: "person" }), NOW);
    expect(plan).toEqual({ serviceAccount: "bob", steps: [], error: expect.stringContaining('"bob" is a person') });
  });

  it("leaves a held token alone, and revokes another live one of its name whose secret nobody stored", () => {
    const tokens = [token("a", "app"), token("b", "app"), token("c", "other")];
    const plan = planTenant(
      { serviceAccount: "t", tokens: { app: {} } },
      seen({ tokens, stored: { app: stored("a", "app") } }),
      NOW,
    );
    expect(kinds(plan)).toEqual([["revoke-token", "app", ["b"]]]);
  });

  it("replaces when no live token's secret is stored, revoking every live one of that name", () => {
    const tokens = [token("a", "app"), token("b", "app")];
    const plan = planTenant(
      { serviceAccount: "t", tokens: { app: {} } },
      seen({ tokens, stored: { app: stored("x", "app") } }),
      NOW,
    );
    expect(kinds(plan)).toEqual([["replace-token", "app", ["a", "b"]]]);
    expect(plan.steps[0]!.reason).toContain("no longer live");
  });

  it("ignores expired tokens: they are neither held nor revoked", () => {
    const tokens = [token("a", "app", { expire_at: iso(-1), created_ts: iso(-3600) })];
    const plan = planTenant({ serviceAccount: "t", tokens: { app: { ttl: 3600 } } }, seen({ tokens, stored: {} }), NOW);
    expect(kinds(plan)).toEqual([["mint-token", "app", []]]);
  });

  it("prunes a stored name the spec dropped: its live tokens revoked and its secret forgotten", () => {
    const tokens = [token("a", "old"), token("m", "manual")];
    const plan = planTenant({ serviceAccount: "t" }, seen({ tokens, stored: { old: stored("a", "old") } }), NOW);
    expect(plan.steps).toEqual([
      expect.objectContaining({ kind: "revoke-token", token: "old", revokeIds: ["a"], forgetSecret: true }),
    ]);
  });

  it("sets Ducklings only when a field the spec gives differs (a cooldown left out is not compared)", () => {
    const ducklings = {
      read_write: { instance_size: "standard", cooldown_seconds: 300 },
      read_scaling: { instance_size: "pulse", flock_size: 1 },
    } as Observation["ducklings"];
    const same = planTenant(
      { serviceAccount: "t", ducklings: { read_write: { instance_size: "standard" } } },
      seen({ ducklings }),
      NOW,
    );
    expect(same.steps).toEqual([]);
    const bigger = planTenant(
      { serviceAccount: "t", ducklings: { read_scaling: { flock_size: 2 } } },
      seen({ ducklings }),
      NOW,
    );
    expect(bigger.steps).toEqual([
      expect.objectContaining({
        kind: "set-ducklings",
        config: {
          read_write: { instance_size: "standard", cooldown_seconds: 300 },
          read_scaling: { instance_size: "pulse", flock_size: 2 },
        },
      }),
    ]);
  });
});

describe("renewalReason", () => {
  const lived = (lifetime: number, left: number, fields: Partial<TokenInfo> = {}) =>
    token("a", "app", { created_ts: iso(left - lifetime), expire_at: iso(left), ...fields });

  it("renews once less than a third of the lifetime is left, or less than renewBefore", () => {
    expect(renewalReason(lived(3000, 1001), { ttl: 3000 }, NOW)).toBeUndefined();
    expect(renewalReason(lived(3000, 999), { ttl: 3000 }, NOW)).toContain("expires in");
    expect(renewalReason(lived(3000, 999), { ttl: 3000, renewBefore: 600 }, NOW)).toBeUndefined();
    expect(renewalReason(lived(3000, 599), { ttl: 3000, renewBefore: 600 }, NOW)).toContain("expires in");
  });

  it("renews for a type, a ttl or a description that differs from the spec", () => {
    expect(renewalReason(token("a", "app"), { token_type: "read_scaling" }, NOW)).toContain("type differs");
    expect(renewalReason(token("a", "app"), { ttl: 3600 }, NOW)).toContain("never expires");
    expect(renewalReason(lived(7200, 7000), { ttl: 3600 }, NOW)).toContain("longer than the ttl");
    expect(renewalReason(lived(3600, 3500), { ttl: 3600 }, NOW)).toBeUndefined();
    expect(renewalReason(lived(3600, 3500), {}, NOW)).toContain("spec gives no ttl");
    expect(renewalReason(token("a", "app", { description: "x" }), { description: "y" }, NOW)).toBe(
      "description differs",
    );
    expect(renewalReason(token("a", "app", { description: "x" }), {}, NOW)).toBeUndefined();
  });
});

describe("planTenant for a new account's Ducklings", () => {
  it("writes a spec that states both halves as it is, and merges a partial one into the API's default", () => {
    const both = planTenant(
      {
        serviceAccount: "t",
        ducklings: { read_write: { instance_size: "jumbo" }, read_scaling: { instance_size: "pulse", flock_size: 3 } },
      },
      seen({ account: "absent" }),
      NOW,
    );
    expect(both.steps[1]).toMatchObject({
      kind: "set-ducklings",
      config: { read_write: { instance_size: "jumbo" }, read_scaling: { instance_size: "pulse", flock_size: 3 } },
    });
    const half = planTenant(
      { serviceAccount: "t", ducklings: { read_write: { instance_size: "jumbo" } } },
      seen({ account: "absent" }),
      NOW,
    );
    expect(half.steps[1]).toMatchObject({
      kind: "set-ducklings",
      ducklings: { read_write: { instance_size: "jumbo" } },
    });
    expect(half.steps[1]!.config).toBeUndefined();
  });
});
