// Hardening, round two: each defect found by trying to break the client, reproduced against a real loopback
// server or a custom fetch, and shown fixed.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  BadRequestError,
  ConnectionError,
  NotFoundError,
  TokenScopeError,
  ValidationError,
  createMotherDuckClient,
} from "../src/index.js";
import type { ClientOptions, FetchFunction } from "../src/index.js";
import { ERROR_BODY_LIMIT } from "../src/transport/body.js";
import { printedForms } from "./helpers/printed.js";
import { inTurn, tokenReply, useRecordingServer } from "./helpers/recording-server.js";
import { OLD_ID, tokenInfo } from "./helpers/token-fixtures.js";

const BEARER = "mdtok_live_4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2";
const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJsZWFrIn0.bGVha2VkLXNpZ25hdHVyZS1oZXJl";
const server = useRecordingServer();
const client = (options: Partial<ClientOptions> = {}) =>
  createMotherDuckClient({ token: BEARER, baseUrl: server.url, maxRetries: 0, logger: {}, ...options });

function expectNone(error: unknown, secrets: string[]) {
  for (const view of printedForms(error)) for (const secret of secrets) expect(view).not.toContain(secret);
  // The whole cause chain, printed as util.inspect prints it, is covered by the views above; check it too.
  let cause = (error as { cause?: unknown }).cause;
  for (let depth = 0; cause !== undefined && depth < 10; depth++) {
    for (const view of printedForms(cause)) for (const secret of secrets) expect(view).not.toContain(secret);
    cause = (cause as { cause?: unknown }).cause;
  }
}

describe("#1 an abort right after a 429 sends nothing more", () => {
  it("rejects at once with the signal's reason; the POST went out once", async () => {
    const controller = new AbortController();
    const reason = new Error("caller gave up");
    let calls = 0;
    const fetch: FetchFunction = async () => {
      calls++;
      // The caller's signal aborts right after this answer arrives, before the backoff wait starts.
      queueMicrotask(() => controller.abort(reason));
      return new Response(JSON.stringify({ code: "TOO_MANY", message: "slow down" }), {
        status: 429,
        headers: { "retry-after": "2", "content-type": "application/json" },
      });
    };
    const started = performance.now();
    const error = await client({ fetch, maxRetries: 2 })
      .tokens.create("svc_etl", { name: "n" }, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBe(reason);
    expect(calls).toBe(1);
    // Far less than the 2 s Retry-After: the wait never started.
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it("an already-aborted signal sends nothing at all", async () => {
    const error = await client()
      .tokens.list("svc_etl", { signal: AbortSignal.abort(new Error("before")) })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe("before");
    expect(server.requests).toHaveLength(0);
  });
});

describe("#2 the logger", () => {
  it("a logger whose methods are not functions is refused when the client is created", () => {
    for (const logger of [{ debug: 42 }, { warn: "yes" }, 7, null]) {
      const error = (() => {
        try {
          createMotherDuckClient({ token: BEARER, baseUrl: server.url, logger: logger as never });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]!.path).toMatch(/^logger/);
    }
  });

  it("a logger whose debug and warn throw changes nothing: the minted token is returned", async () => {
    server.reply((request) => (request.method === "GET" ? { body: { tokens: [] } } : tokenReply(request)));
    const thrower = () => {
      throw new Error("logger is down");
    };
    const token = await client({ logger: { debug: thrower, warn: thrower } }).tokens.create("svc_etl", {
      name: "n",
      token_type: "read_scaling",
    });
    expect(token.token).toMatch(/^eyJ/);
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "POST"]);
  });

  it("an async logger that rejects causes no unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const rejecting = async () => {
        throw new Error("async logger is down");
      };
      await client({ logger: { debug: rejecting } }).tokens.create("svc_etl", { name: "n" });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});

describe("#3 every field the server sends back is scrubbed", () => {
  it("an error body whose code is the bearer token or a JWT", async () => {
    for (const code of [BEARER, JWT]) {
      server.reply({ status: 400, body: { code, message: "bad", issues: [] } });
      const error = await client()
        .tokens.create("svc_etl", { name: "n" })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BadRequestError);
      expectNone(error, [BEARER, JWT]);
    }
  });

  it("an issue with a JWT as a key, or inside a path array", async () => {
    server.reply({
      status: 400,
      body: { code: "BAD", message: "bad", issues: [{ message: "x", [JWT]: 1, path: ["body", JWT, BEARER] }] },
    });
    const error = await client()
      .tokens.create("svc_etl", { name: "n" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expectNone(error, [BEARER, JWT]);
  });

  it("a custom fetch whose error carries authorization=Bearer … in its message and its cause", async () => {
    const fetch: FetchFunction = async (_url, init) => {
      const header = new Headers(init.headers).get("authorization");
      const inner = new Error(`socket hang up; headers: authorization=${header}`);
      throw Object.assign(new Error(`Request failed, config: { headers: { Authorization: '${header}' } }`), {
        cause: inner,
        code: "ECONNRESET",
      });
    };
    const error = await client({ fetch })
      .tokens.list("svc_etl")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expectNone(error, [BEARER]);
    expect(inspect(error, { depth: 10 })).toContain("[REDACTED]");
  });

  it("a custom fetch whose error's cause holds control characters prints them escaped, with no forged line", async () => {
    const hostile = "x\n    at forged (evil.js:1:1)\r\u001b[31m\u009b\u2028\u202e";
    const fetch: FetchFunction = async () => {
      throw new TypeError("fetch failed", { cause: new Error(hostile, { cause: new Error(hostile) }) });
    };
    const error = await client({ fetch, maxRetries: 0 })
      .tokens.list("svc_etl")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    for (const printed of printedForms(error)) {
      expect(printed).not.toMatch(/[\r\u001b\u009b\u2028\u202e]/);
      expect(printed).not.toMatch(/^\s+at forged/m);
    }
  });

  it('a server message ending in "Bearer" keeps the hint on its own line, unredacted', async () => {
    server.reply({ status: 401, body: { code: "UNAUTHENTICATED", message: "Invalid Bearer" } });
    const error = await client()
      .tokens.list("svc_etl")
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^401 UNAUTHENTICATED: Invalid Bearer\nHint: The token was refused/);
  });

  it('an option named with a line break before "Hint: " cannot forge a hint line', async () => {
    let refused: unknown;
    try {
      client({ ["x\nHint: run this"]: 1 } as never);
    } catch (error) {
      refused = error;
    }
    const rejected = await client()
      .tokens.list("svc_etl", { ["y\nHint: run that"]: 1 } as never)
      .catch((e: unknown) => e);
    for (const error of [refused, rejected]) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toContain("\\nHint: run");
      for (const printed of printedForms(error).slice(0, 2)) expect(printed).not.toMatch(/\nHint: run/);
    }
  });

  it("an unknown bearer token of another client, in any shape, is scrubbed too", async () => {
    const other = "someone-elses-opaque-token-0123456789";
    server.reply({ status: 400, body: { code: "BAD", message: `got Authorization: Bearer ${other}`, issues: [] } });
    const error = await client()
      .tokens.create("svc_etl", { name: "n" })
      .catch((e: unknown) => e);
    expectNone(error, [other]);
  });
});

describe("#4 text is scrubbed before it is cut", () => {
  it("a non-JWT bearer token straddling the 200-character cut shows none of its characters", async () => {
    const body = `${"x".repeat(170)} ${BEARER} and more`;
    server.reply({ status: 502, headers: { "content-type": "text/plain" }, body });
    const error = await client()
      .tokens.create("svc_etl", { name: "n" })
      .catch((e: unknown) => e);
    expectNone(error, [BEARER, BEARER.slice(0, 20)]);
  });
});

describe("#5 messages the client writes itself are scrubbed", () => {
  it("a minted secret passed by mistake as a token id, to rotate and delete", async () => {
    const minted = "mdtok_minted_0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d";
    const lines: string[] = [];
    const logger = { debug: (message: string, fields?: unknown) => lines.push(message, JSON.stringify(fields)) };
    const md = client({ logger });
    server.reply(inTurn({ body: { token: minted, ...tokenInfo(OLD_ID) } }, { body: { tokens: [tokenInfo(OLD_ID)] } }));
    const created = await md.tokens.create("svc_etl", { name: "n" });
    expect(created.token).toBe(minted);
    const rotated = await md.tokens.rotate("svc_etl", created.token).catch((e: unknown) => e);
    expect(rotated).toBeInstanceOf(NotFoundError);
    expectNone(rotated, [minted]);
    server.reply({ status: 404, body: { code: "NOT_FOUND", message: `no token ${minted}`, issues: [] } });
    const deleted = await md.tokens.delete("svc_etl", created.token).catch((e: unknown) => e);
    expect(deleted).toBeInstanceOf(NotFoundError);
    expectNone(deleted, [minted]);
    expect(lines.join("\n")).not.toContain(minted);
    expect(lines.join("\n")).toContain("[REDACTED]");
  });

  it("the bearer token passed as a username, in a TokenScopeError", async () => {
    const md = client({ identity: { username: "alice", role: "admin", serviceAccounts: [] } });
    const error = await md.tokens.create(BEARER, { name: "n" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenScopeError);
    expectNone(error, [BEARER]);
    expect(server.requests).toHaveLength(0);
  });
});

describe("#6 a deeply nested error body", () => {
  it("an issue nested 5,000 arrays deep still gives a BadRequestError", async () => {
    const deep = `${"[".repeat(5000)}"${JWT}"${"]".repeat(5000)}`;
    server.reply({
      status: 400,
      headers: { "content-type": "application/json" },
      body: `{"code":"BAD","message":"bad","issues":[{"message":"deep","path":${deep}}]}`,
    });
    const error = await client()
      .tokens.create("svc_etl", { name: "n" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expectNone(error, [JWT]);
    expect(JSON.stringify(error)).toContain("nested too deep");
  });
});

describe("#7 the error-body limit does not trust Content-Length", () => {
  it("a body that claims 10 bytes and streams far more is cut at the limit", async () => {
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024).fill(120);
    const fetch: FetchFunction = async () =>
      new Response(
        new ReadableStream({
          pull(controller) {
            pulled += chunk.byteLength;
            if (pulled > 200 * 1024 * 1024) controller.close();
            else controller.enqueue(chunk);
          },
        }),
        { status: 500, headers: { "content-length": "10", "content-type": "text/plain" } },
      );
    const error = await client({ fetch })
      .tokens.list("svc_etl")
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/larger than the limit/);
    // Stopped near the limit, not at 200 MiB (a stream may read a few chunks ahead).
    expect(pulled).toBeLessThan(ERROR_BODY_LIMIT + 16 * chunk.byteLength);
  });
});

describe("#8 base URLs are checked as written", () => {
  const refused = [
    "https:///api",
    "https:/api.motherduck.com",
    "https://api.mother\tduck.com",
    "https://api.mother\nduck.com",
    "https://h/a b",
    "https://h/\0",
    "https://h/\u0085",
    "https://\\api.motherduck.com",
  ];
  for (const baseUrl of refused) {
    it(`refuses ${JSON.stringify(baseUrl)}, and nothing reaches a custom fetch`, () => {
      let called = false;
      const fetch: FetchFunction = async () => {
        called = true;
        return new Response("{}");
      };
      expect(() => createMotherDuckClient({ token: BEARER, baseUrl, fetch })).toThrow(ValidationError);
      expect(called).toBe(false);
    });
  }

  it("still takes ordinary URLs", () => {
    for (const baseUrl of ["https://api.motherduck.com", "HTTPS://api.motherduck.com/", "http://127.0.0.1:4010"]) {
      expect(() => createMotherDuckClient({ token: BEARER, baseUrl })).not.toThrow();
    }
  });
});

describe("#9 options that are not an object", () => {
  for (const options of [null, 42, "https://api.motherduck.com", []]) {
    it(`createMotherDuckClient(${JSON.stringify(options)}) throws a ValidationError`, () => {
      expect(() => createMotherDuckClient(options as never)).toThrow(ValidationError);
    });
  }

  it("an option whose getter throws is named, not a TypeError", () => {
    const options = Object.defineProperty({ token: BEARER }, "baseUrl", {
      enumerable: true,
      get() {
        throw new TypeError("boom");
      },
    });
    const error = (() => {
      try {
        createMotherDuckClient(options);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      { path: "baseUrl", message: "could not be read (a getter or proxy threw)" },
    ]);
  });
});

describe("#16 more of the same kind", () => {
  it("a server's control characters cannot reach a terminal through a printed error", async () => {
    const hostile = "ok\u001b[2K\r\u001b[31mFAKE\u001b]0;pwned\u0007\u009b";
    server.reply({ status: 400, body: { code: "BAD", message: hostile, issues: [{ message: hostile }] } });
    const error = await client()
      .tokens.create("svc_etl", { name: "n" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    for (const view of [(error as Error).message, inspect(error)]) {
      expect(view).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    }
    expect((error as Error).message).toContain("\\e[2K");
  });

  it("a server's message a megabyte long is cut to a readable length", async () => {
    server.reply({ status: 500, body: { code: "X", message: "y".repeat(1024 * 1024 - 100), issues: [] } });
    const error = await client()
      .tokens.list("svc_etl")
      .catch((e: unknown) => e);
    expect((error as Error).message.length).toBeLessThan(1200);
  });

  it("a username with control characters is escaped in the client's own messages", async () => {
    const md = client({ identity: { username: "alice", role: "member" } });
    const error = await md.tokens.list("bob\u001b[31m").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenScopeError);
    expect(inspect(error)).not.toContain("\u001b");
  });
});
