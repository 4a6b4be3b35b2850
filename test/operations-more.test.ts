// The operations added to the client this round, against a recording loopback server: what each sends,
// what it refuses before sending, how it pages and how it retries, counted by the requests received.
import { describe, expect, it } from "vitest";
import {
  InternalServerError,
  ResponseShapeError,
  TokenScopeError,
  ValidationError,
  createMotherDuckClient,
} from "../src/index.js";
import type { ClientOptions, DucklingConfig } from "../src/index.js";
import { MAX_PAGES } from "../src/resources/paging.js";
import { printedForms } from "./helpers/printed.js";
import { inTurn, useRecordingServer } from "./helpers/recording-server.js";
import type { RecordedRequest, Reply } from "./helpers/recording-server.js";

const BEARER = "md-test-bearer-0123456789";
const DIVE = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
const server = useRecordingServer();
const warnings: string[] = [];
const client = (options: Partial<ClientOptions> = {}) =>
  createMotherDuckClient({
    token: BEARER,
    baseUrl: server.url,
    maxRetries: 0,
    logger: { warn: (message) => warnings.push(message) },
    ...options,
  });
const query = (request: RecordedRequest) => Object.fromEntries(new URL(request.rawPath, "http://x").searchParams);
const user = (id: number) => ({ id: `u${id}`, username: `user_${id}` });
const error = (status: number): Reply => ({ status, body: { code: "X", message: "no", issues: [] } });

async function refusedBeforeSending(call: Promise<unknown>, path?: RegExp) {
  const failure = await call.catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(ValidationError);
  if (path) expect((failure as ValidationError).issues.map((i) => i.path).join(" ")).toMatch(path);
  expect(server.requests).toHaveLength(0);
}

describe("users.list and users.iterate", () => {
  /** Pages of two users each over `total` users, by an offset page token; `overlap` repeats a user. */
  function pager(total: number, last: "null" | "empty" | "absent" = "null") {
    return (request: RecordedRequest): Reply => {
      const offset = Number(query(request).page_token ?? 0);
      const users = [offset, offset + 1].filter((i) => i < total).map(user);
      if (offset > 0) users.unshift(user(offset - 1)); // pages overlap, as when users are added mid-walk
      const more = offset + 2 < total;
      const end = last === "null" ? { next_page_token: null } : last === "empty" ? { next_page_token: "" } : {};
      return { body: { users, ...(more ? { next_page_token: String(offset + 2) } : end) } };
    };
  }

  for (const last of ["null", "empty", "absent"] as const) {
    it(`reads every page with the same filters and limit, drops repeats by id, and stops on a ${last} token`, async () => {
      server.reply(pager(5, last));
      const users = await client().users.list({ is_service_account: true, limit: 2 });
      expect(users.map((u) => u.id)).toEqual(["u0", "u1", "u2", "u3", "u4"]);
      expect(server.requests.map(query)).toEqual([
        { is_service_account: "true", limit: "2" },
        { is_service_account: "true", limit: "2", page_token: "2" },
        { is_service_account: "true", limit: "2", page_token: "4" },
      ]);
    });
  }

  it("iterate fetches a page only when the users before it are consumed", async () => {
    server.reply(pager(6));
    const seen: string[] = [];
    for await (const found of client().users.iterate({ limit: 2 })) {
      seen.push(found.id);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual(["u0", "u1"]);
    expect(server.requests).toHaveLength(1);
  });

  it("a server that repeats a page token gets an error, not an endless loop", async () => {
    server.reply({ body: { users: [user(1)], next_page_token: "same" } });
    const failure = await client()
      .users.list()
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ResponseShapeError);
    expect((failure as Error).message).toMatch(/repeats a page token/);
    expect(server.requests).toHaveLength(2);
  });

  it(`a server that pages without end is stopped after ${MAX_PAGES} pages`, async () => {
    let page = 0;
    server.reply(() => ({ body: { users: [], next_page_token: `t${++page}` } }));
    const failure = await client()
      .users.list()
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ResponseShapeError);
    expect(server.requests).toHaveLength(MAX_PAGES);
  }, 60_000);

  it("refuses unknown or mistyped filters, and a page token, before sending", async () => {
    await refusedBeforeSending(client().users.list({ limit: "10" } as never), /limit/);
    await refusedBeforeSending(client().users.list({ is_admin: true } as never), /is_admin/);
    await refusedBeforeSending(client().users.list({ page_token: "x" } as never), /page_token/);
    expect(() => client().users.iterate(null as never)).toThrow(ValidationError);
  });

  it("reads are retried: a 503 then the page", async () => {
    server.reply(inTurn(error(503), { body: { users: [user(1)], next_page_token: null } }));
    await expect(client({ maxRetries: 2 }).users.list()).resolves.toHaveLength(1);
    expect(server.requests).toHaveLength(2);
  });
});

describe("ducklings", () => {
  const config: DucklingConfig = {
    read_write: { instance_size: "standard", cooldown_seconds: 600 },
    read_scaling: { instance_size: "standard", flock_size: 2, cooldown_seconds: 120 },
  };

  it("get reads GET /v1/users/{username}/instances; set sends { config } with PUT", async () => {
    server.reply({ body: config });
    await expect(client().ducklings.get("svc_etl")).resolves.toEqual(config);
    await expect(client().ducklings.set("svc_etl", config)).resolves.toEqual(config);
    expect(server.requests.map((r) => `${r.method} ${r.rawPath}`)).toEqual([
      "GET /v1/users/svc_etl/instances",
      "PUT /v1/users/svc_etl/instances",
    ]);
    expect(server.requests[1]!.json).toEqual({ config });
  });

  it("set refuses, before sending, what breaks the spec and a cooldown with pulse", async () => {
    const bad: unknown[] = [
      { ...config, read_write: { instance_size: "huge" } },
      { ...config, read_scaling: { instance_size: "pulse", flock_size: 65 } },
      { ...config, read_write: { instance_size: "standard", cooldown_seconds: 30 } },
      { read_write: config.read_write },
      { ...config, read_write: { instance_size: "pulse", cooldown_seconds: 60 } },
    ];
    for (const value of bad) await refusedBeforeSending(client().ducklings.set("svc_etl", value as DucklingConfig));
    const pulse = await client()
      .ducklings.set("svc_etl", {
        ...config,
        read_scaling: { instance_size: "pulse", flock_size: 1, cooldown_seconds: 60 },
      })
      .catch((e: unknown) => e);
    expect((pulse as ValidationError).issues.map((i) => i.path)).toEqual(["config.read_scaling.cooldown_seconds"]);
  });

  it("set names its argument, config, in its issues, as update names its change", async () => {
    const missing = await client()
      .ducklings.set("svc_etl", { read_write: config.read_write } as DucklingConfig)
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ValidationError);
    expect((missing as ValidationError).issues).toEqual([{ path: "config.read_scaling", message: "is required" }]);
    expect((missing as Error).message).toBe("Invalid request: config.read_scaling is required");
    const wrongSize = await client()
      .ducklings.set("svc_etl", { ...config, read_write: { instance_size: "huge" } } as unknown as DucklingConfig)
      .catch((e: unknown) => e);
    expect((wrongSize as ValidationError).issues.map((i) => i.path)).toEqual(["config.read_write.instance_size"]);
    expect(server.requests).toHaveLength(0);
  });

  it("a PUT is retried like a read: 429, 502, 503 and 504, then success", async () => {
    server.reply(inTurn(error(503), error(502), { body: config }));
    await expect(client({ maxRetries: 2 }).ducklings.set("svc_etl", config)).resolves.toEqual(config);
    expect(server.requests.map((r) => r.method)).toEqual(["PUT", "PUT", "PUT"]);
    server.reply(inTurn(error(504), { status: 429, headers: { "retry-after": "0" }, body: {} }, { body: config }));
    await expect(client({ maxRetries: 2 }).ducklings.set("svc_etl", config)).resolves.toEqual(config);
    expect(server.requests).toHaveLength(6);
  });

  it("update reads, merges field by field and writes back", async () => {
    server.reply((request) => ({
      body: request.method === "GET" ? config : (request.json as { config: unknown }).config,
    }));
    const result = await client().ducklings.update("svc_etl", { read_scaling: { flock_size: 4 } });
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "PUT"]);
    expect(server.requests[1]!.json).toEqual({
      config: { read_write: config.read_write, read_scaling: { ...config.read_scaling, flock_size: 4 } },
    });
    expect(result.read_scaling.flock_size).toBe(4);
  });

  it("a half that switches to pulse loses its cooldown unless the change gives one (then it is refused)", async () => {
    server.reply((request) => ({
      body: request.method === "GET" ? config : (request.json as { config: unknown }).config,
    }));
    await client().ducklings.update("svc_etl", { read_write: { instance_size: "pulse" } });
    expect(server.requests[1]!.json).toEqual({
      config: { read_write: { instance_size: "pulse" }, read_scaling: config.read_scaling },
    });
    server.requests.length = 0;
    await refusedBeforeSending(
      client().ducklings.update("svc_etl", { read_write: { instance_size: "pulse", cooldown_seconds: 60 } }),
      /change.read_write.cooldown_seconds/,
    );
  });

  it("update refuses a bad change before reading anything", async () => {
    await refusedBeforeSending(client().ducklings.update("svc_etl", { read_write: { size: "big" } } as never), /size/);
    await refusedBeforeSending(client().ducklings.update("svc_etl", { read_scaling: { flock_size: -1 } }));
  });

  it("a declared member is refused another user's config (S2), and the server decides their own", async () => {
    const member = client({ identity: { username: "bob", role: "member" } });
    const refused = await member.ducklings.get("svc_etl").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TokenScopeError);
    expect((refused as TokenScopeError).rule).toBe("S2");
    await expect(member.ducklings.update("svc_etl", {})).rejects.toBeInstanceOf(TokenScopeError);
    expect(server.requests).toHaveLength(0);
    server.reply({ body: config });
    await member.ducklings.get("bob");
    expect(server.requests).toHaveLength(1);
  });
});

describe("accounts.listActive", () => {
  it("returns the accounts", async () => {
    const accounts = [{ username: "svc_etl", ducklings: [{ id: "rw", type: "read_write", status: "active" }] }];
    server.reply({ body: { accounts } });
    await expect(client().accounts.listActive()).resolves.toEqual(accounts);
    expect(server.requests.map((r) => `${r.method} ${r.rawPath}`)).toEqual(["GET /v1/active_accounts"]);
  });
});

describe("token descriptions", () => {
  it("tokens.create sends a description; list items carry it, null or absent", async () => {
    server.reply((request) => ({
      body: {
        token: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl",
        id: DIVE,
        name: "n",
        description: (request.json as { description?: string }).description,
        created_ts: "2026-11-27T00:00:00.000Z",
        read_only: false,
        token_type: "read_write",
      },
    }));
    const token = await client().tokens.create("svc_etl", { name: "n", description: "CI loader" });
    expect(server.requests[0]!.json).toEqual({ name: "n", description: "CI loader" });
    expect(token.description).toBe("CI loader");
    const base = { created_ts: "2026-11-27T00:00:00.000Z", read_only: false, token_type: "read_write" };
    server.reply({
      body: {
        tokens: [
          { id: "a", description: "set", ...base },
          { id: "b", description: null, ...base },
          { id: "c", ...base },
        ],
      },
    });
    const listed = await client().tokens.list("svc_etl");
    expect(listed.map((t) => t.description)).toEqual(["set", null, undefined]);
  });

  it("refuses the reserved names and a description out of bounds, before sending", async () => {
    for (const name of ["MotherDuck Extension", "MotherDuck Flights"]) {
      await refusedBeforeSending(client().tokens.create("svc_etl", { name }), /body.name/);
    }
    await refusedBeforeSending(client().tokens.create("svc_etl", { name: "n", description: "" }), /body.description/);
    await refusedBeforeSending(
      client().tokens.create("svc_etl", { name: "n", description: "x".repeat(1001) }),
      /body.description/,
    );
    // Matched exactly, as MotherDuck matches them.
    server.reply({ body: { tokens: [] } });
    server.reply((request) => ({
      body: {
        token: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl",
        id: DIVE,
        name: (request.json as { name: string }).name,
        created_ts: "2026-11-27T00:00:00.000Z",
        read_only: false,
        token_type: "read_write",
      },
    }));
    await client().tokens.create("svc_etl", { name: "motherduck flights" });
    expect(server.requests).toHaveLength(1);
  });
});

describe("dives.createEmbedSession", () => {
  const SESSION = "mdes_opaque-session-value-0123456789abcdef";
  const minted: Reply = { body: { session: SESSION } };
  const embed = (body: unknown, diveId = DIVE, options: Partial<ClientOptions> = {}) =>
    client(options).dives.createEmbedSession(diveId, body as never);

  it("posts the body to /v1/dives/{dive_id}/embed-session and returns { session }", async () => {
    server.reply(minted);
    const session = await embed({ username: "svc_customer_1", session_name: "customer-1", version: 3 });
    expect(session).toEqual({ session: SESSION });
    expect(JSON.parse(JSON.stringify(session))).toEqual({ session: SESSION });
    expect(server.requests.map((r) => `${r.method} ${r.rawPath}`)).toEqual([`POST /v1/dives/${DIVE}/embed-session`]);
    expect(server.requests[0]!.json).toEqual({ username: "svc_customer_1", session_name: "customer-1", version: 3 });
  });

  it("refuses, before sending, each thing MotherDuck would refuse", async () => {
    const fourByteChars = "🦆".repeat(2048); // 8,192 bytes of UTF-8 in 2,048 characters
    const cases: Array<[unknown, string?]> = [
      [{ username: "svc" }, "not-a-uuid"],
      [{}],
      [{ username: "" }],
      [{ username: 7 }],
      [{ username: "svc", session_name: "a", session_hint: "b" }],
      [{ username: "svc", version: 0 }],
      [{ username: "svc", version: 1.5 }],
      [{ username: "svc", required_resources: [{ url: `md:_share/${fourByteChars}` }] }],
      [{ username: "svc", initial_state: [] }],
      [{ username: "svc", initial_state: new Date() }],
      [{ username: "svc", initial_state: { blob: "x".repeat(64 * 1024) } }],
      [{ username: "svc", colour: "blue" }],
    ];
    for (const [body, diveId] of cases) await refusedBeforeSending(embed(body, diveId));
  });

  it("accepts required_resources and initial_state right at their caps", async () => {
    server.reply(minted);
    const overhead = JSON.stringify([{ url: "" }]).length;
    await embed({ username: "svc", required_resources: [{ url: "x".repeat(8192 - overhead) }] });
    const stateOverhead = JSON.stringify({ k: "" }).length;
    await embed({ username: "svc", initial_state: { k: "y".repeat(64 * 1024 - stateOverhead) } });
    expect(server.requests).toHaveLength(2);
  });

  it("session_hint is sent as session_name, with a deprecation warning", async () => {
    server.reply(minted);
    warnings.length = 0;
    await embed({ username: "svc", session_hint: "customer-7" });
    expect(server.requests[0]!.json).toEqual({ username: "svc", session_name: "customer-7" });
    expect(warnings.join("\n")).toMatch(/session_hint is deprecated/);
  });

  it("is never duplicated: a 503 is not retried, a 429 is", async () => {
    server.reply(error(503));
    await expect(embed({ username: "svc" }, DIVE, { maxRetries: 2 })).rejects.toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(1);
    server.reply(inTurn({ status: 429, headers: { "retry-after": "0" }, body: {} }, minted));
    await expect(embed({ username: "svc" }, DIVE, { maxRetries: 2 })).resolves.toEqual({ session: SESSION });
    expect(server.requests).toHaveLength(3);
  });

  it("a minted session joins the redactor: a later error that echoes it does not show it", async () => {
    const md = client();
    server.reply(minted);
    await md.dives.createEmbedSession(DIVE, { username: "svc" });
    server.reply({
      status: 400,
      body: { code: SESSION, message: `bad session ${SESSION}`, issues: [{ message: SESSION }] },
    });
    const failure = await md.dives.createEmbedSession(DIVE, { username: "svc" }).catch((e: unknown) => e);
    for (const view of printedForms(failure)) expect(view).not.toContain(SESSION);
  });
});

describe("what a review found in the new operations", () => {
  const SESSION = "mdes_opaque-session-value-0123456789abcdef";
  const embed = (body: unknown) => client().dives.createEmbedSession(DIVE, body as never);

  it("an initial_state whose toJSON would replace it is refused, as is any function in it", async () => {
    await refusedBeforeSending(embed({ username: "svc", initial_state: { toJSON: () => 1 } }), /initial_state/);
    await refusedBeforeSending(embed({ username: "svc", initial_state: { nested: { f: () => 1 } } }), /initial_state/);
  });

  it("a session_hint is checked as the session_name it is sent as (today their rules agree)", async () => {
    await refusedBeforeSending(embed({ username: "svc", session_hint: "" }), /session_hint/);
  });

  it("an embed username must be one a service account can have", async () => {
    for (const username of [" svc_a", "a b", "1abc", "svc_a\u0000"]) {
      await refusedBeforeSending(embed({ username }), /body.username/);
    }
  });

  it("an empty or tiny session from the server is not a success", async () => {
    for (const session of ["", "abc"]) {
      server.reply({ body: { session } });
      await expect(embed({ username: "svc" })).rejects.toBeInstanceOf(ResponseShapeError);
    }
    server.reply({ body: { session: SESSION } });
    await expect(embed({ username: "svc" })).resolves.toEqual({ session: SESSION });
  });

  it("a version beyond a safe integer is refused: JSON would send it as 1e+21", async () => {
    await refusedBeforeSending(embed({ username: "svc", version: 1e21 }), /version/);
  });
});
