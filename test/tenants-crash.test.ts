// Crash safety, proven by cutting apply short at every request of a small batch (the caller's abort, before
// the request leaves and after its answer is in) and at every call of the secret store, then re-running it:
// the re-run converges, with exactly one live token per managed name, its secret stored under the same id,
// no stored secret of a dead token, and no live token left of a pruned name.
import { describe, expect, it } from "vitest";
import { createMotherDuckClient } from "../src/index.js";
import { createTenants } from "../src/tenants/index.js";
import type { SecretStore, TenantSpec } from "../src/tenants/index.js";
import { isLive } from "../src/tenants/plan.js";
import { invariantProblems, startWorld } from "./helpers/tenants-world.js";
import type { World } from "./helpers/tenants-world.js";

const before: TenantSpec[] = [
  { serviceAccount: "t_acme", tokens: { app: { ttl: 3600 }, old: {} } },
  { serviceAccount: "t_initech", tokens: { app: {} } },
];
// Every kind of step: a replace (ttl), a prune (old), a mint (extra), a new account with Ducklings, a revoke.
const after: TenantSpec[] = [
  { serviceAccount: "t_acme", tokens: { app: { ttl: 1800 }, extra: { token_type: "read_write" } } },
  {
    serviceAccount: "t_globex",
    ducklings: { read_write: { instance_size: "jumbo" } },
    tokens: { app: { ttl: 7200 }, reader: { token_type: "read_write", description: "dashboards" } },
  },
  { serviceAccount: "t_initech", tokens: { app: { description: "now described" } } },
];
const pruned = [["t_acme", "old"]] as const;

/** A fetch that counts requests and aborts the batch at the k-th: before it leaves, or once its answer is in. */
function cuttingFetch(
  k: number,
  controller: AbortController,
  when: "before" | "after",
): typeof fetch & { count: () => number } {
  let n = 0;
  const cutting = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    n++;
    if (n === k && when === "before") controller.abort(new Error(`cut before request ${k}`));
    const response = await fetch(input, init);
    if (n === k && when === "after") controller.abort(new Error(`cut after request ${k}`));
    return response;
  }) as typeof fetch & { count: () => number };
  cutting.count = () => n;
  return cutting;
}

/** A client of the world's emulator whose requests go through `fetch`. */
function clientThrough(world: World, fetch: typeof globalThis.fetch) {
  return createMotherDuckClient({ baseUrl: world.emulator.url, token: world.emulator.adminToken, logger: {}, fetch });
}

/** A store that fails its k-th call (of any kind), once. */
function storeFailingAt(k: number, inner: SecretStore): SecretStore & { count: () => number } {
  let n = 0;
  const fail = <T>(call: () => Promise<T>) =>
    ++n === k ? Promise.reject(new Error(`store fails at call ${k}`)) : call();
  return {
    get: (key) => fail(() => inner.get(key)),
    set: (key, value) => fail(() => inner.set(key, value)),
    delete: (key) => fail(() => inner.delete(key)),
    keys: (prefix) => fail(() => inner.keys(prefix)),
    count: () => n,
  };
}

async function prepared(): Promise<World> {
  const world = await startWorld();
  const report = await createTenants(world.md, { secrets: world.store, now: world.now }).apply(before);
  expect(report.failed).toBe(0);
  return world;
}

/** Re-runs the batch whole and checks every invariant; returns the problems found. */
async function rerunProblems(world: World): Promise<string[]> {
  const report = await createTenants(world.md, { secrets: world.store, now: world.now }).apply(after);
  const problems = report.tenants.filter((t) => t.outcome === "failed").map((t) => `${t.serviceAccount}: ${t.error}`);
  problems.push(...(await invariantProblems(world, after)));
  for (const [sa, name] of pruned) {
    const live = (await world.md.tokens.list(sa)).filter((t) => t.name === name && isLive(t, world.now()));
    if (live.length) problems.push(`${sa}/${name}: ${live.length} live tokens of a pruned name`);
    if (await world.store.get(`${sa}/${name}`)) problems.push(`${sa}/${name}: pruned secret still stored`);
  }
  const again = await createTenants(world.md, { secrets: world.store, now: world.now }).apply(after);
  if (again.tenants.some((t) => t.outcome !== "unchanged")) problems.push("a third apply still changed something");
  return problems;
}

async function countRequests(): Promise<number> {
  const world = await prepared();
  try {
    const counting = cuttingFetch(0, new AbortController(), "before");
    const md = clientThrough(world, counting);
    expect((await createTenants(md, { secrets: world.store, now: world.now }).apply(after)).failed).toBe(0);
    return counting.count();
  } finally {
    await world.close();
  }
}

describe("tenants crash safety", () => {
  it(
    "converges after apply is aborted at every request index, before it leaves or after its answer",
    { timeout: 120_000 },
    async () => {
      const total = await countRequests();
      expect(total).toBeGreaterThan(10);
      const failures: string[] = [];
      for (const when of ["before", "after"] as const) {
        for (let k = 1; k <= total; k++) {
          const world = await prepared();
          try {
            const controller = new AbortController();
            const md = clientThrough(world, cuttingFetch(k, controller, when));
            const outcome = await createTenants(md, { secrets: world.store, now: world.now })
              .apply(after, { signal: controller.signal, concurrency: 2 })
              .then(
                (report) => (report.failed ? `a tenant failed: ${JSON.stringify(report.tenants)}` : "done"),
                (error: Error) => error.message,
              );
            // The abort is the caller's: it is thrown, never reported as a failed tenant.
            if (when === "before" && !outcome.startsWith("cut")) failures.push(`${when} ${k}: ${outcome}`);
            for (const problem of await rerunProblems(world)) failures.push(`${when} ${k}: ${problem}`);
            expect(world.violations).toEqual([]);
          } finally {
            await world.close();
          }
        }
      }
      expect(failures).toEqual([]);
    },
  );

  it("converges after the secret store fails at every one of its calls", { timeout: 120_000 }, async () => {
    const probe = await prepared();
    const counting = storeFailingAt(0, probe.store);
    await createTenants(probe.md, { secrets: counting, now: probe.now }).apply(after);
    await probe.close();
    const total = counting.count();
    expect(total).toBeGreaterThan(5);
    const failures: string[] = [];
    for (let k = 1; k <= total; k++) {
      const world = await prepared();
      try {
        const report = await createTenants(world.md, { secrets: storeFailingAt(k, world.store), now: world.now }).apply(
          after,
        );
        // The failing call fails one tenant at most, with the store's message, and never throws.
        if (report.failed > 1) failures.push(`${k}: ${report.failed} tenants failed`);
        for (const problem of await rerunProblems(world)) failures.push(`${k}: ${problem}`);
      } finally {
        await world.close();
      }
    }
    expect(failures).toEqual([]);
  });
});

describe("a batch aborted while a custom fetch is being called", () => {
  it("leaves no unhandled rejection behind (the fetch's own rejection is given up on, not left loose)", async () => {
    const loose: unknown[] = [];
    const onLoose = (reason: unknown) => loose.push(reason);
    process.on("unhandledRejection", onLoose);
    const world = await startWorld();
    try {
      const controller = new AbortController();
      const md = clientThrough(world, cuttingFetch(1, controller, "before"));
      await expect(md.users.list({}, { signal: controller.signal })).rejects.toThrow("cut before request 1");
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off("unhandledRejection", onLoose);
      await world.close();
    }
    expect(loose).toEqual([]);
  });
});
