// An API that answers with fewer fields than the emulator, played by a real HTTP server on loopback in front
// of it: a region that does not store token descriptions yet, and a user listing without is_service_account.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMotherDuckClient } from "../src/index.js";
import { createTenants } from "../src/tenants/index.js";
import { invariantProblems, startWorld } from "./helpers/tenants-world.js";
import type { World } from "./helpers/tenants-world.js";
import { rewritingProxy, withoutField } from "./helpers/rewriting-proxy.js";
import type { RewritingProxy } from "./helpers/rewriting-proxy.js";

let world: World;
let proxy: RewritingProxy | undefined;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await proxy?.close();
  await world.close();
});

async function tenantsBehind(field: string) {
  proxy = await rewritingProxy(world.emulator.url, (_url, body) => withoutField(body, field));
  const md = createMotherDuckClient({ baseUrl: proxy.url, token: world.emulator.adminToken, logger: {} });
  return createTenants(md, { secrets: world.store, now: world.now });
}

describe("a create answered without its description", () => {
  it("fails the tenant with that reason once, keeps the token it minted, and never mints again for it", async () => {
    const tenants = await tenantsBehind("description");
    const specs = [{ serviceAccount: "t_acme", tokens: { app: { description: "backend" } } }];
    const first = await tenants.apply(specs);
    expect(first.tenants[0]).toMatchObject({ outcome: "failed" });
    expect(first.tenants[0]!.error).toContain('the API answered the creation of token "app" without its description');
    expect(await invariantProblems(world, specs)).toEqual([]);
    const postsAfterFirst = proxy!.count("POST");
    for (let run = 0; run < 2; run++) {
      const again = await tenants.apply(specs);
      expect(again.tenants[0]).toMatchObject({ outcome: "failed", changes: [] });
      expect(again.tenants[0]!.error).toContain("did not keep");
    }
    expect(proxy!.count("POST")).toBe(postsAfterFirst);
    expect(await invariantProblems(world, specs)).toEqual([]);
  });
});

describe("a user listing without is_service_account", () => {
  it("tells service accounts from people with one filtered scan more, and still never mints for a person", async () => {
    await world.md.users.createServiceAccount("t_acme");
    const tenants = await tenantsBehind("is_service_account");
    const specs = [
      { serviceAccount: "t_acme", tokens: { app: {} } },
      { serviceAccount: "bob", tokens: { app: {} } },
    ];
    const report = await tenants.apply(specs);
    expect(report.tenants.map((t) => t.outcome)).toEqual(["changed", "failed"]);
    expect(report.tenants[1]!.error).toContain('"bob" is a person');
    expect((await world.md.tokens.list("bob")).map((t) => t.name)).toEqual(["seed"]);
    const listings = world.exchanges.filter((e) => e.operationId === "users-list").map((e) => e.url);
    expect(listings).toEqual(["/v1/users", "/v1/users?is_service_account=true"]);
  });
});
