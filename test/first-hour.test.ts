// A new user's first hour with the library: typos in options are named, a created service account passes
// the client's own guard, each call takes its own options, warnings reach someone, errors say where.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  ConnectionError,
  PermissionDeniedError,
  TimeoutError,
  TokenScopeError,
  ValidationError,
  createMotherDuckClient,
} from "../src/index.js";
import type {
  AuthenticationError,
  BadRequestError,
  ClientOptions,
  NotFoundError,
  RateLimitError,
} from "../src/index.js";
import { closedPort } from "./helpers/closed-port.js";
import { useEmulator } from "./helpers/emulator.js";
import { inTurn, tokenReply, useRecordingServer } from "./helpers/recording-server.js";
import { thrown } from "./helpers/thrown.js";

const BEARER = "md-test-bearer-0123456789";

describe("unknown options are refused, with the nearest right name", () => {
  const cases: Array<[Record<string, unknown>, string, string | undefined]> = [
    [{ baseURL: "https://api.motherduck.com" }, "baseURL", "baseUrl"],
    [{ apiKey: BEARER }, "apiKey", "token"],
    [{ timeout: 1000 }, "timeout", "timeoutMs"],
    [{ retries: 1 }, "retries", "maxRetries"],
    [{ maxRetry: 1 }, "maxRetry", "maxRetries"],
    [
      { identity: { username: "alice", serviceAccount: ["svc"] } },
      "identity.serviceAccount",
      "identity.serviceAccounts",
    ],
    [{ colour: "blue" }, "colour", undefined],
  ];
  for (const [options, path, suggestion] of cases) {
    it(`${path}${suggestion ? ` → ${suggestion}` : ""}`, () => {
      const error = thrown(() => createMotherDuckClient({ token: BEARER, ...options } as ClientOptions));
      expect(error).toBeInstanceOf(ValidationError);
      const issue = (error as ValidationError).issues.find((i) => i.path === path);
      expect(issue?.message).toMatch(/is not an option/);
      if (suggestion) expect((error as Error).message).toContain(`did you mean ${suggestion}?`);
      else expect((error as Error).message).not.toContain("did you mean");
    });
  }
});

describe("a service account the client creates joins identity.serviceAccounts", () => {
  const emulator = useEmulator();

  it("create-then-mint passes the S3 guard; after deleting it, the guard refuses again", async () => {
    const md = createMotherDuckClient({
      token: emulator.adminToken,
      baseUrl: emulator.url,
      identity: { username: "alice", role: "admin", serviceAccounts: ["svc_old"] },
    });
    const refusedBefore = await md.tokens.create("svc_new", { name: "first" }).catch((e: unknown) => e);
    expect(refusedBefore).toBeInstanceOf(TokenScopeError);
    expect((refusedBefore as TokenScopeError).rule).toBe("S3");
    expect((refusedBefore as Error).message).toContain("not in identity.serviceAccounts");

    await md.users.createServiceAccount("svc_new");
    const token = await md.tokens.create("svc_new", { name: "first" });
    expect(token.token).toMatch(/^eyJ/);

    await md.users.delete("svc_new");
    const refusedAfter = await md.tokens.create("svc_new", { name: "again" }).catch((e: unknown) => e);
    expect(refusedAfter).toBeInstanceOf(TokenScopeError);
  });

  it("another client's list is its own", async () => {
    const identity = { username: "alice", role: "admin" as const, serviceAccounts: ["svc_old"] };
    const first = createMotherDuckClient({ token: emulator.adminToken, baseUrl: emulator.url, identity });
    const second = createMotherDuckClient({ token: emulator.adminToken, baseUrl: emulator.url, identity });
    await first.users.createServiceAccount("svc_mine");
    expect(identity.serviceAccounts).toEqual(["svc_old"]);
    await expect(second.tokens.create("svc_mine", { name: "x" })).rejects.toBeInstanceOf(TokenScopeError);
    await first.users.delete("svc_mine");
  });
});

describe("per-call options: { signal?, timeoutMs?, maxRetries? }", () => {
  const server = useRecordingServer();
  const client = (options: Partial<ClientOptions> = {}) =>
    createMotherDuckClient({ token: BEARER, baseUrl: server.url, logger: {}, ...options });

  it("maxRetries: 0 on one call turns its retries off; the next call retries as the client says", async () => {
    const md = client({ maxRetries: 2 });
    server.reply({ status: 503, body: { code: "UNAVAILABLE", message: "down", issues: [] } });
    await expect(md.tokens.list("svc_etl", { maxRetries: 0 })).rejects.toThrow(/503/);
    expect(server.requests).toHaveLength(1);
    server.reply(
      inTurn({ status: 503, body: { code: "UNAVAILABLE", message: "down", issues: [] } }, { body: { tokens: [] } }),
    );
    await expect(md.tokens.list("svc_etl")).resolves.toEqual([]);
    expect(server.requests).toHaveLength(3);
  });

  it("timeoutMs on one call overrides the client's, either way", async () => {
    server.reply({ hang: true });
    const quick = await client({ timeoutMs: 60_000, maxRetries: 0 })
      .tokens.list("svc_etl", { timeoutMs: 100 })
      .catch((e: unknown) => e);
    expect(quick).toBeInstanceOf(TimeoutError);
    expect((quick as TimeoutError).timeoutMs).toBe(100);

    server.reply(() => new Promise((resolve) => setTimeout(() => resolve({ body: { tokens: [] } }), 300)));
    const patient = client({ timeoutMs: 100, maxRetries: 0 }).tokens.list("svc_etl", { timeoutMs: 5_000 });
    await expect(patient).resolves.toEqual([]);
  });

  it("bad call options are refused before anything is sent, with typos named", async () => {
    const md = client();
    for (const options of [{ timeoutMs: 0 }, { maxRetries: -1 }, { signal: "stop" }, { timeout: 5 }, null]) {
      const error = await md.tokens.list("svc_etl", options as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
    }
    const typo = await md.tokens.create("svc_etl", { name: "n" }, { timeout: 5 } as never).catch((e: unknown) => e);
    expect((typo as Error).message).toContain("did you mean options.timeoutMs?");
    expect(server.requests).toHaveLength(0);
  });

  it("every method takes them last", async () => {
    const md = client();
    const options = { maxRetries: 0, timeoutMs: 5_000 };
    server.reply(tokenReply);
    await md.tokens.create("svc_etl", { name: "n" }, options);
    server.reply({ body: { tokens: [] } });
    await md.tokens.list("svc_etl", options);
    server.reply({ body: {} });
    await md.tokens.delete("svc_etl", "3fa85f64-5717-4562-b3fc-2c963f66afa6", options);
    server.reply({ body: { username: "svc_etl" } });
    await md.users.createServiceAccount("svc_etl", options);
    await md.users.delete("svc_etl", options);
    expect(server.requests).toHaveLength(5);
  });
});

describe("warnings reach someone by default", () => {
  const server = useRecordingServer();
  const fixture = join(import.meta.dirname, "fixtures/log-destinations.ts");
  const respond = () =>
    server.reply((request) => (request.method === "GET" ? { body: { tokens: [] } } : tokenReply(request)));

  function run(mode: string, env: Record<string, string> = {}) {
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", fixture, server.url, mode], {
        env: { PATH: process.env.PATH ?? "", ...env },
        stdio: ["ignore", "pipe", "pipe"],
        timeout: 20_000,
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
  }
  const lines = (text: string) => text.split("\n").filter(Boolean);

  it("without a logger, the S5 warning goes to stderr as one line", async () => {
    respond();
    const result = await run("default");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^motherduck-rest warning: .*rule S5/);
  });

  it("MOTHERDUCK_REST_LOG=debug adds one line per attempt; =off silences everything", async () => {
    respond();
    const debug = await run("default", { MOTHERDUCK_REST_LOG: "debug" });
    expect(lines(debug.stderr).map((line) => line.split(":")[0])).toEqual([
      "motherduck-rest debug",
      "motherduck-rest warning",
      "motherduck-rest debug",
    ]);
    const off = await run("default", { MOTHERDUCK_REST_LOG: "off" });
    expect(off.code).toBe(0);
    expect(off.stderr).toBe("");
    // No warn destination, so the S5 check's list call is not made either.
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "POST", "POST"]);
  });

  it("MOTHERDUCK_REST_LOG with an unknown level is refused when the client is created", async () => {
    const result = await run("default", { MOTHERDUCK_REST_LOG: "verbose" });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("MOTHERDUCK_REST_LOG must be one of debug, warn, off");
  });

  it("logger: console prints one line per event, and never the bearer token", async () => {
    respond();
    const result = await run("console");
    expect(result.code).toBe(0);
    // console.debug writes to stdout, console.warn to stderr: two attempts, one warning.
    expect(lines(result.stdout)).toHaveLength(2);
    expect(lines(result.stdout)[0]).toMatch(/^GET \/v1\/users\/svc_etl\/tokens 200 \(attempt 1, \d+ ms\)$/);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stdout + result.stderr).not.toContain(BEARER);
  });
});

describe("error details", () => {
  it("ConnectionError names the host it tried", async () => {
    const port = await closedPort();
    const error = await createMotherDuckClient({
      token: BEARER,
      baseUrl: `http://127.0.0.1:${port}`,
      maxRetries: 0,
      logger: {},
    })
      .tokens.list("svc_etl")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toContain(`at 127.0.0.1:${port}`);
  });

  describe("every 403 from an admin call carries a hint", () => {
    const emulator = useEmulator();
    it("for the member's own calls refused by the server, and the read-scaling token's (S4)", async () => {
      const member = createMotherDuckClient({ token: emulator.memberToken, baseUrl: emulator.url, logger: {} });
      const admin = createMotherDuckClient({ token: emulator.adminToken, baseUrl: emulator.url, logger: {} });
      const replica = await admin.tokens.create("alice", { name: "replica", token_type: "read_scaling" });
      const readScaling = createMotherDuckClient({ token: replica.token, baseUrl: emulator.url, logger: {} });
      const refusals = [
        () => member.tokens.list("alice"),
        () => member.tokens.delete("alice", "3fa85f64-5717-4562-b3fc-2c963f66afa6"),
        () => member.users.createServiceAccount("svc_hint"),
        () => member.users.delete("alice"),
        () => readScaling.tokens.list("alice"),
      ];
      for (const refusal of refusals) {
        const error = await refusal().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PermissionDeniedError);
        expect((error as PermissionDeniedError).hint).toMatch(/admin call.*S2.*S4/s);
      }
    });
  });

  it("each status class has its status as a literal type", () => {
    expectTypeOf<PermissionDeniedError["status"]>().toEqualTypeOf<403>();
    expectTypeOf<BadRequestError["status"]>().toEqualTypeOf<400>();
    expectTypeOf<AuthenticationError["status"]>().toEqualTypeOf<401>();
    expectTypeOf<NotFoundError["status"]>().toEqualTypeOf<404>();
    expectTypeOf<RateLimitError["status"]>().toEqualTypeOf<429>();
  });
});
