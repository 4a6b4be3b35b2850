// The client against the emulator, end to end. Every exchange is checked against the spec by useEmulator.
import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  PermissionDeniedError,
  TokenScopeError,
  createMotherDuckClient,
} from "../src/index.js";
import type { Identity, MotherDuckClient } from "../src/index.js";
import { startEmulator } from "../src/emulator/index.js";
import { useEmulator } from "./helpers/emulator.js";
import { READ_SCALING, READ_WRITE, ttlRule } from "./helpers/rules.js";

const emulator = useEmulator();
const as = (token: string, identity?: Identity) =>
  createMotherDuckClient({ baseUrl: emulator.url, token, maxRetries: 0, ...(identity && { identity }) });
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );
let counter = 0;
const fresh = (prefix: string) => `${prefix}_${++counter}`;

async function newServiceAccount(admin: MotherDuckClient) {
  const { username } = await admin.users.createServiceAccount(fresh("svc"));
  return username;
}

describe("scope rows, in both roles", () => {
  it("S1: admin and member alike create tokens for themselves", async () => {
    await expect(as(emulator.adminToken).tokens.create("alice", { name: "self" })).resolves.toMatchObject({
      name: "self",
    });
    await expect(as(emulator.memberToken).tokens.create("bob", { name: "self" })).resolves.toMatchObject({
      name: "self",
    });
  });

  it("S2: an admin creates a service account's token; a member gets 403, and its declared identity refuses first", async () => {
    const admin = as(emulator.adminToken);
    const svc = await newServiceAccount(admin);
    const token = await admin.tokens.create(svc, { name: "etl" });
    expect(token.token_type).toBe(READ_WRITE);
    const refused = await failure(as(emulator.memberToken).tokens.create(svc, { name: "etl" }));
    expect(refused).toBeInstanceOf(PermissionDeniedError);
    expect((refused as PermissionDeniedError).message).toMatch(/S2/);
    const local = await failure(
      as(emulator.memberToken, { username: "bob", role: "member" }).tokens.create(svc, { name: "x" }),
    );
    expect(local).toBeInstanceOf(TokenScopeError);
    expect((local as TokenScopeError).rule).toBe("S2");
  });

  it("S3: nobody creates a token for another member, admin or member", async () => {
    const adminTry = await failure(as(emulator.adminToken).tokens.create("bob", { name: "x" }));
    expect(adminTry).toBeInstanceOf(PermissionDeniedError);
    expect((adminTry as PermissionDeniedError).message).toMatch(/S3/);
    expect((adminTry as PermissionDeniedError).hint).toMatch(/S3/);
    expect(await failure(as(emulator.memberToken).tokens.create("alice", { name: "x" }))).toBeInstanceOf(
      PermissionDeniedError,
    );
  });

  it("S2 for the other calls: only an admin lists or revokes others' tokens and creates or deletes users", async () => {
    const member = as(emulator.memberToken);
    const admin = as(emulator.adminToken);
    const svc = await newServiceAccount(admin);
    const { id } = await admin.tokens.create(svc, { name: "etl" });
    for (const call of [
      () => member.tokens.list(svc),
      () => member.tokens.delete(svc, id),
      () => member.users.createServiceAccount(fresh("svc")),
      () => member.users.delete(svc),
    ]) {
      expect(await failure(call())).toBeInstanceOf(PermissionDeniedError);
    }
    expect(await admin.tokens.list(svc)).toHaveLength(1);
    expect(await member.tokens.list("bob")).not.toHaveLength(0);
  });

  it("S4: a read-scaling token makes no admin call, not even to learn whether a user exists", async () => {
    const admin = as(emulator.adminToken);
    const svc = await newServiceAccount(admin);
    await admin.tokens.create(svc, { name: "rw" });
    const scaling = await admin.tokens.create(svc, { name: "replica", token_type: READ_SCALING });
    expect(scaling.read_only).toBe(true);
    const replica = as(scaling.token);
    for (const call of [
      () => replica.tokens.create(svc, { name: "x" }),
      () => replica.tokens.list(svc),
      () => replica.tokens.delete(svc, scaling.id),
      () => replica.users.createServiceAccount(fresh("svc")),
      () => replica.users.delete(svc),
      () => replica.tokens.list("nobody_at_all"),
    ]) {
      const error = await failure(call());
      expect(error).toBeInstanceOf(PermissionDeniedError);
      expect((error as PermissionDeniedError).message).toMatch(/S4/);
    }
  });

  it("S6: the exact username — another case is another (unknown) user", async () => {
    const admin = as(emulator.adminToken);
    const svc = await newServiceAccount(admin);
    expect(await failure(admin.tokens.create(svc.toUpperCase(), { name: "x" }))).toBeInstanceOf(NotFoundError);
    const clash = await failure(admin.users.createServiceAccount(svc.toUpperCase()));
    expect(clash).toBeInstanceOf(BadRequestError);
  });

  it("S7: without ttl a token never expires; with it, it expires on the emulator's clock", async () => {
    const admin = as(emulator.adminToken);
    const svc = await newServiceAccount(admin);
    const forever = await admin.tokens.create(svc, { name: "forever" });
    const brief = await admin.tokens.create(svc, { name: "brief", ttl: ttlRule.minimum });
    expect(forever.expire_at).toBeUndefined();
    expect(Date.parse(brief.expire_at!) - Date.parse(brief.created_ts)).toBe(ttlRule.minimum * 1000);
    await as(brief.token).tokens.create(svc, { name: "still-valid" });
    emulator.advanceTime(ttlRule.minimum - 1);
    await as(brief.token)
      .tokens.list(svc)
      .catch(() => undefined); // a service account may list its own
    emulator.advanceTime(1);
    const expired = await failure(as(brief.token).tokens.list(svc));
    expect(expired).toBeInstanceOf(AuthenticationError);
    expect((expired as AuthenticationError).message).toMatch(/expired/);
    emulator.advanceTime(ttlRule.maximum * 2);
    await expect(as(forever.token).tokens.list(svc)).resolves.toBeInstanceOf(Array);
  });
});

describe("authentication", () => {
  it("answers 401 to missing, malformed, forged, unknown and revoked tokens", async () => {
    for (const bad of ["not-a-jwt", "aaaa.bbbb.cccc", `${emulator.adminToken.slice(0, -3)}abc`]) {
      expect(await failure(as(bad).tokens.list("alice"))).toBeInstanceOf(AuthenticationError);
    }
    const missing = await fetch(`${emulator.url}/v1/users/alice/tokens`);
    expect(missing.status).toBe(401);
  });

  it("a revoked token is refused at once", async () => {
    const admin = as(emulator.adminToken);
    const svc = await newServiceAccount(admin);
    const token = await admin.tokens.create(svc, { name: "short-lived" });
    await as(token.token).tokens.list(svc);
    await admin.tokens.delete(svc, token.id);
    const error = await failure(as(token.token).tokens.list(svc));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(await failure(admin.tokens.delete(svc, token.id))).toBeInstanceOf(NotFoundError);
  });

  it("the secret is shown once: list never carries it", async () => {
    const admin = as(emulator.adminToken);
    const svc = await newServiceAccount(admin);
    const created = await admin.tokens.create(svc, { name: "once" });
    expect(JSON.stringify(emulator.exchanges.at(-1)!.responseBody)).toContain(created.token);
    await admin.tokens.list(svc);
    expect(JSON.stringify(emulator.exchanges.at(-1)!.responseBody)).not.toContain(created.token);
  });
});

describe("isolation and lifecycle", () => {
  it("another organization's users are 404, never 403", async () => {
    const globexAdmin = as(
      emulator.addUser({ username: fresh("gadmin"), role: "admin", organization: "globex" }).token,
    );
    const gsvc = await newServiceAccount(globexAdmin);
    const acme = as(emulator.adminToken);
    for (const call of [
      () => acme.tokens.create(gsvc, { name: "x" }),
      () => acme.tokens.list(gsvc),
      () => acme.users.delete(gsvc),
    ]) {
      const error = await failure(call());
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).code).toBe("NOT_FOUND");
    }
    expect(await failure(globexAdmin.tokens.list("alice"))).toBeInstanceOf(NotFoundError);
  });

  it("deleting a service account deletes its tokens with it", async () => {
    const admin = as(emulator.adminToken);
    const svc = await newServiceAccount(admin);
    const token = await admin.tokens.create(svc, { name: "doomed" });
    await expect(admin.users.delete(svc)).resolves.toEqual({ username: svc });
    expect(await failure(as(token.token).tokens.list(svc))).toBeInstanceOf(AuthenticationError);
    expect(await failure(admin.tokens.list(svc))).toBeInstanceOf(NotFoundError);
  });

  it("rotates a token end to end: the old one stops working, the new one works", async () => {
    const admin = as(emulator.adminToken);
    const svc = await newServiceAccount(admin);
    const old = await admin.tokens.create(svc, { name: "etl", ttl: 7200 });
    const rotated = await admin.tokens.rotate(svc, old.id);
    expect(rotated.name).toMatch(/^etl \(rotated /);
    expect(Date.parse(rotated.expire_at!) - Date.parse(rotated.created_ts)).toBe(7_200_000);
    expect(await failure(as(old.token).tokens.list(svc))).toBeInstanceOf(AuthenticationError);
    expect((await as(rotated.token).tokens.list(svc)).map((t) => t.id)).toEqual([rotated.id]);
  });

  it("creates exactly once under 200 concurrent creates", async () => {
    const admin = as(emulator.adminToken);
    const svc = await newServiceAccount(admin);
    const created = await Promise.all(
      Array.from({ length: 200 }, (_, i) => admin.tokens.create(svc, { name: `t${i}` })),
    );
    const ids = new Set(created.map((t) => t.id));
    expect(ids.size).toBe(200);
    const listed = await admin.tokens.list(svc);
    expect(listed).toHaveLength(200);
    expect(new Set(listed.map((t) => t.id))).toEqual(ids);
  });
});

describe("request checking", () => {
  it("answers 400 with issues to a request that breaks the spec, even from the unguarded raw client", async () => {
    // A separate emulator: this test sends a non-conforming request on purpose.
    const bare = await startEmulator();
    try {
      const raw = createMotherDuckClient({ baseUrl: bare.url, token: bare.adminToken }).raw;
      const { error, response } = await raw.POST("/v1/users/{username}/tokens", {
        params: { path: { username: "alice" } },
        body: { name: "", ttl: ttlRule.maximum + 1 },
      });
      expect(response.status).toBe(400);
      expect(error?.code).toBe("BAD_REQUEST");
      expect(error?.issues?.map((i) => i.message)).toEqual([
        "body.name must be at least 1 character long",
        `body.ttl must be at most ${ttlRule.maximum}`,
      ]);
      const unrouted = await fetch(`${bare.url}/v1/nowhere`, {
        headers: { authorization: `Bearer ${bare.adminToken}` },
      });
      expect(unrouted.status).toBe(404);
      expect(await unrouted.text()).toBe("Not Found");
    } finally {
      await bare.close();
    }
  });

  it("refuses service-account names shorter than the server's minimum, which the spec does not state", async () => {
    const error = await failure(as(emulator.adminToken).users.createServiceAccount("ab"));
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).issues[0]!.message).toMatch(/at least 3/);
  });
});
