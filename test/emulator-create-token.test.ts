import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthenticationError, NotFoundError, PermissionDeniedError, createMotherDuckClient } from "../src/index.js";
import { startEmulator } from "../src/emulator/index.js";
import type { Emulator } from "../src/emulator/index.js";
import { READ_SCALING, ttlRule } from "./helpers/rules.js";

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());

const as = (token: string) => createMotherDuckClient({ baseUrl: emulator.url, token, maxRetries: 0 });
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

describe("the emulator's create-token operation", () => {
  it("creates a working token for yourself (S1), JWT-shaped, with expiry from ttl", async () => {
    const token = await as(emulator.memberToken).tokens.create("bob", { name: "mine", ttl: ttlRule.minimum });
    expect(token.token.split(".")).toHaveLength(3);
    expect(Date.parse(token.expire_at!) - Date.parse(token.created_ts)).toBe(ttlRule.minimum * 1000);
    expect(token.read_only).toBe(false);
    // the new token authenticates
    await as(token.token).tokens.create("bob", { name: "from-new-token" });
  });

  it("refuses another member with 403 (S3), and an unknown or foreign user with 404", async () => {
    expect(await failure(as(emulator.adminToken).tokens.create("bob", { name: "n" }))).toBeInstanceOf(
      PermissionDeniedError,
    );
    expect(await failure(as(emulator.adminToken).tokens.create("nobody", { name: "n" }))).toBeInstanceOf(NotFoundError);
    emulator.addUser({ username: "carol", role: "member", organization: "globex" });
    const foreign = await failure(as(emulator.adminToken).tokens.create("carol", { name: "n" }));
    expect(foreign).toBeInstanceOf(NotFoundError);
    expect((foreign as NotFoundError).code).toBe("NOT_FOUND");
  });

  it("answers 401 to missing, malformed, forged and expired tokens", async () => {
    for (const bad of ["not-a-jwt", "a.b.c", `${emulator.adminToken.slice(0, -2)}xx`]) {
      expect(await failure(as(bad).tokens.create("alice", { name: "n" }))).toBeInstanceOf(AuthenticationError);
    }
    const shortLived = await as(emulator.adminToken).tokens.create("alice", { name: "short", ttl: ttlRule.minimum });
    emulator.advanceTime(ttlRule.minimum);
    const expired = await failure(as(shortLived.token).tokens.create("alice", { name: "n" }));
    expect(expired).toBeInstanceOf(AuthenticationError);
    expect((expired as AuthenticationError).message).toMatch(/expired/);
  });

  it("a read-scaling token makes no admin call (S4)", async () => {
    const scaling = await as(emulator.adminToken).tokens.create("alice", { name: "replica", token_type: READ_SCALING });
    expect(scaling.read_only).toBe(true);
    const error = await failure(as(scaling.token).tokens.create("alice", { name: "n" }));
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect((error as PermissionDeniedError).message).toMatch(/S4/);
  });

  it("checks requests against the spec: 400 with issues, even from the unguarded raw client", async () => {
    const { error, response } = await as(emulator.adminToken).raw.POST("/v1/users/{username}/tokens", {
      params: { path: { username: "alice" } },
      body: { name: "", ttl: ttlRule.maximum + 1 },
    });
    expect(response.status).toBe(400);
    expect(error?.code).toBe("BAD_REQUEST");
    expect(error?.issues?.map((i) => i.message)).toEqual([
      "body.name must be at least 1 character long",
      `body.ttl must be at most ${ttlRule.maximum}`,
    ]);
    const unrouted = await fetch(`${emulator.url}/v1/nowhere`, {
      headers: { authorization: `Bearer ${emulator.adminToken}` },
    });
    expect(unrouted.status).toBe(404);
    expect(await unrouted.text()).toBe("Not Found");
  });
});
