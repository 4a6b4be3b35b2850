// Every token and user operation against a recording server: the exact request, every status, every refusal.
import { describe, expect, it } from "vitest";
import { ApiError, NotFoundError, ValidationError, createMotherDuckClient } from "../src/index.js";
import type { MotherDuckClient, TokenInfo } from "../src/index.js";
import { ERROR_STATUSES } from "./helpers/error-statuses.js";
import { useRecordingServer } from "./helpers/recording-server.js";
import type { Reply } from "./helpers/recording-server.js";
import { MINTED_SECRET, OLD_ID, tokenInfo } from "./helpers/token-fixtures.js";
import { READ_SCALING, usernameRule } from "./helpers/rules.js";

const server = useRecordingServer();
const client = () => createMotherDuckClient({ token: "md-test-bearer", baseUrl: server.url, maxRetries: 0 });

interface OperationCase {
  name: string;
  call: (md: MotherDuckClient) => Promise<unknown>;
  ok: Reply;
  method: string;
  rawPath: string;
  body: unknown;
  result: unknown;
}

const operations: OperationCase[] = [
  {
    name: "tokens.list",
    call: (md) => md.tokens.list("svc_etl"),
    ok: {
      body: {
        tokens: [
          tokenInfo(OLD_ID),
          tokenInfo("6e1d7b2f-0000-4000-8000-000000000003", {
            token_type: READ_SCALING,
            expire_at: "2027-01-01T00:00:00.000Z",
          }),
        ],
      },
    },
    method: "GET",
    rawPath: "/v1/users/svc_etl/tokens",
    body: undefined,
    result: [
      tokenInfo(OLD_ID),
      tokenInfo("6e1d7b2f-0000-4000-8000-000000000003", {
        token_type: READ_SCALING,
        expire_at: "2027-01-01T00:00:00.000Z",
      }),
    ],
  },
  {
    name: "tokens.delete",
    call: (md) => md.tokens.delete("svc_etl", OLD_ID),
    ok: { body: {} },
    method: "DELETE",
    rawPath: `/v1/users/svc_etl/tokens/${OLD_ID}`,
    body: undefined,
    result: undefined,
  },
  {
    name: "users.createServiceAccount",
    call: (md) => md.users.createServiceAccount("svc_etl"),
    ok: { body: { username: "svc_etl" } },
    method: "POST",
    rawPath: "/v1/users",
    body: { username: "svc_etl" },
    result: { username: "svc_etl" },
  },
  {
    name: "users.delete",
    call: (md) => md.users.delete("svc_etl"),
    ok: { body: { username: "svc_etl" } },
    method: "DELETE",
    rawPath: "/v1/users/svc_etl",
    body: undefined,
    result: { username: "svc_etl" },
  },
];

for (const op of operations) {
  describe(op.name, () => {
    it("sends exactly the request the spec describes and returns the typed result", async () => {
      server.reply(op.ok);
      const result = await op.call(client());
      expect(server.requests).toHaveLength(1);
      const [request] = server.requests;
      expect(request!.method).toBe(op.method);
      expect(request!.rawPath).toBe(op.rawPath);
      expect(request!.headers.authorization).toBe("Bearer md-test-bearer");
      expect(request!.json).toEqual(op.body);
      expect(request!.headers["content-type"]).toBe(op.body === undefined ? undefined : "application/json");
      expect(result).toEqual(op.result);
    });

    for (const { status, code, ErrorClass } of ERROR_STATUSES) {
      it(`maps ${status} to ${ErrorClass.name}`, async () => {
        server.reply({
          status,
          headers: { "x-request-id": "rid-1" },
          body: { code, message: `m${status}`, extra: true },
        });
        const error = await op.call(client()).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ErrorClass);
        expect(error).toMatchObject({ status, code, requestId: "rid-1" });
        expect((error as ApiError).message).toContain(`m${status}`);
        expect(server.requests).toHaveLength(1);
      });
    }
  });
}

describe("a 404", () => {
  it("with code NOT_FOUND is about the resource, with no hint about the URL", async () => {
    server.reply({ status: 404, body: { code: "NOT_FOUND", message: "Token not found" } });
    const error = (await client()
      .tokens.delete("svc_etl", OLD_ID)
      .catch((e: unknown) => e)) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.hint).toBeUndefined();
  });

  it("without it is an unrouted path, and the hint says the base URL or path is probably wrong", async () => {
    server.reply({ status: 404, headers: { "content-type": "text/plain" }, body: "Not Found" });
    const error = (await client()
      .users.delete("svc_etl")
      .catch((e: unknown) => e)) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.code).toBeUndefined();
    expect(error.hint).toMatch(/base URL or the API path is probably wrong/);
  });
});

describe("tokens.list never exposes a secret", () => {
  it("drops a token field the server sends by mistake, and every other undeclared field", async () => {
    server.reply({ body: { tokens: [{ ...tokenInfo(OLD_ID), token: MINTED_SECRET, secret: MINTED_SECRET }] } });
    const [item] = await client().tokens.list("svc_etl");
    expect(item).toEqual(tokenInfo(OLD_ID));
    expect(Object.keys(item!)).not.toContain("token");
    expect(JSON.stringify(item)).not.toContain(MINTED_SECRET);
  });

  it("types list results without a token field", () => {
    const typed = (item: TokenInfo) => {
      // @ts-expect-error TokenInfo declares no secret
      return item.token;
    };
    expect(typed).toBeTypeOf("function");
  });
});

describe("every invalid input is refused with nothing sent", () => {
  const tooLong = "x".repeat(usernameRule.maxLength + 1);
  const badSegments: unknown[] = ["", ".", "..", "a\ud800", 7, undefined];
  const cases: Array<[string, (md: MotherDuckClient) => Promise<unknown>, string]> = [
    ...[...badSegments, tooLong].map((u): [string, (md: MotherDuckClient) => Promise<unknown>, string] => [
      `tokens.list(${JSON.stringify(u)})`,
      (md) => md.tokens.list(u as string),
      "username",
    ]),
    ...[...badSegments, tooLong].map((u): [string, (md: MotherDuckClient) => Promise<unknown>, string] => [
      `users.delete(${JSON.stringify(u)})`,
      (md) => md.users.delete(u as string),
      "username",
    ]),
    ...[...badSegments, tooLong].map((u): [string, (md: MotherDuckClient) => Promise<unknown>, string] => [
      `tokens.delete(${JSON.stringify(u)}, id)`,
      (md) => md.tokens.delete(u as string, OLD_ID),
      "username",
    ]),
    ...badSegments.map((id): [string, (md: MotherDuckClient) => Promise<unknown>, string] => [
      `tokens.delete(user, ${JSON.stringify(id)})`,
      (md) => md.tokens.delete("svc_etl", id as string),
      "token_id",
    ]),
    ...["", "1svc", "_svc", "svc-etl", "svc etl", "svc.etl", "svc/etl", "😀svc", tooLong, 42, undefined].map(
      (u): [string, (md: MotherDuckClient) => Promise<unknown>, string] => [
        `users.createServiceAccount(${JSON.stringify(u)})`,
        (md) => md.users.createServiceAccount(u as string),
        "body.username",
      ],
    ),
  ];
  for (const [label, call, path] of cases) {
    it(label, async () => {
      const error = await call(client()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]!.path).toBe(path);
      expect(server.requests).toHaveLength(0);
    });
  }

  it("service-account names follow the spec's Unicode patterns: letters of any script, digits and _", async () => {
    server.reply((request) => ({ body: { username: (request.json as { username: string }).username } }));
    for (const username of ["svc_etl", "Ünïcødé_名前", "δοκιμή2", "a", "x".repeat(usernameRule.maxLength)]) {
      await expect(client().users.createServiceAccount(username)).resolves.toEqual({ username });
    }
    expect(server.requests).toHaveLength(5);
    const error = (await client()
      .users.createServiceAccount("1svc")
      .catch((e: unknown) => e)) as ValidationError;
    expect(error.issues).toEqual([{ path: "body.username", message: "must start with a letter" }]);
  });
});
