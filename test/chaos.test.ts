// Fault injection against a loopback "chaos" server. Every row asserts its outcome, the exact number of
// requests the server received, that nothing rejected unhandled, and that no timer was left running.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConnectionError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
  ResponseShapeError,
  TimeoutError,
  createMotherDuckClient,
} from "../src/index.js";
import type { MotherDuckClient } from "../src/index.js";
import { ERROR_BODY_LIMIT, SUCCESS_BODY_LIMIT } from "../src/transport/body.js";
import { closedPort } from "./helpers/closed-port.js";
import { inTurn, tokenReply, useRecordingServer } from "./helpers/recording-server.js";
import type { Reply } from "./helpers/recording-server.js";
import { OLD_ID, newToken, tokenInfo } from "./helpers/token-fixtures.js";

const server = useRecordingServer();
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => void process.on("unhandledRejection", onUnhandled));
afterAll(() => void process.off("unhandledRejection", onUnhandled));

const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
const ok = { body: tokenReply({ json: { name: "n" } } as never).body };
const list = { body: { tokens: [tokenInfo(OLD_ID)] } };
const debugLines: Array<Record<string, unknown>> = [];
const client = (options: { maxRetries?: number; timeoutMs?: number } = {}) =>
  createMotherDuckClient({
    token: "md-test-bearer",
    baseUrl: server.url,
    maxRetries: options.maxRetries ?? 2,
    timeoutMs: options.timeoutMs ?? 5_000,
    logger: { debug: (_message, fields) => debugLines.push(fields ?? {}) },
  });
const create = (md: MotherDuckClient, signal?: AbortSignal) =>
  md.tokens.create("svc_etl", { name: "n" }, signal ? { signal } : {});
const listTokens = (md: MotherDuckClient) => md.tokens.list("svc_etl");

interface Row {
  replies: Reply[];
  call: (md: MotherDuckClient) => Promise<unknown>;
  options?: { maxRetries?: number; timeoutMs?: number };
  requests: number;
  outcome: (result: { value?: unknown; error?: unknown }) => void;
}

async function runRow({ replies, call, options, requests, outcome }: Row) {
  server.reply(inTurn(...replies));
  debugLines.length = 0;
  const baseline = timers();
  const result = await call(client(options)).then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await new Promise((resolve) => setImmediate(resolve));
  outcome(result);
  expect(server.requests).toHaveLength(requests);
  expect(timers()).toBeLessThanOrEqual(baseline);
  expect(unhandled).toEqual([]);
}

const errorOf = (ErrorClass: new (...args: never[]) => Error, attempts?: number) => (result: { error?: unknown }) => {
  expect(result.error).toBeInstanceOf(ErrorClass);
  if (attempts !== undefined) {
    expect((result.error as { attempts?: number }).attempts).toBe(attempts);
    if (attempts > 1) expect((result.error as Error).message).toContain(`after ${attempts} attempts`);
  }
};
const success = (result: { value?: unknown; error?: unknown }) => {
  expect(result.error).toBeUndefined();
  expect(result.value).toBeDefined();
};

describe("retries", () => {
  it("POST answered 429 with Retry-After, then 200: 2 requests, success", () =>
    runRow({
      replies: [
        { status: 429, headers: { "retry-after": "0" }, body: { code: "RATE_LIMITED", message: "slow down" } },
        ok,
      ],
      call: create,
      requests: 2,
      outcome: success,
    }));

  it("POST answered 503: 1 request, InternalServerError (a create is never retried on a 5xx)", () =>
    runRow({
      replies: [{ status: 503, body: { code: "UNAVAILABLE", message: "busy" } }, ok],
      call: create,
      requests: 1,
      outcome: errorOf(InternalServerError, 1),
    }));

  it("GET answered 503 twice, then 200: 3 requests, success", () =>
    runRow({
      replies: [{ status: 503, body: "busy" }, { status: 503, body: "busy" }, list],
      call: listTokens,
      requests: 3,
      outcome: success,
    }));

  it("GET answered 502, 503, 504 past maxRetries: the final failure names its attempts", () =>
    runRow({
      replies: [{ status: 502, body: "" }, { status: 503, body: "" }, { status: 504, body: "" }, list],
      call: listTokens,
      requests: 3,
      outcome: errorOf(InternalServerError, 3),
    }));

  it("maxRetries: 0 makes one attempt only", () =>
    runRow({
      replies: [{ status: 503, body: "" }, list],
      call: listTokens,
      options: { maxRetries: 0 },
      requests: 1,
      outcome: errorOf(InternalServerError, 1),
    }));

  it("429 on every attempt: RateLimitError after maxRetries + 1 requests", () =>
    runRow({
      replies: [{ status: 429, headers: { "retry-after": "0" }, body: { code: "RATE_LIMITED", message: "slow" } }],
      call: create,
      options: { maxRetries: 1 },
      requests: 2,
      outcome: errorOf(RateLimitError, 2),
    }));

  it("Retry-After in seconds sets the wait", async () => {
    await runRow({
      replies: [{ status: 429, headers: { "retry-after": "1" }, body: "" }, ok],
      call: create,
      requests: 2,
      outcome: success,
    });
    expect(debugLines.find((line) => "waitMs" in line)).toMatchObject({ cause: 429, waitMs: 1000 });
  });

  it("Retry-After as an HTTP date", async () => {
    await runRow({
      replies: [{ status: 429, headers: { "retry-after": new Date(Date.now() - 1000).toUTCString() }, body: "" }, ok],
      call: create,
      requests: 2,
      outcome: success,
    });
    expect(debugLines.find((line) => "waitMs" in line)).toMatchObject({ cause: 429, waitMs: 0 });
  });

  it("an abort during a backoff rejects at once with the signal's reason, and cancels the wait", async () => {
    const controller = new AbortController();
    const reason = new Error("shutting down");
    await runRow({
      replies: [{ status: 429, headers: { "retry-after": "30" }, body: "" }, ok],
      call: (md) => {
        const pending = create(md, controller.signal);
        const poll = setInterval(() => {
          if (server.requests.length === 1) {
            clearInterval(poll);
            setTimeout(() => controller.abort(reason), 20);
          }
        }, 5);
        return pending;
      },
      requests: 1,
      outcome: (result) => expect(result.error).toBe(reason),
    });
  });
});

describe("broken connections", () => {
  it("a connection reset mid-body fails a POST at once: it may have created the token", () =>
    runRow({
      replies: [{ resetMidBody: true, body: newToken() }, ok],
      call: create,
      requests: 1,
      outcome: errorOf(ConnectionError, 1),
    }));

  it("a connection reset mid-body is retried for a GET", () =>
    runRow({
      replies: [{ resetMidBody: true, body: list.body }, list],
      call: listTokens,
      requests: 2,
      outcome: success,
    }));

  it("a reset before any answer is retried for a GET until maxRetries", () =>
    runRow({ replies: [{ resetAtOnce: true }], call: listTokens, requests: 3, outcome: errorOf(ConnectionError, 3) }));

  it("a refused connection is retried even for a POST, since nothing was sent", async () => {
    const md = createMotherDuckClient({
      token: "md-test-bearer",
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
      maxRetries: 2,
    });
    const baseline = timers();
    const error = await create(md).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).attempts).toBe(3);
    expect((error as ConnectionError).message).toMatch(/ECONNREFUSED.*after 3 attempts/);
    expect(timers()).toBeLessThanOrEqual(baseline);
  });

  it("headers sent, then the body stalls: TimeoutError, and a POST is not retried", () =>
    runRow({
      replies: [{ stallBody: true, body: newToken() }, ok],
      call: create,
      options: { timeoutMs: 200 },
      requests: 1,
      outcome: errorOf(TimeoutError, 1),
    }));

  it("a stalled GET is retried, then fails naming its attempts", () =>
    runRow({
      replies: [{ stallBody: true, body: list.body }],
      call: listTokens,
      options: { timeoutMs: 150, maxRetries: 1 },
      requests: 2,
      outcome: errorOf(TimeoutError, 2),
    }));
});

describe("bodies that break the spec or the limits", () => {
  const shapeRows: Array<[string, Reply, RegExp]> = [
    ["truncated JSON", { headers: { "content-type": "application/json" }, body: '{"token": "abc", "id":' }, /not JSON/],
    ["an HTML body", { headers: { "content-type": "text/html" }, body: "<html><body>Login</body></html>" }, /not JSON/],
    ["an empty 200", { body: "" }, /response is empty/],
    ["a 200 missing a required field", { body: { ...newToken(), id: undefined } }, /response\.id is required/],
    ["a 200 with a wrong type", { body: { ...newToken(), read_only: "no" } }, /response\.read_only must be a boolean/],
  ];
  for (const [label, reply, message] of shapeRows) {
    it(`${label}: ResponseShapeError, not retried`, () =>
      runRow({
        replies: [reply, ok],
        call: create,
        requests: 1,
        outcome: (result) => {
          errorOf(ResponseShapeError)(result);
          expect((result.error as Error).message).toMatch(message);
        },
      }));
  }

  it("a 200 with extra fields passes", () =>
    runRow({
      replies: [{ body: { ...newToken(), shiny_new_field: 1 } }],
      call: create,
      requests: 1,
      outcome: success,
    }));

  it(`a success body over ${SUCCESS_BODY_LIMIT} bytes: a typed error, and it is not buffered`, () =>
    runRow({
      replies: [{ streamBytes: SUCCESS_BODY_LIMIT * 4 }],
      call: listTokens,
      requests: 1,
      outcome: (result) => {
        errorOf(ResponseShapeError)(result);
        expect((result.error as Error).message).toMatch(/larger than/);
      },
    }));

  it(`an error body over ${ERROR_BODY_LIMIT} bytes is cut, and its status still picks the error`, () =>
    runRow({
      replies: [{ status: 404, streamBytes: ERROR_BODY_LIMIT * 8 }],
      call: listTokens,
      requests: 1,
      outcome: (result) => {
        errorOf(NotFoundError)(result);
        const message = (result.error as Error).message;
        expect(message).toMatch(/error body larger than the limit/);
        expect(message.length).toBeLessThan(500);
      },
    }));
});
