// A report lists every change actually made, also for a tenant that failed after it: a prune whose revoke
// went through before the store's delete threw, and a remove whose account was deleted before its secrets
// could be forgotten.
import { afterEach, describe, expect, it } from "vitest";
import { createTenants, memorySecretStore } from "../src/tenants/index.js";
import type { SecretStore, TenantSpec } from "../src/tenants/index.js";
import { isLive } from "../src/tenants/plan.js";
import { startWorld } from "./helpers/tenants-world.js";
import type { World } from "./helpers/tenants-world.js";

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** A store whose `delete` throws while `failing` is set. */
function storeWithFailingDelete(inner: SecretStore) {
  const state = { failing: false };
  const store: SecretStore = {
    get: (key) => inner.get(key),
    set: (key, value) => inner.set(key, value),
    keys: (prefix) => inner.keys(prefix),
    lock: (serviceAccount) => inner.lock!(serviceAccount),
    delete: (key) => (state.failing ? Promise.reject(new Error("the store is down")) : inner.delete(key)),
  };
  return { store, state };
}

describe("a tenant that fails after a change was made", () => {
  it("reports the revoke of a pruned token whose secret could not be deleted", async () => {
    const { store, state } = storeWithFailingDelete(memorySecretStore());
    world = await startWorld({ store });
    const tenants = createTenants(world.md, { secrets: store, now: world.now });
    const both: TenantSpec = { serviceAccount: "t_prune", tokens: { app: {}, old: {} } };
    expect((await tenants.apply([both])).failed).toBe(0);
    state.failing = true;
    const report = await tenants.apply([{ ...both, tokens: { app: {} } }]);
    const live = (await world.md.tokens.list("t_prune")).filter((t) => t.name === "old" && isLive(t, world!.now()));
    expect(live).toEqual([]);
    expect(report.tenants[0]).toMatchObject({
      outcome: "failed",
      changes: [{ kind: "revoke-token", serviceAccount: "t_prune", token: "old", reason: "dropped from the spec" }],
    });
    expect(report.tenants[0]!.error).toMatch(/the store is down/);
  });

  it("reports the deletion of an account whose secrets could not be forgotten", async () => {
    const { store, state } = storeWithFailingDelete(memorySecretStore());
    world = await startWorld({ store });
    const tenants = createTenants(world.md, { secrets: store, now: world.now });
    expect((await tenants.apply([{ serviceAccount: "t_gone", tokens: { app: {} } }])).failed).toBe(0);
    state.failing = true;
    const report = await tenants.remove(["t_gone"]);
    expect((await world.md.users.list()).some((u) => u.username === "t_gone")).toBe(false);
    expect(report.tenants[0]).toMatchObject({
      outcome: "failed",
      changes: [{ kind: "delete-service-account", serviceAccount: "t_gone" }],
    });
  });
});
