// Neither the bearer token nor a minted token may leave through an error or a log line, on any path.
import { describe, expect, it } from "vitest";
import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ResponseShapeError,
  TimeoutError,
  TokenRotationError,
  TokenScopeError,
  ValidationError,
  createMotherDuckClient,
} from "../src/index.js";
import type { ClientOptions, MotherDuckClient } from "../src/index.js";
import { ERROR_BODY_LIMIT } from "../src/transport/body.js";
import { closedPort } from "./helpers/closed-port.js";
import { printedForms } from "./helpers/printed.js";
import { inTurn, useRecordingServer } from "./helpers/recording-server.js";
import type { Reply } from "./helpers/recording-server.js";
import { MINTED_SECRET, OLD_ID, newToken, tokenInfo } from "./helpers/token-fixtures.js";
import { READ_SCALING } from "./helpers/rules.js";

const BEARER = "md-bearer-KnownSecret-7f3a9c2e";
const SECRETS = [BEARER, MINTED_SECRET];
const server = useRecordingServer();
const logged: unknown[] = [];
const logger = {
  debug: (...args: unknown[]) => logged.push(args),
  warn: (...args: unknown[]) => logged.push(args),
};
const client = (options: Partial<ClientOptions> = {}) =>
  createMotherDuckClient({ token: BEARER, baseUrl: server.url, maxRetries: 0, logger, ...options });
const echo = `token ${BEARER} and ${MINTED_SECRET}`;

function expectNoSecret(error: unknown) {
  for (const view of printedForms(error)) for (const secret of SECRETS) expect(view).not.toContain(secret);
}

async function raised(
  call: (md: MotherDuckClient) => Promise<unknown>,
  ErrorClass: Function,
  options?: Partial<ClientOptions>,
) {
  const error = await call(client(options)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ErrorClass);
  expectNoSecret(error);
}

const create = (md: MotherDuckClient) => md.tokens.create("svc_etl", { name: "n" });
const serverErrors: Array<[number, Function]> = [
  [400, BadRequestError],
  [401, AuthenticationError],
  [403, PermissionDeniedError],
  [404, NotFoundError],
  [409, ApiError],
  [429, RateLimitError],
  [500, InternalServerError],
  [503, InternalServerError],
];

describe("no error carries a secret", () => {
  for (const [status, ErrorClass] of serverErrors) {
    it(`${ErrorClass.name} from a ${status} whose body, issues and request id echo both secrets`, async () => {
      server.reply({
        status,
        headers: { "x-request-id": BEARER },
        body: { code: "X", message: echo, issues: [{ message: echo, extra: echo }] },
      });
      await raised(create, ErrorClass);
      server.reply({ status, headers: { "content-type": "text/plain" }, body: echo });
      await raised(create, ErrorClass);
    });
  }

  it("an error body cut at the limit, with secrets in it", async () => {
    server.reply({ status: 500, body: `${echo} ${"x".repeat(ERROR_BODY_LIMIT)} ${echo}` });
    await raised(create, InternalServerError);
  });

  it("ValidationError and TokenScopeError, even when a secret is passed where a name belongs", async () => {
    await raised((md) => md.tokens.create("..", { name: MINTED_SECRET.repeat(10), ttl: NaN }), ValidationError);
    await raised((md) => md.tokens.list(`${BEARER}/..`.repeat(30)), ValidationError);
    await raised(create, TokenScopeError, { identity: { username: "bob", role: "member" } });
    expect(() => createMotherDuckClient({ token: `${BEARER}\n` })).toThrow(ValidationError);
    try {
      createMotherDuckClient({ token: `${BEARER}\n` });
    } catch (error) {
      expectNoSecret(error);
    }
  });

  it("ConnectionError and TimeoutError", async () => {
    await raised(create, ConnectionError, { baseUrl: `http://127.0.0.1:${await closedPort()}` });
    server.reply({ hang: true });
    await raised(create, TimeoutError, { timeoutMs: 100 });
  });

  it("an API error met while iterating users", async () => {
    const failing = {
      status: 500,
      headers: { "x-request-id": BEARER },
      body: { message: echo, issues: [{ message: echo }] },
    };
    server.reply(failing);
    const walk = async (md: MotherDuckClient) => {
      for await (const user of md.users.iterate()) void user;
    };
    await raised(walk, InternalServerError);
  });

  it("ResponseShapeError, from an answer that carries both secrets", async () => {
    server.reply({ body: { token: MINTED_SECRET, note: BEARER, read_only: "no" } });
    await raised(create, ResponseShapeError);
    server.reply({ body: `not json ${echo}` });
    await raised(create, ResponseShapeError);
  });

  it("TokenRotationError, which holds the minted token", async () => {
    server.reply(
      inTurn(
        { body: { tokens: [tokenInfo(OLD_ID)] } },
        { body: newToken() },
        { status: 500, body: { code: "INTERNAL_SERVER_ERROR", message: echo } },
      ),
    );
    const error = await client()
      .tokens.rotate("svc_etl", OLD_ID)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRotationError);
    expect((error as TokenRotationError).newToken.token).toBe(MINTED_SECRET);
    expectNoSecret(error);
  });

  it("and nothing the logger received on any of these paths", () => {
    expect(logged.length).toBeGreaterThan(10);
    const text = JSON.stringify(logged);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });
});

describe("the logger", () => {
  const answer = (replies: Reply[]) => server.reply(inTurn(...replies));

  it("gets a debug line per attempt with method, path, status, attempt and duration", async () => {
    const lines: Array<[string, Record<string, unknown>]> = [];
    answer([{ status: 503, body: "" }, { body: { tokens: [] } }]);
    const md = createMotherDuckClient({
      token: BEARER,
      baseUrl: server.url,
      logger: { debug: (message, fields) => lines.push([message, fields ?? {}]) },
    });
    await md.tokens.list("svc_etl");
    const attempts = lines.filter(([, fields]) => "durationMs" in fields);
    expect(attempts.map(([, f]) => [f.method, f.path, f.status, f.attempt])).toEqual([
      ["GET", "/v1/users/svc_etl/tokens", 503, 1],
      ["GET", "/v1/users/svc_etl/tokens", 200, 2],
    ]);
    for (const [message, fields] of attempts) {
      expect(typeof fields.durationMs).toBe("number");
      expect(message).toMatch(/^GET \/v1\/users\/svc_etl\/tokens (503|200) \(attempt \d, \d+ ms\)$/);
    }
    expect(JSON.stringify(lines)).not.toContain(BEARER);
  });

  it("gets the S5 warning without secrets", async () => {
    const warnings: unknown[] = [];
    answer([{ body: { tokens: [] } }, { body: newToken({ token_type: READ_SCALING }) }]);
    const md = createMotherDuckClient({
      token: BEARER,
      baseUrl: server.url,
      logger: { warn: (...a) => warnings.push(a) },
    });
    await md.tokens.create("svc_bi", { name: "r", token_type: READ_SCALING });
    expect(warnings).toHaveLength(1);
    for (const secret of SECRETS) expect(JSON.stringify(warnings)).not.toContain(secret);
  });
});
