// A batch that breaks the rules is refused whole, before any request, with a ValidationError naming each
// tenant and field; the rules are the spec's own (the ones the client applies), not a copy of them.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ValidationError } from "../src/index.js";
import { operations } from "../src/rules.js";
import { createTenants, memorySecretStore } from "../src/tenants/index.js";
import { startWorld } from "./helpers/tenants-world.js";
import type { World } from "./helpers/tenants-world.js";

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await world.close();
});

async function refusal(specs: unknown): Promise<ValidationError> {
  const tenants = createTenants(world.md, { secrets: world.store });
  const error = await tenants.apply(specs as never).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  // Nothing was sent: the batch is checked whole before the first request.
  expect(world.exchanges).toEqual([]);
  await expect(tenants.plan(specs as never)).rejects.toBeInstanceOf(ValidationError);
  expect(world.exchanges).toEqual([]);
  return error as ValidationError;
}

const ok = { serviceAccount: "t_ok", tokens: { app: {} } };

describe("tenants validation", () => {
  it("names an unknown field, with the field it most likely meant", async () => {
    const error = await refusal([ok, { serviceAccount: "t_acme", tokns: { app: {} } }]);
    expect(error.issues).toEqual([
      { path: "tenants[1].tokns", message: expect.stringContaining("did you mean tokens?") },
    ]);
    expect(error.message).toContain('"t_acme" (tenants[1]): tokns is not a field of a tenant (did you mean tokens?)');
    const inToken = await refusal([{ serviceAccount: "t_acme", tokens: { app: { tll: 3600 } } }]);
    expect(inToken.message).toContain("tokens.app.tll is not a field of a token spec (did you mean ttl?)");
  });

  it("refuses values outside the spec's bounds and enums, as the client would", async () => {
    const { ttl } = operations["users-createToken"].body.properties;
    const error = await refusal([
      { serviceAccount: "t_acme", ducklings: { read_write: { instance_size: "huge" } } },
      { serviceAccount: "t_globex", tokens: { app: { ttl: ttl.minimum - 1, token_type: "admin" } } },
      { serviceAccount: "t_initech", ducklings: { read_write: { instance_size: "pulse", cooldown_seconds: 600 } } },
    ]);
    const paths = error.issues.map((issue) => issue.path);
    expect(paths).toEqual([
      "tenants[0].ducklings.read_write.instance_size",
      "tenants[1].tokens.app.ttl",
      "tenants[1].tokens.app.token_type",
      "tenants[2].ducklings.read_write.cooldown_seconds",
    ]);
    expect(error.message).toContain(`"t_globex" (tenants[1]): tokens.app.ttl must be at least ${ttl.minimum}`);
  });

  it("refuses usernames no service account can have, and an account named twice", async () => {
    const error = await refusal([
      { serviceAccount: "t/acme" },
      { serviceAccount: "1acme" },
      { serviceAccount: "" },
      { serviceAccount: "t_dup" },
      { serviceAccount: "t_dup" },
      { tokens: {} },
    ]);
    expect(error.issues.map((issue) => issue.path)).toEqual([
      "tenants[0].serviceAccount",
      "tenants[1].serviceAccount",
      "tenants[2].serviceAccount",
      "tenants[5].serviceAccount",
      "tenants[4].serviceAccount",
    ]);
    expect(error.message).toContain('"t_dup" (tenants[4]): serviceAccount names "t_dup" again (also tenants[3])');
  });

  it("refuses token names a store cannot key, and reserved ones", async () => {
    const error = await refusal([
      {
        serviceAccount: "t_acme",
        tokens: { ".hidden": {}, "a/b": {}, ["x".repeat(256)]: {}, "MotherDuck Flights": {}, "ok.name-1_": {} },
      },
    ]);
    expect(error.issues.map((issue) => issue.path)).toEqual([
      "tenants[0].tokens..hidden",
      "tenants[0].tokens.a/b",
      `tenants[0].tokens.${"x".repeat(256)}`,
      "tenants[0].tokens.MotherDuck Flights",
    ]);
  });

  it("refuses a renewBefore that would renew on every run, and a batch that is not an array", async () => {
    const error = await refusal([{ serviceAccount: "t_acme", tokens: { app: { ttl: 3600, renewBefore: 3600 } } }]);
    expect(error.issues[0]!.path).toBe("tenants[0].tokens.app.renewBefore");
    await refusal({ tenants: [] });
  });

  it("refuses bad options and a missing store before anything is sent", async () => {
    expect(() => createTenants(world.md, {} as never)).toThrow(ValidationError);
    const tenants = createTenants(world.md, { secrets: memorySecretStore() });
    await expect(tenants.apply([ok], { concurrency: 0 })).rejects.toThrow(/concurrency/);
    await expect(tenants.remove(["t/x"])).rejects.toBeInstanceOf(ValidationError);
    expect(world.exchanges).toEqual([]);
  });
});
