// Names as MotherDuck reads them: usernames compared without regard to case (duplicates, existence, persons,
// remove), every call made with the exact username the API knows, and token names that are also names of
// an object's prototype ("__proto__", "toString") treated like any other name.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ValidationError } from "../src/index.js";
import { createTenants } from "../src/tenants/index.js";
import type { TenantSpec } from "../src/tenants/index.js";
import { accountNamed, distinctUsernames, foldUsername } from "../src/tenants/usernames.js";
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

const tenantsOf = (w: World) => createTenants(w.md, { secrets: w.store, now: w.now });

describe("tenants usernames, whatever their case", () => {
  it("folds usernames, finds an account under any case, and keeps the first of each", () => {
    expect(foldUsername("T_Acme")).toBe(foldUsername("t_acme"));
    const accounts = new Map([["t_acme", { username: "t_acme", isServiceAccount: true }]]);
    expect(accountNamed(accounts, "T_ACME")?.username).toBe("t_acme");
    expect(accountNamed(accounts, "t_other")).toBeUndefined();
    expect(distinctUsernames(["t_a", "T_A", "t_b"])).toEqual(["t_a", "t_b"]);
  });

  it("refuses an account named twice in two cases, before anything is sent", async () => {
    const start = world.exchanges.length;
    const refused = await tenantsOf(world)
      .apply([{ serviceAccount: "t_case" }, { serviceAccount: "T_CASE" }])
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).message).toContain(
      '"T_CASE" (tenants[1]): serviceAccount names "T_CASE" again',
    );
    expect(world.exchanges.length).toBe(start);
  });

  it("refuses a person's username in another case, and touches nothing of theirs", async () => {
    const start = world.exchanges.length;
    const report = await tenantsOf(world).apply([{ serviceAccount: "Alice", tokens: { app: {} } }]);
    expect(report.tenants[0]).toMatchObject({ outcome: "failed", changes: [] });
    expect(report.tenants[0]!.error).toContain("is a person's username");
    expect(world.exchanges.slice(start).filter((e) => e.method !== "GET")).toEqual([]);
    const removed = await tenantsOf(world).remove(["ALICE"]);
    expect(removed.tenants[0]).toMatchObject({ outcome: "failed" });
    expect((await world.md.users.list()).map((u) => u.username)).toContain("alice");
  });

  it("converges an existing account named in another case, calling it by the username the API knows", async () => {
    const tenants = tenantsOf(world);
    await tenants.apply([{ serviceAccount: "t_case", tokens: { app: {} } }]);
    const start = world.exchanges.length;
    const upper: TenantSpec = { serviceAccount: "T_CASE", tokens: { app: {}, reader: {} } };
    const report = await tenants.apply([upper]);
    expect(report.failed).toBe(0);
    expect(report.tenants[0]).toMatchObject({ serviceAccount: "t_case", outcome: "changed" });
    const paths = world.exchanges
      .slice(start)
      .map((e) => e.pathParams.username)
      .filter(Boolean);
    expect(new Set(paths)).toEqual(new Set(["t_case"]));
    expect(await invariantProblems(world, [{ ...upper, serviceAccount: "t_case" }])).toEqual([]);
    expect((await tenants.apply([upper])).tenants[0]!.outcome).toBe("unchanged");
  });

  it("removes the account a username in another case names, and reports its exact username", async () => {
    const tenants = tenantsOf(world);
    await tenants.apply([{ serviceAccount: "t_k00", tokens: { app: {} } }]);
    const report = await tenants.remove(["T_K00"]);
    expect(report.tenants[0]).toMatchObject({ serviceAccount: "t_k00", outcome: "removed" });
    expect(report.tenants[0]!.changes).toEqual([
      { kind: "delete-service-account", serviceAccount: "t_k00", reason: "removed" },
    ]);
    expect((await world.md.users.list()).map((u) => u.username)).not.toContain("t_k00");
    expect(await world.store.keys("t_k00/")).toEqual([]);
  });
});

describe("tenants token names that an object's prototype also has", () => {
  it("prunes a token named __proto__ once the spec drops it", async () => {
    const tenants = tenantsOf(world);
    const withProto = JSON.parse('{"serviceAccount":"t_proto","tokens":{"__proto__":{},"app":{}}}') as TenantSpec;
    expect((await tenants.apply([withProto])).failed).toBe(0);
    expect((await world.md.tokens.list("t_proto")).map((t) => t.name).sort()).toEqual(["__proto__", "app"]);
    const dropped: TenantSpec = { serviceAccount: "t_proto", tokens: { app: {} } };
    const report = await tenants.apply([dropped]);
    expect(report.tenants[0]!.changes).toEqual([
      { kind: "revoke-token", serviceAccount: "t_proto", token: "__proto__", reason: "dropped from the spec" },
    ]);
    expect((await world.md.tokens.list("t_proto")).map((t) => t.name)).toEqual(["app"]);
    expect(await world.store.keys("t_proto/")).toEqual(["t_proto/app"]);
  });

  it("plans a new token named toString as absent", async () => {
    const tenants = tenantsOf(world);
    await tenants.apply([{ serviceAccount: "t_tostr", tokens: { app: {} } }]);
    const plan = await tenants.plan([{ serviceAccount: "t_tostr", tokens: { app: {}, toString: {} } }]);
    expect(plan[0]!.changes).toEqual([
      { kind: "mint-token", serviceAccount: "t_tostr", token: "toString", reason: "absent" },
    ]);
  });
});
