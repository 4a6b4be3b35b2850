import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  TokenRotationError,
  ValidationError,
  createMotherDuckClient,
} from "../src/index.js";
import { printedForms } from "./helpers/printed.js";
import { useRecordingServer } from "./helpers/recording-server.js";
import type { RecordedRequest, Reply } from "./helpers/recording-server.js";
import { MINTED_SECRET, OLD_ID, newToken, tokenInfo } from "./helpers/token-fixtures.js";
import { READ_SCALING, nameRule, ttlRule } from "./helpers/rules.js";

const server = useRecordingServer();
const BEARER = "md-test-bearer-rotate-0001";

/** Answers list, create and delete as the API would, with a chosen failure for create or delete. */
function api(oldToken: Record<string, unknown>, fail: { create?: Reply; delete?: Reply } = {}) {
  return (request: RecordedRequest): Reply => {
    if (request.method === "GET") return { body: { tokens: [oldToken] } };
    if (request.method === "POST") {
      if (fail.create) return fail.create;
      const body = request.json as Record<string, unknown>;
      return {
        body: newToken({
          name: body.name,
          token_type: body.token_type,
          ...(body.ttl !== undefined && { expire_at: "2026-12-01T00:00:00.000Z" }),
        }),
      };
    }
    return fail.delete ?? { body: {} };
  };
}

const warnings: string[] = [];
const logged: unknown[] = [];
const client = () =>
  createMotherDuckClient({
    token: BEARER,
    baseUrl: server.url,
    maxRetries: 0,
    logger: { warn: (m, f) => (warnings.push(m), logged.push(m, f)), debug: (m, f) => logged.push(m, f) },
  });
const calls = () => server.requests.map((r) => `${r.method} ${r.rawPath}`);
/** Rotates OLD_ID of svc_etl with a beforeRevoke that throws `thrown`; resolves with what the rotation rejects with. */
const rotateThrowingBeforeRevoke = (thrown: unknown) =>
  client()
    .tokens.rotate(
      "svc_etl",
      OLD_ID,
      {},
      {
        beforeRevoke: () => {
          throw thrown;
        },
      },
    )
    .catch((e: unknown) => e);

describe("tokens.rotate", () => {
  it("creates the new token first, then revokes the old one, and returns the new token", async () => {
    const old = tokenInfo(OLD_ID, { name: "nightly-etl", expire_at: "2026-11-02T00:00:00.000Z" });
    server.reply(api(old));
    const rotated = await client().tokens.rotate("svc_etl", OLD_ID);
    expect(calls()).toEqual([
      "GET /v1/users/svc_etl/tokens",
      "POST /v1/users/svc_etl/tokens",
      `DELETE /v1/users/svc_etl/tokens/${OLD_ID}`,
    ]);
    expect(rotated.token).toBe(MINTED_SECRET);
    const sent = server.requests[1]!.json as Record<string, unknown>;
    // the old lifetime (one day), type and name, with a rotation suffix
    expect(sent.ttl).toBe(86_400);
    expect(sent.token_type).toBe(old.token_type);
    expect(sent.name).toMatch(/^nightly-etl \(rotated \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)$/);
  });

  it("keeps a never-expiring token never-expiring, and inherits a read-scaling type", async () => {
    server.reply(api(tokenInfo(OLD_ID, { name: "replica", token_type: READ_SCALING })));
    await client().tokens.rotate("svc_etl", OLD_ID);
    const sent = server.requests[1]!.json as Record<string, unknown>;
    expect(sent).not.toHaveProperty("ttl");
    expect(sent.token_type).toBe(READ_SCALING);
  });

  it("replaces an earlier rotation suffix instead of stacking, and stays within the name bound", async () => {
    const longName = "n".repeat(nameRule.maxLength);
    server.reply(api(tokenInfo(OLD_ID, { name: `${longName.slice(0, 20)} (rotated 2026-01-01T00:00:00Z)` })));
    await client().tokens.rotate("svc_etl", OLD_ID);
    expect((server.requests[1]!.json as { name: string }).name).toMatch(/^n{20} \(rotated [^)]+\)$/);
    server.requests.length = 0;
    server.reply(api(tokenInfo(OLD_ID, { name: longName })));
    await client().tokens.rotate("svc_etl", OLD_ID);
    expect(Array.from((server.requests[1]!.json as { name: string }).name)).toHaveLength(nameRule.maxLength);
  });

  it("uses the fields it is given over the old token's", async () => {
    server.reply(api(tokenInfo(OLD_ID, { expire_at: "2026-11-02T00:00:00.000Z" })));
    await client().tokens.rotate("svc_etl", OLD_ID, { name: "fresh", ttl: ttlRule.minimum });
    expect(server.requests[1]!.json).toMatchObject({ name: "fresh", ttl: ttlRule.minimum });
  });

  it("sends the description it is given, and otherwise keeps the old token's", async () => {
    for (const [oldDescription, given, expected] of [
      ["nightly loads", undefined, "nightly loads"],
      ["nightly loads", "hourly loads", "hourly loads"],
      [null, "hourly loads", "hourly loads"],
      [null, undefined, undefined],
      ["", undefined, undefined],
    ] as const) {
      server.requests.length = 0;
      server.reply(api(tokenInfo(OLD_ID, { description: oldDescription })));
      await client().tokens.rotate("svc_etl", OLD_ID, given === undefined ? {} : { description: given });
      const sent = server.requests[1]!.json as Record<string, unknown>;
      if (expected === undefined) expect(sent).not.toHaveProperty("description");
      else expect(sent.description).toBe(expected);
    }
  });

  it("fails before creating anything when the old token id is unknown", async () => {
    server.reply(api(tokenInfo("00000000-0000-4000-8000-00000000ffff")));
    const error = await client()
      .tokens.rotate("svc_etl", OLD_ID)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(calls()).toEqual(["GET /v1/users/svc_etl/tokens"]);
  });

  it("refuses a bad body or id with nothing sent", async () => {
    for (const [id, body] of [
      [OLD_ID, { ttl: ttlRule.maximum + 1 }],
      [OLD_ID, { tll: 3600 }],
      [OLD_ID, null],
      ["..", {}],
    ] as const) {
      const error = await client()
        .tokens.rotate("svc_etl", id, body as never)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
    }
    expect(server.requests).toHaveLength(0);
  });

  it("reads beforeRevoke with the call options, and names every problem in them before sending", async () => {
    const cases: Array<[unknown, Array<{ path: string; message: string }>]> = [
      [{ beforeRevoke: "deploy" }, [{ path: "options.beforeRevoke", message: "must be a function" }]],
      [
        { beforeRevok: () => {}, timeoutMs: 0 },
        [
          {
            path: "options.beforeRevok",
            message: expect.stringContaining("is not an option (did you mean options.beforeRevoke?)") as never,
          },
          { path: "options.timeoutMs", message: "must be at least 1" },
        ],
      ],
      [
        Object.defineProperty({}, "beforeRevoke", {
          enumerable: true,
          get: () => {
            throw new Error("boom");
          },
        }),
        [{ path: "options.beforeRevoke", message: "could not be read (a getter or proxy threw)" }],
      ],
      ["fast", [{ path: "options", message: "must be an object" }]],
      [[], [{ path: "options", message: "must be an object" }]],
    ];
    for (const [options, issues] of cases) {
      const error = await client()
        .tokens.rotate("svc_etl", OLD_ID, {}, options as never)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues).toEqual(issues);
    }
    // Problems in the options and in the body are listed together.
    const both = await client()
      .tokens.rotate("svc_etl", OLD_ID, { tll: 3600 } as never, { beforeRevoke: 1 } as never)
      .catch((e: unknown) => e);
    expect((both as ValidationError).issues.map((issue) => issue.path)).toEqual(["options.beforeRevoke", "body.tll"]);
    // Another call does not take rotation's own option.
    const other = await client()
      .tokens.list("svc_etl", { beforeRevoke: () => {} } as never)
      .catch((e: unknown) => e);
    expect((other as ValidationError).issues).toEqual([
      { path: "options.beforeRevoke", message: expect.stringContaining("is not an option") },
    ]);
    expect(server.requests).toHaveLength(0);
  });

  it("when the create fails, the old token is left alone and the create's error is thrown", async () => {
    server.reply(
      api(tokenInfo(OLD_ID), { create: { status: 403, body: { code: "FORBIDDEN", message: "Unauthorized" } } }),
    );
    const error = await client()
      .tokens.rotate("svc_etl", OLD_ID)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(calls()).toEqual(["GET /v1/users/svc_etl/tokens", "POST /v1/users/svc_etl/tokens"]);
  });

  it("a beforeRevoke that throws something unprintable still gives a TokenRotationError with the new token", async () => {
    const revokedProxy = Proxy.revocable({}, {});
    revokedProxy.revoke();
    const unreadableMessage = Object.defineProperty(new Error(), "message", {
      get: () => {
        throw new Error("no");
      },
    });
    for (const thrown of [Object.create(null), revokedProxy.proxy, unreadableMessage]) {
      server.requests.length = 0;
      server.reply(api(tokenInfo(OLD_ID)));
      const error = await rotateThrowingBeforeRevoke(thrown);
      expect(error).toBeInstanceOf(TokenRotationError);
      expect((error as TokenRotationError).stage).toBe("beforeRevoke");
      expect((error as TokenRotationError).newToken.token).toBe(MINTED_SECRET);
      expect((error as Error).message).toContain("could not be read");
      // The old token was left alone: nothing after the create.
      expect(calls()).toEqual(["GET /v1/users/svc_etl/tokens", "POST /v1/users/svc_etl/tokens"]);
    }
  });

  it("a library error beforeRevoke throws that cannot be scrubbed in place is replaced by a scrubbed copy", async () => {
    const frozen = Object.freeze(new ValidationError([], `vault refused ${MINTED_SECRET}`));
    const unreadableStack = new ValidationError([], `vault refused ${MINTED_SECRET}`);
    Object.defineProperty(unreadableStack, "stack", {
      get: () => {
        throw new Error("no stack");
      },
    });
    const first = new ValidationError([], `first ${MINTED_SECRET}`);
    const second = new ValidationError([], `second ${MINTED_SECRET}`);
    // Each is the other's cause: a cycle.
    Object.defineProperty(first, "cause", { value: second, enumerable: false, writable: true });
    Object.defineProperty(second, "cause", { value: first, enumerable: false, writable: true });
    for (const thrown of [frozen, unreadableStack, second]) {
      server.requests.length = 0;
      server.reply(api(tokenInfo(OLD_ID)));
      const error = await rotateThrowingBeforeRevoke(thrown);
      expect(error).toBeInstanceOf(TokenRotationError);
      expect((error as TokenRotationError).newToken.token).toBe(MINTED_SECRET);
      for (const printed of printedForms(error)) expect(printed).not.toContain(MINTED_SECRET);
      expect(inspect((error as Error).cause, { depth: 10 })).not.toContain(MINTED_SECRET);
    }
  });

  it("whatever beforeRevoke throws reaches the caller as a copy of what it says: no field or trap of it can leak", async () => {
    const withSecret = () => new ValidationError([], `vault refused ${MINTED_SECRET}`);
    const setIgnored = new Proxy(withSecret(), { set: () => true });
    const lyingGetter = new Proxy(withSecret(), {
      get: (target, key) => (key === "message" ? `leak ${MINTED_SECRET}` : Reflect.get(target, key)),
    });
    const accessor = Object.defineProperty(withSecret(), "message", { get: () => `leak ${MINTED_SECRET}`, set() {} });
    const hidden = Object.defineProperty(withSecret(), "secret", { value: MINTED_SECRET });
    const symbol = Object.assign(withSecret(), { [Symbol("secret")]: MINTED_SECRET });
    const causeGetter = Object.defineProperty(withSecret(), "cause", { get: () => new Error(MINTED_SECRET), set() {} });
    for (const thrown of [setIgnored, lyingGetter, accessor, hidden, symbol, causeGetter]) {
      server.reply(api(tokenInfo(OLD_ID)));
      const error = await rotateThrowingBeforeRevoke(thrown);
      expect(error).toBeInstanceOf(TokenRotationError);
      expect((error as TokenRotationError).newToken.token).toBe(MINTED_SECRET);
      for (const printed of printedForms(error)) expect(printed).not.toContain(MINTED_SECRET);
      // A copy: its name says what it was.
      expect((error as Error).cause).not.toBe(thrown);
      expect(((error as Error).cause as Error).name).toBe("ValidationError");
    }
  });

  it('a line break before "Hint: " in what beforeRevoke threw is escaped like any other', async () => {
    server.reply(api(tokenInfo(OLD_ID)));
    const error = await rotateThrowingBeforeRevoke(new Error("x\nHint: \u001b[2Jcleared"));
    expect((error as Error).message).not.toMatch(/[\n\u001b]/);
    expect((error as Error).message).toContain("x\\nHint: \\e[2Jcleared");
  });

  it("what a cause says prints with its control characters escaped and no forged stack line", async () => {
    server.reply(api(tokenInfo(OLD_ID)));
    const hostile = "x\n    at forged (evil.js:1:1)\r\u001b[31m\u009b\u2028\u202e";
    const error = await rotateThrowingBeforeRevoke(new Error(hostile, { cause: new TypeError(hostile) }));
    expect(error).toBeInstanceOf(TokenRotationError);
    for (const printed of [...printedForms(error), inspect((error as Error).cause, { depth: 10 })]) {
      expect(printed).not.toMatch(/[\r\u001b\u009b\u2028\u202e]/);
      expect(printed).not.toMatch(/^\s+at forged/m);
    }
  });

  it("when the delete fails, a TokenRotationError keeps the new secret reachable but out of sight", async () => {
    logged.length = 0;
    server.reply(
      api(tokenInfo(OLD_ID), { delete: { status: 500, body: { code: "INTERNAL_SERVER_ERROR", message: "boom" } } }),
    );
    const error = (await client()
      .tokens.rotate("svc_etl", OLD_ID)
      .catch((e: unknown) => e)) as TokenRotationError;
    expect(error).toBeInstanceOf(TokenRotationError);
    expect(calls()).toHaveLength(3);
    expect(error.newToken.token).toBe(MINTED_SECRET);
    expect(error.newTokenId).toBe(error.newToken.id);
    expect(error.oldTokenId).toBe(OLD_ID);
    expect(error.cause).toBeInstanceOf(InternalServerError);
    expect(error.message).toMatch(/still live/);
    for (const text of [...printedForms(error), JSON.stringify(logged)]) {
      expect(text).not.toContain(MINTED_SECRET);
      expect(text).not.toContain(BEARER);
    }
  });
});
