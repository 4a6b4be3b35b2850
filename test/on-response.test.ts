// The onResponse call option: which answers it sees and when, that it is checked like the other call options,
// and that it can never fail or change the call. Against the emulator (whose exchanges carry the request id it
// sent) and a recording loopback server (for retries and errors it is told to give).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConnectionError, NotFoundError, ValidationError, createMotherDuckClient } from "../src/index.js";
import type { MotherDuckClient, ResponseInfo } from "../src/index.js";
import { useEmulator } from "./helpers/emulator.js";
import { closedPort } from "./helpers/closed-port.js";
import { inTurn, useRecordingServer } from "./helpers/recording-server.js";

const DIVE = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
const BEARER = "md-test-bearer-0123456789";

describe("onResponse against the emulator", () => {
  const emulator = useEmulator();
  const client = () =>
    createMotherDuckClient({ token: emulator.adminToken, baseUrl: emulator.url, maxRetries: 0, logger: {} });

  /** Runs `call` with an onResponse that records what it saw, and what the emulator answered meanwhile. */
  async function observed(call: (options: { onResponse: (info: ResponseInfo) => void }) => Promise<unknown>) {
    const seen: ResponseInfo[] = [];
    const before = emulator.exchanges.length;
    await call({ onResponse: (info) => seen.push(info) });
    const answered = emulator.exchanges.slice(before);
    return { seen, answered };
  }

  // Every resource call, in an order that leaves each one something to act on. A call marked LOOKUP first
  // looks up what it acts on, without the option: the first answer is not its own.
  const LOOKUP = 1;
  const calls: [string, (md: MotherDuckClient, options: object) => Promise<unknown>, number?][] = [
    ["users.createServiceAccount", (md, o) => md.users.createServiceAccount("svc_obs", o)],
    ["tokens.create", (md, o) => md.tokens.create("svc_obs", { name: "one", token_type: "read_write" }, o)],
    ["tokens.list", (md, o) => md.tokens.list("svc_obs", o)],
    [
      "tokens.rotate",
      async (md, o) => md.tokens.rotate("svc_obs", (await md.tokens.list("svc_obs"))[0]!.id, {}, o),
      LOOKUP,
    ],
    [
      "tokens.delete",
      async (md, o) => md.tokens.delete("svc_obs", (await md.tokens.list("svc_obs"))[0]!.id, o),
      LOOKUP,
    ],
    ["users.list", (md, o) => md.users.list({}, o)],
    [
      "users.iterate",
      async (md, o) => {
        for await (const user of md.users.iterate({}, o)) void user;
      },
    ],
    ["ducklings.get", (md, o) => md.ducklings.get("svc_obs", o)],
    ["ducklings.set", async (md, o) => md.ducklings.set("svc_obs", await md.ducklings.get("svc_obs"), o), LOOKUP],
    ["ducklings.update", (md, o) => md.ducklings.update("svc_obs", { read_scaling: { flock_size: 2 } }, o)],
    ["accounts.listActive", (md, o) => md.accounts.listActive(o)],
    ["dives.createEmbedSession", (md, o) => md.dives.createEmbedSession(DIVE, { username: "svc_obs" }, o)],
    ["users.delete", (md, o) => md.users.delete("svc_obs", o)],
  ];

  it("every resource call reports each answer it got: status, the emulator's request id, attempts", async () => {
    const counts: Record<string, number> = {};
    for (const [name, call, lookups = 0] of calls) {
      const md = client();
      const { seen, answered } = await observed((options) => call(md, options));
      const own = answered.slice(lookups);
      expect(seen, name).toEqual(
        own.map((exchange) => ({ status: exchange.status, requestId: exchange.requestId, attempts: 1 })),
      );
      counts[name] = seen.length;
    }
    // The calls that make several requests: rotate lists, creates and revokes; update reads and writes.
    expect(counts).toMatchObject({ "tokens.rotate": 3, "ducklings.update": 2, "tokens.create": 1 });
    expect(Object.values(counts).every((count) => count >= 1)).toBe(true);
  });

  it("an API error is reported before the call rejects, with the error's request id", async () => {
    const order: string[] = [];
    const failure = await client()
      .tokens.list("nobody_here", { onResponse: (info) => order.push(`onResponse ${info.status} ${info.requestId}`) })
      .catch((error: unknown) => {
        order.push("rejected");
        return error;
      });
    expect(failure).toBeInstanceOf(NotFoundError);
    expect(order).toEqual([`onResponse 404 ${(failure as NotFoundError).requestId}`, "rejected"]);
  });

  it("users.list calls it once per page, each with that page's request id", async () => {
    for (let i = 0; i < 4; i++) await client().users.createServiceAccount(`svc_page_${i}`);
    const { seen, answered } = await observed((options) => client().users.list({ limit: 2 }, options));
    expect(answered.length).toBeGreaterThanOrEqual(3);
    expect(seen.map((info) => info.requestId)).toEqual(answered.map((exchange) => exchange.requestId));
    expect(new Set(seen.map((info) => info.requestId)).size).toBe(seen.length);
  });
});

describe("onResponse against a recording server", () => {
  const server = useRecordingServer();
  const client = () => createMotherDuckClient({ token: BEARER, baseUrl: server.url, maxRetries: 2, logger: {} });
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => void process.on("unhandledRejection", onUnhandled));
  afterEach(() => void process.off("unhandledRejection", onUnhandled));

  it("is called once, after the retries, with the number of attempts", async () => {
    server.reply(
      inTurn(
        { status: 503, headers: { "x-request-id": "req-1", "retry-after": "0" }, body: { message: "busy" } },
        { status: 200, headers: { "x-request-id": "req-2" }, body: { tokens: [] } },
      ),
    );
    const seen: ResponseInfo[] = [];
    await expect(client().tokens.list("svc", { onResponse: (info) => seen.push(info) })).resolves.toEqual([]);
    expect(seen).toEqual([{ status: 200, requestId: "req-2", attempts: 2 }]);
  });

  it("an answer without x-request-id gives requestId undefined", async () => {
    server.reply({ status: 200, body: { tokens: [] } });
    const seen: ResponseInfo[] = [];
    await client().tokens.list("svc", { onResponse: (info) => seen.push(info) });
    expect(seen).toEqual([{ status: 200, requestId: undefined, attempts: 1 }]);
  });

  it("a value that is not a function is refused like any bad call option, and nothing is sent", async () => {
    for (const onResponse of ["log", 1, null, {}]) {
      const failure = await client()
        .tokens.list("svc", { onResponse } as never)
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ValidationError);
      expect((failure as ValidationError).issues).toEqual([
        { path: "options.onResponse", message: "must be a function" },
      ]);
    }
    expect(server.requests).toHaveLength(0);
  });

  it("one that throws or rejects changes nothing: same result, same error, no unhandled rejection", async () => {
    server.reply({ status: 200, headers: { "x-request-id": "req-ok" }, body: { tokens: [] } });
    const throwing = () => {
      throw new Error("observer broke");
    };
    const rejecting = () => Promise.reject(new Error("observer broke later"));
    for (const onResponse of [throwing, rejecting]) {
      await expect(client().tokens.list("svc", { onResponse })).resolves.toEqual([]);
    }
    server.reply({ status: 404, body: { code: "NOT_FOUND", message: "no such user" } });
    for (const onResponse of [throwing, rejecting]) {
      await expect(client().tokens.list("svc", { onResponse })).rejects.toBeInstanceOf(NotFoundError);
    }
    // A rejection nobody handles is reported on a later turn of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled).toEqual([]);
    expect(server.requests).toHaveLength(4);
  });

  it("is not called when no answer came", async () => {
    const seen: ResponseInfo[] = [];
    const md = createMotherDuckClient({
      token: BEARER,
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
      maxRetries: 0,
      logger: {},
    });
    await expect(md.tokens.list("svc", { onResponse: (info) => seen.push(info) })).rejects.toBeInstanceOf(
      ConnectionError,
    );
    expect(seen).toEqual([]);
  });
});
