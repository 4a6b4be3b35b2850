// apply, plan, remove and secret against the emulator over loopback HTTP: converged, idempotent, renewed,
// pruned, safe for a person's username, and the store's failures handled as DESIGN.md promises.
import { getEventListeners } from "node:events";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTenants } from "../src/tenants/index.js";
import type { TenantSpec } from "../src/tenants/index.js";
import { invariantProblems, startWorld } from "./helpers/tenants-world.js";
import type { World } from "./helpers/tenants-world.js";

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  expect(world.violations).toEqual([]);
  await world.close();
});

const acme: TenantSpec = {
  serviceAccount: "t_acme",
  ducklings: { read_write: { instance_size: "standard" }, read_scaling: { instance_size: "pulse", flock_size: 2 } },
  tokens: {
    app: { token_type: "read_write", ttl: 30 * 86400 },
    dashboard: { token_type: "read_scaling" },
  },
};
const globex: TenantSpec = { serviceAccount: "t_globex", tokens: { app: { ttl: 3600 } } };

const tenantsOf = (w: World) => createTenants(w.md, { secrets: w.store, now: w.now });
const requestsSince = (start: number) => world.exchanges.slice(start);

describe("tenants apply", () => {
  it("converges: accounts, Ducklings, one live token per name with its secret stored under the same id", async () => {
    const report = await tenantsOf(world).apply([acme, globex]);
    expect(report.failed).toBe(0);
    expect(report.tenants.map((t) => [t.serviceAccount, t.outcome])).toEqual([
      ["t_acme", "created"],
      ["t_globex", "created"],
    ]);
    expect(await invariantProblems(world, [acme, globex])).toEqual([]);
    expect(await world.md.ducklings.get("t_acme")).toMatchObject({
      read_write: { instance_size: "standard" },
      read_scaling: { instance_size: "pulse", flock_size: 2 },
    });
    const app = await tenantsOf(world).secret("t_acme", "app");
    expect(app).toMatchObject({ name: "app", token_type: "read_write", expire_at: expect.any(String) });
    expect((await tenantsOf(world).secret("t_acme", "dashboard"))?.expire_at).toBeNull();
  });

  it("is idempotent: a second apply reports every tenant unchanged and sends only GETs", async () => {
    await tenantsOf(world).apply([acme, globex]);
    const start = world.exchanges.length;
    const report = await tenantsOf(world).apply([acme, globex]);
    expect(report.tenants.map((t) => t.outcome)).toEqual(["unchanged", "unchanged"]);
    const methods = new Set(requestsSince(start).map((e) => e.method));
    expect([...methods]).toEqual(["GET"]);
    // One paged scan of users per batch, not one call per tenant.
    expect(requestsSince(start).filter((e) => e.operationId === "users-list")).toHaveLength(1);
  });

  it("plans without writing, and plan after apply is empty", async () => {
    const tenants = tenantsOf(world);
    const plans = await tenants.plan([acme]);
    expect(plans[0]!.changes.map((c) => [c.kind, c.token])).toEqual([
      ["create-service-account", undefined],
      ["set-ducklings", undefined],
      ["mint-token", "app"],
      ["mint-token", "dashboard"],
    ]);
    expect(world.exchanges.every((e) => e.method === "GET")).toBe(true);
    await tenants.apply([acme]);
    expect((await tenants.plan([acme]))[0]!.changes).toEqual([]);
  });

  it("renews a token once less than renewBefore remains (default a third of its lifetime), and no sooner", async () => {
    const tenants = tenantsOf(world);
    await tenants.apply([globex]);
    const first = await tenants.secret("t_globex", "app");
    world.advance(2300); // 1300 s left of 3600: more than a third
    expect((await tenants.apply([globex])).tenants[0]!.outcome).toBe("unchanged");
    world.advance(200); // 1100 s left: less than a third
    const report = await tenants.apply([globex]);
    expect(report.tenants[0]!.changes).toEqual([
      expect.objectContaining({ kind: "replace-token", token: "app", reason: expect.stringContaining("expires in") }),
    ]);
    const second = await tenants.secret("t_globex", "app");
    expect(second!.id).not.toBe(first!.id);
    expect(await invariantProblems(world, [globex])).toEqual([]);
    // The old token was revoked: the emulator answers 401 to it.
    const { createMotherDuckClient } = await import("../src/index.js");
    const old = createMotherDuckClient({ baseUrl: world.emulator.url, token: first!.token, logger: {} });
    await expect(old.tokens.list("t_globex")).rejects.toMatchObject({ status: 401 });
  });

  it("replaces a token whose type, ttl or description differs from the spec", async () => {
    const tenants = tenantsOf(world);
    await tenants.apply([acme]);
    const changed: TenantSpec = {
      ...acme,
      tokens: {
        app: { token_type: "read_write", ttl: 86400 },
        dashboard: { token_type: "read_write", description: "for dashboards" },
      },
    };
    const report = await tenants.apply([changed]);
    expect(report.tenants[0]!.outcome).toBe("changed");
    expect(report.tenants[0]!.changes.map((c) => [c.kind, c.token, c.reason])).toEqual([
      ["replace-token", "app", expect.stringContaining("longer than the ttl")],
      ["replace-token", "dashboard", expect.stringContaining("type differs")],
    ]);
    expect(await invariantProblems(world, [changed])).toEqual([]);
    expect((await tenants.apply([changed])).tenants[0]!.outcome).toBe("unchanged");
  });

  it("replaces a token whose stored secret belongs to a dead token", async () => {
    const tenants = tenantsOf(world);
    await tenants.apply([globex]);
    world.advance(3601);
    const plan = await tenants.plan([globex]);
    expect(plan[0]!.changes).toEqual([
      expect.objectContaining({ kind: "replace-token", reason: expect.stringContaining("no longer live") }),
    ]);
    await tenants.apply([globex]);
    expect(await invariantProblems(world, [globex])).toEqual([]);
  });

  it("prunes a name the spec dropped (revoked, secret deleted) and never touches other token names", async () => {
    const tenants = tenantsOf(world);
    await tenants.apply([acme]);
    const manual = await world.md.tokens.create("t_acme", { name: "manual" });
    const dropped: TenantSpec = { ...acme, tokens: { app: acme.tokens!.app! } };
    const report = await tenants.apply([dropped]);
    expect(report.tenants[0]!.changes).toEqual([
      expect.objectContaining({ kind: "revoke-token", token: "dashboard", reason: "dropped from the spec" }),
    ]);
    expect(await tenants.secret("t_acme", "dashboard")).toBeUndefined();
    const names = (await world.md.tokens.list("t_acme")).map((t) => t.name).sort();
    expect(names).toEqual(["app", "manual"]);
    expect((await world.md.tokens.list("t_acme")).some((t) => t.id === manual.id)).toBe(true);
  });

  it("fails a person's username with an error naming it, mints nothing for it, and converges the rest", async () => {
    const start = world.exchanges.length;
    const report = await tenantsOf(world).apply([{ serviceAccount: "bob", tokens: { app: {} } }, globex]);
    expect(report.failed).toBe(1);
    expect(report.tenants[0]).toMatchObject({ serviceAccount: "bob", outcome: "failed", changes: [] });
    expect(report.tenants[0]!.error).toContain('"bob" is a person');
    expect(report.tenants[1]!.outcome).toBe("created");
    const touchedBob = requestsSince(start).filter((e) => e.pathParams.username === "bob");
    expect(touchedBob).toEqual([]);
  });

  it("revokes the new token when storing its secret fails, and the old one keeps working", async () => {
    const tenants = tenantsOf(world);
    await tenants.apply([globex]);
    const old = await world.store.get("t_globex/app");
    const failing = { ...world.store, set: () => Promise.reject(new Error("disk full")) };
    const rotated: TenantSpec = { serviceAccount: "t_globex", tokens: { app: { ttl: 1800 } } };
    const report = await createTenants(world.md, { secrets: failing, now: world.now }).apply([rotated]);
    expect(report.tenants[0]).toMatchObject({ outcome: "failed" });
    expect(report.tenants[0]!.error).toMatch(
      /storing the secret of token "app" failed \(disk full\); the new token was revoked/,
    );
    const live = await world.md.tokens.list("t_globex");
    expect(live.map((t) => t.id)).toEqual([old!.id]);
    expect(await world.store.get("t_globex/app")).toEqual(old);
  });

  it("does not stop the batch for one tenant's failure", async () => {
    const report = await tenantsOf(world).apply([
      { serviceAccount: "alice", tokens: { app: {} } },
      globex,
      { serviceAccount: "bob" },
    ]);
    expect(report.tenants.map((t) => t.outcome)).toEqual(["failed", "created", "failed"]);
    expect(report.failed).toBe(2);
  });

  it("removes an account and its stored secrets; one already gone is unchanged; a person is refused", async () => {
    const tenants = tenantsOf(world);
    await tenants.apply([globex]);
    const report = await tenants.remove(["t_globex", "t_never", "bob"]);
    expect(report.tenants.map((t) => [t.serviceAccount, t.outcome])).toEqual([
      ["t_globex", "removed"],
      ["t_never", "unchanged"],
      ["bob", "failed"],
    ]);
    expect(await world.store.keys("t_globex/")).toEqual([]);
    expect((await world.md.users.list()).map((u) => u.username)).toContain("bob");
    expect((await tenants.remove(["t_globex"])).tenants[0]!.outcome).toBe("unchanged");
  });

  it("reports progress after each tenant", async () => {
    const seen: string[] = [];
    await tenantsOf(world).apply([acme, globex], {
      onProgress: ({ tenant, done, total }) => seen.push(`${done}/${total} ${tenant.serviceAccount}`),
    });
    expect(seen.map((line) => line.split(" ")[0])).toEqual(["1/2", "2/2"]);
    expect(seen.map((line) => line.split(" ")[1]).sort()).toEqual(["t_acme", "t_globex"]);
  });

  it("keeps the new secret out of the report when a failing store quotes it", async () => {
    let given = "";
    const quoting = {
      ...world.store,
      set: (_key: string, value: { token: string }) => {
        given = value.token;
        return Promise.reject(new Error(`cannot write ${value.token}`));
      },
    };
    const report = await createTenants(world.md, { secrets: quoting, now: world.now }).apply([globex]);
    expect(given).not.toBe("");
    expect(JSON.stringify(report)).not.toContain(given);
    expect(report.tenants[0]!.error).toContain("cannot write [secret]");
  });

  it("finishes the batch when onProgress throws", async () => {
    const report = await tenantsOf(world).apply([acme, globex], {
      onProgress: () => {
        throw new Error("display gone");
      },
    });
    expect(report.tenants.map((t) => t.outcome)).toEqual(["created", "created"]);
  });

  it("rejects with the caller's reason when aborted, reporting nothing", async () => {
    const controller = new AbortController();
    const reason = new Error("stop now");
    const applying = tenantsOf(world).apply([acme, globex], {
      signal: controller.signal,
      onProgress: () => controller.abort(reason),
    });
    await expect(applying).rejects.toBe(reason);
  });

  it("shares the caller's signal among 32 requests in flight without Node's listener-leak warning, and lets go of it", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on("warning", onWarning);
    try {
      const controller = new AbortController();
      const many: TenantSpec[] = Array.from({ length: 40 }, (_, i) => ({
        serviceAccount: `t_many_${i}`,
        tokens: { app: { ttl: 3600 } },
      }));
      const report = await tenantsOf(world).apply(many, { signal: controller.signal, concurrency: 32 });
      expect(report.failed).toBe(0);
      await tenantsOf(world).plan(many, { signal: controller.signal, concurrency: 32 });
      // A warning is emitted on a later tick.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(warnings.filter((w) => w.startsWith("MaxListenersExceededWarning"))).toEqual([]);
      // Once the batch has ended, the caller's signal holds no listener of it.
      expect(getEventListeners(controller.signal, "abort")).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  });
});
