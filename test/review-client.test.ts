// Defects a hostile review found after the first hardening pass, each reproduced against a loopback server,
// a custom fetch or the emulator, and shown fixed.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  BadRequestError,
  ConnectionError,
  NotFoundError,
  TimeoutError,
  TokenRotationError,
  ValidationError,
  createMotherDuckClient,
} from "../src/index.js";
import type { ClientOptions, FetchFunction } from "../src/index.js";
import { useEmulator } from "./helpers/emulator.js";
import { printedForms } from "./helpers/printed.js";
import { useRecordingServer } from "./helpers/recording-server.js";

const BEARER = "tok_live_ABCDEFGHIJKLMNOP";
const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJsZWFrIn0.bGVha2VkLXNpZ25hdHVyZS1oZXJl";
const server = useRecordingServer();
const client = (options: Partial<ClientOptions> = {}) =>
  createMotherDuckClient({ token: BEARER, baseUrl: server.url, maxRetries: 0, logger: {}, ...options });
const failure = (promise: Promise<unknown>) => promise.catch((e: unknown) => e);
const thrown = (make: () => unknown) => {
  try {
    make();
  } catch (error) {
    return error;
  }
  return undefined;
};
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function expectNone(error: unknown, secrets: string[]) {
  for (const view of printedForms(error)) for (const secret of secrets) expect(view).not.toContain(secret);
}

describe("a JWT is scrubbed wherever it starts", () => {
  it("after %3D, a quote or a word character, in the message and in an issue's path", async () => {
    server.reply({
      status: 400,
      body: { code: "BAD", message: `rejected ?t%3D${JWT} "${JWT}"`, issues: [{ message: "x", path: [`x_${JWT}`] }] },
    });
    const error = await failure(client().tokens.create("svc_etl", { name: "n" }));
    expect(error).toBeInstanceOf(BadRequestError);
    expectNone(error, [JWT]);
  });

  it("Authorization: Bearer:<secret> is scrubbed too", async () => {
    server.reply({ status: 400, body: { code: "BAD", message: "got Bearer:other-credential-123", issues: [] } });
    expectNone(await failure(client().tokens.create("svc_etl", { name: "n" })), ["other-credential-123"]);
  });
});

describe("a custom fetch that ignores its signal", () => {
  const never: FetchFunction = () => new Promise(() => undefined);
  const stalledBody: FetchFunction = async () =>
    new Response(new ReadableStream({ pull: () => new Promise(() => undefined) }), { status: 200 });

  for (const [name, fetch] of [
    ["never answers", never],
    ["answers, then never finishes the body", stalledBody],
  ] as const) {
    it(`${name}: the call still times out`, async () => {
      const error = await failure(client({ fetch, timeoutMs: 200 }).tokens.list("svc_etl"));
      expect(error).toBeInstanceOf(TimeoutError);
    });

    it(`${name}: the caller's abort still ends it at once`, async () => {
      const reason = new Error("stop");
      const call = failure(client({ fetch }).tokens.list("svc_etl", { signal: AbortSignal.timeout(50) }));
      const controller = new AbortController();
      setTimeout(() => controller.abort(reason), 50);
      const aborted = failure(client({ fetch }).tokens.list("svc_etl", { signal: controller.signal }));
      expect(await aborted).toBe(reason);
      expect((await call) as Error).toHaveProperty("name", "TimeoutError");
    });
  }
});

describe("hostile values become typed errors", () => {
  it("a fetch that throws an object whose getters throw, or a hostile proxy, gives a scrubbed ConnectionError", async () => {
    const throwers: FetchFunction[] = [
      async () => {
        throw {
          get code() {
            throw new Error(`Bearer ${BEARER}`);
          },
        };
      },
      async () => {
        throw new Proxy(
          {},
          {
            getPrototypeOf() {
              throw new Error(`Bearer ${BEARER}`);
            },
          },
        );
      },
    ];
    for (const fetch of throwers) {
      const error = await failure(client({ fetch }).tokens.list("svc_etl"));
      expect(error).toBeInstanceOf(ConnectionError);
      expectNone(error, [BEARER]);
    }
  });

  it("arguments with a throwing getter or proxy are refused before sending, by every kind of call", async () => {
    const boom = () => {
      throw new Error(`Bearer ${BEARER}`);
    };
    const getter = (key: string) => Object.defineProperty({}, key, { enumerable: true, get: boom });
    const trap = new Proxy({}, { ownKeys: boom });
    const md = client();
    const calls = [
      () => md.tokens.create("svc_etl", getter("name") as never),
      () => md.tokens.create("svc_etl", { name: "n" }, trap as never),
      () => md.users.list(getter("limit") as never),
      () => md.dives.createEmbedSession("3fa85f64-5717-4562-b3fc-2c963f66afa6", getter("username") as never),
      () => md.ducklings.update("svc_etl", trap as never),
    ];
    for (const call of calls) {
      const error = await failure(call());
      expect(error).toBeInstanceOf(ValidationError);
      expectNone(error, [BEARER]);
    }
    expect(server.requests).toHaveLength(0);
  });

  it("arguments nested deeper than the copy follows are refused before sending, saying so", async () => {
    let initial_state: Record<string, unknown> = {};
    for (let i = 0; i < 600; i++) initial_state = { next: initial_state };
    const embed = client().dives.createEmbedSession("3fa85f64-5717-4562-b3fc-2c963f66afa6", {
      username: "svc_bi",
      initial_state,
    });
    const error = await failure(embed);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      { path: "arguments", message: "are nested more than 512 levels deep" },
    ]);
    expect(server.requests).toHaveLength(0);
  });

  it("a getter is read once: what was checked is what is sent", async () => {
    let reads = 0;
    const body = Object.defineProperty({}, "name", {
      enumerable: true,
      get: () => (++reads === 1 ? "checked" : ""),
    });
    await client().tokens.create("svc_etl", body as never);
    expect(server.requests[0]!.json).toEqual({ name: "checked" });
  });

  it("client options or an identity that are hostile proxies give a scrubbed ValidationError", () => {
    const trap = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error(BEARER);
        },
      },
    );
    for (const options of [trap, { token: BEARER, identity: trap }]) {
      const error = thrown(() => createMotherDuckClient(options as never));
      expect(error).toBeInstanceOf(ValidationError);
      expectNone(error, [BEARER]);
    }
  });

  it("a signal-like object without throwIfAborted works", async () => {
    const controller = new AbortController();
    const signal = {
      get aborted() {
        return controller.signal.aborted;
      },
      get reason() {
        return controller.signal.reason as unknown;
      },
      addEventListener: controller.signal.addEventListener.bind(controller.signal),
      removeEventListener: controller.signal.removeEventListener.bind(controller.signal),
    };
    controller.abort(new Error("stopped"));
    const error = await failure(client().tokens.list("svc_etl", { signal: signal as never }));
    expect((error as Error).message).toBe("stopped");
  });

  it("a logger getter that throws only on a second read cannot break client creation", () => {
    let reads = 0;
    const logger = Object.defineProperty({}, "warn", {
      get() {
        if (++reads > 1) throw new Error("second read");
        return () => undefined;
      },
    });
    expect(() => client({ logger: logger as never })).not.toThrow();
  });
});

describe("what reaches a terminal or a log is printable", () => {
  it("log lines escape a username's and a server's control characters", async () => {
    const lines: string[] = [];
    const md = client({ logger: { debug: (message) => lines.push(message), warn: (m) => lines.push(m) } });
    server.reply({ status: 400, body: { code: "E\u001b]0;pwned\u0007\nFAKE", message: "m", issues: [] } });
    await md.tokens.create("svc\u001b[2J\u009b31m", { name: "n", token_type: "read_scaling" }).catch(() => undefined);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toMatch(CONTROL);
  });

  it("a server's newline cannot forge a line of the message, and code is printable", async () => {
    server.reply({ status: 400, body: { code: "E\nHint: FAKE", message: "one\ntwo", issues: [] } });
    const error = (await failure(client().tokens.create("svc_etl", { name: "n" }))) as BadRequestError;
    expect(error.message).not.toMatch(CONTROL);
    expect(error.code).not.toMatch(CONTROL);
    expect(inspect(error).split("\n")[0]).not.toContain("FAKE\n");
  });

  it("an unknown body key with a newline stays on one line", async () => {
    const error = await failure(client().tokens.create("svc_etl", { name: "n", "a\nFAKE": 1 } as never));
    expect((error as Error).message).not.toMatch(CONTROL);
  });

  it("a connection error's message is cut to a readable length", async () => {
    const fetch: FetchFunction = async () => {
      throw new Error("x".repeat(5 * 1024 * 1024));
    };
    const error = await failure(client({ fetch }).tokens.list("svc_etl"));
    expect((error as Error).message.length).toBeLessThan(1200);
  });
});

describe("options", () => {
  it("null is refused, not taken for the default", () => {
    for (const key of ["baseUrl", "token", "timeoutMs", "maxRetries", "fetch"]) {
      const error = thrown(() => createMotherDuckClient({ token: BEARER, [key]: null } as never));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues).toContainEqual({
        path: key,
        message: "must not be null (leave it out for its default)",
      });
    }
  });

  it("a bearer token too short to be scrubbed by value is refused", () => {
    expect(() => createMotherDuckClient({ token: "sekr3t" })).toThrow(/at least 8 characters/);
  });

  it("an option named after a secret does not print it", () => {
    const error = thrown(() => createMotherDuckClient({ token: BEARER, [BEARER]: 1, [JWT]: 2 } as never));
    expect(error).toBeInstanceOf(ValidationError);
    expectNone(error, [BEARER, JWT]);
  });
});

describe("a 404 body cut at the limit", () => {
  it("gets no guess that the route is wrong", async () => {
    server.reply({ status: 404, body: { code: "NOT_FOUND", message: "x".repeat(2 * 1024 * 1024), issues: [] } });
    const error = (await failure(client().tokens.list("svc_etl"))) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.hint).toBeUndefined();
  });
});

describe("an abort after a create has answered 2xx", () => {
  it("keeps the minted token: the global fetch's body is read to the end", async () => {
    const { createServer } = await import("node:http");
    const minted = JSON.stringify({
      token: JWT,
      id: "3fa85f64-5717-4562-b3fc-2c963f66afa6",
      name: "kept",
      created_ts: "2026-11-27T00:00:00.000Z",
      read_only: false,
      token_type: "read_write",
    });
    // Headers at once; the body 150 ms later.
    const slow = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.flushHeaders();
      setTimeout(() => response.end(minted), 150);
    });
    await new Promise<void>((resolve) => slow.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = slow.address() as { port: number };
      const md = createMotherDuckClient({ token: BEARER, baseUrl: `http://127.0.0.1:${port}`, logger: {} });
      const token = await md.tokens.create("svc_etl", { name: "kept" }, { signal: AbortSignal.timeout(60) });
      expect(token.id).toBe("3fa85f64-5717-4562-b3fc-2c963f66afa6");
    } finally {
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
    }
  });
});

describe("with the emulator", () => {
  const emulator = useEmulator();
  const admin = () => createMotherDuckClient({ token: emulator.adminToken, baseUrl: emulator.url, logger: {} });

  it("an abort after a create has answered 2xx keeps the minted token", async () => {
    await admin().users.createServiceAccount("svc_abort");
    const controller = new AbortController();
    // The create's answer arrives; its body is still on its way when the caller aborts.
    const fetch: FetchFunction = async (url, init) => {
      const real = await globalThis.fetch(url, init);
      if (init.method !== "POST") return real;
      const bytes = new Uint8Array(await real.arrayBuffer());
      setTimeout(() => controller.abort(new Error("too late")), 10);
      const slowBody = new ReadableStream({
        async pull(stream) {
          await new Promise((resolve) => setTimeout(resolve, 60));
          stream.enqueue(bytes);
          stream.close();
        },
      });
      return new Response(slowBody, { status: real.status, headers: real.headers });
    };
    const md = createMotherDuckClient({ token: emulator.adminToken, baseUrl: emulator.url, fetch, logger: {} });
    const token = await md.tokens.create("svc_abort", { name: "kept" }, { signal: controller.signal });
    expect(token.token).toMatch(/^eyJ/);
    const listed = await admin().tokens.list("svc_abort");
    expect(listed.map((t) => t.id)).toEqual([token.id]);
  });

  it("rotate's beforeRevoke runs with the new token before the old is revoked; if it fails, the old stays", async () => {
    const md = admin();
    await md.users.createServiceAccount("svc_rotate");
    const old = await md.tokens.create("svc_rotate", { name: "old" });
    let deployed: string | undefined;
    const fresh = await md.tokens.rotate(
      "svc_rotate",
      old.id,
      {},
      {
        beforeRevoke: async (token) => {
          deployed = token.token;
          expect((await md.tokens.list("svc_rotate")).map((t) => t.id)).toContain(old.id);
        },
      },
    );
    expect(deployed).toBe(fresh.token);
    expect((await md.tokens.list("svc_rotate")).map((t) => t.id)).toEqual([fresh.id]);

    const error = await failure(
      md.tokens.rotate(
        "svc_rotate",
        fresh.id,
        {},
        {
          beforeRevoke: () => {
            throw new Error("vault is down");
          },
        },
      ),
    );
    expect(error).toBeInstanceOf(TokenRotationError);
    expect((error as TokenRotationError).stage).toBe("beforeRevoke");
    const kept = (await md.tokens.list("svc_rotate")).map((t) => t.id);
    expect(kept).toContain(fresh.id);
    expect(kept).toContain((error as TokenRotationError).newToken.id);
  });
});
