// The operations added to the emulator, over real HTTP on loopback with plain fetch: Duckling configs,
// active accounts, the paged user list, embed sessions and token descriptions. Every answer the emulator
// gives must validate against the spec, and every request it accepts must conform to it.
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startEmulator } from "../src/emulator/index.js";
import type { Emulator, Exchange } from "../src/emulator/index.js";
import { responseViolations } from "./helpers/contract.js";
import { exchangeViolations } from "./helpers/emulator.js";

let emulator: Emulator;
const exchanges: Exchange[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ onExchange: (exchange) => exchanges.push(exchange) });
});
afterAll(() => emulator.close());
afterEach(() => {
  const violations = exchanges.flatMap((exchange) => [
    ...(exchange.operationId ? responseViolations(exchange.operationId, exchange.status, exchange.responseBody) : []),
    // A request the emulator accepted must have been a valid one; the refused ones are refused on purpose.
    ...(exchange.status === 200 ? exchangeViolations(exchange) : []),
  ]);
  exchanges.length = 0;
  expect(violations).toEqual([]);
});

async function call(
  token: string,
  method: string,
  path: string,
  body?: unknown,
  base = emulator.url,
): Promise<{ status: number; body: any; requestId: string | null }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined && { "content-type": "application/json" }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(5_000),
  });
  return { status: response.status, body: await response.json(), requestId: response.headers.get("x-request-id") };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
let counter = 0;
const fresh = (prefix: string) => `${prefix}_${++counter}`;

async function serviceAccount(adminToken = emulator.adminToken): Promise<string> {
  const answer = await call(adminToken, "POST", "/v1/users", { username: fresh("svc") });
  expect(answer.status).toBe(200);
  return answer.body.username;
}

async function readScalingToken(username = "alice", token = emulator.adminToken): Promise<string> {
  const answer = await call(token, "POST", `/v1/users/${username}/tokens`, {
    name: fresh("rs"),
    token_type: "read_scaling",
  });
  expect(answer.status).toBe(200);
  return answer.body.token;
}

/** An admin of a second organization, which must see nothing of acme and show nothing to it. */
function otherOrganizationAdmin(organization = "globex"): { username: string; token: string } {
  const username = fresh("olga");
  return { username, token: emulator.addUser({ username, role: "admin", organization }).token };
}

const config = (path: string) => `/v1/users/${path}/instances`;
const EXPECTED_DEFAULT = {
  read_write: { instance_size: "standard", cooldown_seconds: 60 },
  read_scaling: { instance_size: "pulse", flock_size: 1 },
};

describe("Duckling config", () => {
  it("every user starts with the documented default: seeded users and new service accounts alike", async () => {
    const svc = await serviceAccount();
    for (const username of ["alice", "bob", svc]) {
      const answer = await call(emulator.adminToken, "GET", config(username));
      expect(answer.status, username).toBe(200);
      expect(answer.body).toEqual(EXPECTED_DEFAULT);
    }
  });

  it("a PUT replaces the whole config, answers it as GET shows it, and a custom cooldown is lost unless resent", async () => {
    const svc = await serviceAccount();
    const custom = {
      read_write: { instance_size: "jumbo", cooldown_seconds: 3_600 },
      read_scaling: { instance_size: "standard", flock_size: 4, cooldown_seconds: 120 },
    };
    const put = await call(emulator.adminToken, "PUT", config(svc), { config: custom });
    expect(put).toMatchObject({ status: 200, body: custom });
    expect((await call(emulator.adminToken, "GET", config(svc))).body).toEqual(custom);

    const resized = {
      read_write: { instance_size: "mega" },
      read_scaling: { instance_size: "pulse", flock_size: 0 },
    };
    const replaced = await call(emulator.adminToken, "PUT", config(svc), { config: resized });
    const expected = {
      read_write: { instance_size: "mega", cooldown_seconds: 300 },
      read_scaling: { instance_size: "pulse", flock_size: 0 },
    };
    expect(replaced.body).toEqual(expected);
    expect((await call(emulator.adminToken, "GET", config(svc))).body).toEqual(expected);
  });

  it("a cooldown left out takes the size's default: standard 60, jumbo 60, mega 300, giga 600, pulse none", async () => {
    const svc = await serviceAccount();
    const defaults: Record<string, number | undefined> = {
      standard: 60,
      jumbo: 60,
      mega: 300,
      giga: 600,
      pulse: undefined,
    };
    for (const [size, cooldown] of Object.entries(defaults)) {
      const answer = await call(emulator.adminToken, "PUT", config(svc), {
        config: { read_write: { instance_size: size }, read_scaling: { instance_size: size, flock_size: 2 } },
      });
      const half =
        cooldown === undefined ? { instance_size: size } : { instance_size: size, cooldown_seconds: cooldown };
      expect(answer.body, size).toEqual({ read_write: half, read_scaling: { ...half, flock_size: 2 } });
    }
  });

  it("refuses a cooldown on a pulse half with 400, naming the field, and keeps the old config", async () => {
    const svc = await serviceAccount();
    for (const [half, body] of [
      [
        "read_write",
        {
          read_write: { instance_size: "pulse", cooldown_seconds: 60 },
          read_scaling: { instance_size: "pulse", flock_size: 1 },
        },
      ],
      [
        "read_scaling",
        {
          read_write: { instance_size: "jumbo" },
          read_scaling: { instance_size: "pulse", flock_size: 1, cooldown_seconds: 120 },
        },
      ],
    ] as const) {
      const answer = await call(emulator.adminToken, "PUT", config(svc), { config: body });
      expect(answer.status, half).toBe(400);
      expect(answer.body.code).toBe("BAD_REQUEST");
      expect(answer.body.issues).toEqual([
        expect.objectContaining({
          path: `body.config.${half}.cooldown_seconds`,
          message: expect.stringMatching(/pulse/),
        }),
      ]);
    }
    expect((await call(emulator.adminToken, "GET", config(svc))).body).toEqual(EXPECTED_DEFAULT);
  });

  it("an admin reads and sets a human member's config too", async () => {
    expect((await call(emulator.adminToken, "GET", config("bob"))).status).toBe(200);
    const put = await call(emulator.adminToken, "PUT", config("bob"), { config: EXPECTED_DEFAULT });
    expect(put).toMatchObject({ status: 200, body: EXPECTED_DEFAULT });
  });

  it("a member is refused under S2 for another user's config, and for their own (an Admin call)", async () => {
    const svc = await serviceAccount();
    for (const target of [svc, "alice", "bob"]) {
      for (const [method, body] of [
        ["GET", undefined],
        ["PUT", { config: EXPECTED_DEFAULT }],
      ] as const) {
        const answer = await call(emulator.memberToken, method, config(target), body);
        expect(answer.status, `${method} ${target}`).toBe(403);
        expect(answer.body.message).toMatch(/S2/);
      }
    }
  });

  it("another organization's user and an unknown user are 404, never 403", async () => {
    const olga = otherOrganizationAdmin();
    for (const [token, target] of [
      [emulator.adminToken, olga.username],
      [olga.token, "alice"],
      [emulator.adminToken, "nobody_here"],
      [emulator.memberToken, olga.username],
    ] as const) {
      for (const [method, body] of [
        ["GET", undefined],
        ["PUT", { config: EXPECTED_DEFAULT }],
      ] as const) {
        const answer = await call(token, method, config(target), body);
        expect(answer.status, `${method} ${target}`).toBe(404);
        expect(answer.body.code).toBe("NOT_FOUND");
      }
    }
  });
});

describe("activate and GET /v1/active_accounts", () => {
  it("lists exactly the activated accounts of the caller's organization, with their Ducklings", async () => {
    const empty = await call(emulator.adminToken, "GET", "/v1/active_accounts");
    expect(empty).toMatchObject({ status: 200, body: { accounts: [] } });

    const svc = await serviceAccount();
    const olga = otherOrganizationAdmin();
    emulator.activate("bob");
    const flock = [
      { id: "rw", type: "read_write", status: "cooldown" },
      { id: "rs.1", type: "read_scaling", status: "active" },
    ];
    emulator.activate(svc, flock);
    emulator.activate(olga.username, undefined, { organization: "globex" });

    const acme = await call(emulator.adminToken, "GET", "/v1/active_accounts");
    expect(acme.body).toEqual({
      accounts: [
        { username: "bob", ducklings: [{ id: "rw", type: "read_write", status: "active" }] },
        { username: svc, ducklings: flock },
      ],
    });
    const globex = await call(olga.token, "GET", "/v1/active_accounts");
    expect(globex.body.accounts.map((a: { username: string }) => a.username)).toEqual([olga.username]);

    emulator.deactivate("bob");
    emulator.activate(svc, []);
    emulator.deactivate(olga.username, { organization: "globex" });
    expect((await call(emulator.adminToken, "GET", "/v1/active_accounts")).body).toEqual({ accounts: [] });
  });

  it("activate refuses an unknown user and a Duckling without its fields", () => {
    expect(() => emulator.activate("nobody_here")).toThrow(/nobody_here/);
    expect(() => emulator.activate("alice", undefined, { organization: "globex" })).toThrow(/globex/);
    expect(() => emulator.activate("alice", [{ id: "rw" } as never])).toThrow(TypeError);
  });

  it("is an Admin call: a member is refused under S2", async () => {
    const answer = await call(emulator.memberToken, "GET", "/v1/active_accounts");
    expect(answer.status).toBe(403);
    expect(answer.body.message).toMatch(/S2/);
  });
});

describe("GET /v1/users", () => {
  /** A fresh organization of five users: two people (admin first) and three service accounts. */
  async function organizationOfFive() {
    const organization = fresh("org");
    const admin = emulator.addUser({ username: "ada", role: "admin", organization }).token;
    emulator.addUser({ username: "ben", role: "member", organization });
    const accounts = [await serviceAccount(admin), await serviceAccount(admin), await serviceAccount(admin)];
    return { organization, admin, usernames: ["ada", "ben", ...accounts] };
  }

  async function walk(token: string, query: string, maxPages = 10) {
    const pages: any[] = [];
    let pageToken: string | null = null;
    do {
      const suffix: string = pageToken === null ? "" : `&page_token=${encodeURIComponent(pageToken)}`;
      const answer = await call(token, "GET", `/v1/users?${query}${suffix}`);
      expect(answer.status).toBe(200);
      pages.push(answer.body);
      pageToken = answer.body.next_page_token;
    } while (pageToken !== null && pages.length < maxPages);
    return pages;
  }

  it("pages with limit and page_token: limit 2 over 5 users is 3 pages, the last with a null next_page_token", async () => {
    const { admin, usernames } = await organizationOfFive();
    const pages = await walk(admin, "limit=2");
    expect(pages.map((p) => p.users.length)).toEqual([2, 2, 1]);
    expect(pages.map((p) => p.next_page_token === null)).toEqual([false, false, true]);
    expect(pages.every((p) => p.total_count === 5)).toBe(true);
    const users = pages.flatMap((p) => p.users);
    expect(users.map((u) => u.username)).toEqual(usernames);
    expect(new Set(users.map((u) => u.id)).size).toBe(5);
    for (const user of users) expect(user.id).toMatch(UUID);
    expect(users[0]).toMatchObject({
      username: "ada",
      is_service_account: false,
      is_deprovisioned: false,
      roles: ["admin"],
    });
    expect(users[0].email).toMatch(/^ada@/);
    expect(users[1]).toMatchObject({ username: "ben", roles: ["member"] });
    expect(users[2]).toMatchObject({ is_service_account: true, first_name: null, last_name: null, roles: ["member"] });
    // Ids are stable: a second walk shows the same ones.
    const again = (await walk(admin, "limit=5")).flatMap((p) => p.users);
    expect(again.map((u) => u.id)).toEqual(users.map((u) => u.id));
  });

  it("filters by is_service_account and is_deprovisioned, and counts what matches", async () => {
    const { admin, usernames } = await organizationOfFive();
    const names = async (query: string) => {
      const pages = await walk(admin, query);
      return {
        names: pages.flatMap((p) => p.users.map((u: { username: string }) => u.username)),
        total: pages[0].total_count,
      };
    };
    expect(await names("is_service_account=true&limit=2")).toEqual({ names: usernames.slice(2), total: 3 });
    expect(await names("is_service_account=false")).toEqual({ names: ["ada", "ben"], total: 2 });
    expect(await names("is_deprovisioned=false")).toEqual({ names: usernames, total: 5 });
    expect(await names("is_deprovisioned=true")).toEqual({ names: [], total: 0 });
  });

  it("shows only the caller's organization", async () => {
    const { admin, usernames } = await organizationOfFive();
    const acme = (await walk(emulator.adminToken, "limit=1000")).flatMap((p) => p.users.map((u: any) => u.username));
    expect(acme).toEqual(expect.arrayContaining(["alice", "bob"]));
    for (const name of usernames) expect(acme).not.toContain(name);
    const own = (await walk(admin, "")).flatMap((p) => p.users.map((u: any) => u.username));
    expect(own).toEqual(usernames);
  });

  it("a user added during a walk comes on a later page, and no user is shown twice", async () => {
    const { organization, admin, usernames } = await organizationOfFive();
    const first = await call(admin, "GET", "/v1/users?limit=2");
    emulator.addUser({ username: "cyd", role: "member", organization });
    let token = first.body.next_page_token;
    const seen = [...first.body.users];
    for (let i = 0; token !== null && i < 10; i++) {
      const page = await call(admin, "GET", `/v1/users?limit=2&page_token=${encodeURIComponent(token)}`);
      seen.push(...page.body.users);
      token = page.body.next_page_token;
    }
    expect(seen.map((u) => u.username)).toEqual([...usernames, "cyd"]);
  });

  it("refuses a garbage, altered, foreign or mismatched page token with 400", async () => {
    const { admin } = await organizationOfFive();
    const first = await call(admin, "GET", "/v1/users?limit=2");
    const token: string = first.body.next_page_token;
    const other = await startEmulator();
    let otherToken: string;
    try {
      const page = await call(other.adminToken, "GET", "/v1/users?limit=1", undefined, other.url);
      otherToken = page.body.next_page_token;
    } finally {
      await other.close();
    }
    const acmeToken = (await call(emulator.adminToken, "GET", "/v1/users?limit=1")).body.next_page_token;
    const [payload, signature] = token.split(".");
    const cases: [string, string, string][] = [
      ["garbage", admin, "/v1/users?limit=2&page_token=not-a-token"],
      ["altered", admin, `/v1/users?limit=2&page_token=${encodeURIComponent(`${payload}x.${signature}`)}`],
      ["another emulator's", emulator.adminToken, `/v1/users?limit=1&page_token=${encodeURIComponent(otherToken)}`],
      ["another organization's", admin, `/v1/users?limit=1&page_token=${encodeURIComponent(acmeToken)}`],
      ["other limit", admin, `/v1/users?limit=3&page_token=${encodeURIComponent(token)}`],
      ["other filter", admin, `/v1/users?limit=2&is_service_account=true&page_token=${encodeURIComponent(token)}`],
    ];
    for (const [what, caller, path] of cases) {
      const answer = await call(caller, "GET", path);
      expect(answer.status, what).toBe(400);
      expect(answer.body.issues, what).toEqual([expect.objectContaining({ path: "page_token" })]);
    }
    // The same token, sent back as issued, still works.
    expect((await call(admin, "GET", `/v1/users?limit=2&page_token=${encodeURIComponent(token)}`)).status).toBe(200);
  });

  it("reads its query parameters as the spec types them: bad values and repeats are 400, a huge limit is served", async () => {
    for (const query of [
      "limit=0",
      "limit=-1",
      "limit=two",
      "limit=1.5",
      "is_service_account=yes",
      "limit=1&limit=2",
    ]) {
      const answer = await call(emulator.adminToken, "GET", `/v1/users?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body.code).toBe("BAD_REQUEST");
    }
    const big = await call(emulator.adminToken, "GET", "/v1/users?limit=100000");
    expect(big.status).toBe(200);
    expect(big.body.next_page_token).toBeNull();
  });

  it("a member lacks the privilege to list users (the scope table leaves it to the server): 403", async () => {
    const answer = await call(emulator.memberToken, "GET", "/v1/users");
    expect(answer.status).toBe(403);
    expect(answer.body.message).toMatch(/S2/);
  });
});

describe("POST /v1/dives/{dive_id}/embed-session", () => {
  const embed = (diveId: string) => `/v1/dives/${diveId}/embed-session`;

  it("mints an opaque, non-JWT session for a service account, valid 24 hours, that embedSessions() lists", async () => {
    const svc = await serviceAccount();
    const diveId = randomUUID();
    const before = emulator.embedSessions().length;
    const answer = await call(emulator.adminToken, "POST", embed(diveId), {
      username: svc,
      session_name: "customer_42",
      version: 3,
    });
    expect(answer.status).toBe(200);
    const { session } = answer.body;
    expect(session).toMatch(/^mdes_[\w-]{20,}$/);
    expect(session.split(".")).toHaveLength(1);
    const minted = emulator.embedSessions();
    expect(minted).toHaveLength(before + 1);
    const record = minted.at(-1)!;
    expect(record).toMatchObject({ session, diveId, username: svc, sessionName: "customer_42", version: 3 });
    expect(Date.parse(record.expiresAt) - Date.parse(record.createdAt)).toBe(24 * 60 * 60 * 1000);

    const hinted = await call(emulator.adminToken, "POST", embed(diveId), { username: svc, session_hint: "old_name" });
    expect(hinted.status).toBe(200);
    expect(hinted.body.session).not.toBe(session);
    const last = emulator.embedSessions().at(-1)!;
    expect(last).toMatchObject({ sessionName: "old_name" });
    expect(last).not.toHaveProperty("version");
  });

  it("dates sessions on the emulator's clock", async () => {
    const svc = await serviceAccount();
    const start = Date.now();
    emulator.advanceTime(3_600);
    await call(emulator.adminToken, "POST", embed(randomUUID()), { username: svc });
    const { createdAt } = emulator.embedSessions().at(-1)!;
    expect(Date.parse(createdAt)).toBeGreaterThanOrEqual(start + 3_600_000);
  });

  it("is 404 for an unknown account or one of another organization, 400 for a person, 400 for a non-UUID Dive id", async () => {
    const olga = otherOrganizationAdmin();
    const theirs = await serviceAccount(olga.token);
    const ours = await serviceAccount();
    const before = emulator.embedSessions().length;
    for (const username of ["nobody_here", theirs]) {
      const answer = await call(emulator.adminToken, "POST", embed(randomUUID()), { username });
      expect(answer.status, username).toBe(404);
      expect(answer.body.code).toBe("NOT_FOUND");
    }
    const person = await call(emulator.adminToken, "POST", embed(randomUUID()), { username: "bob" });
    expect(person.status).toBe(400);
    expect(person.body.issues).toEqual([expect.objectContaining({ path: "body.username" })]);
    const notUuid = await call(emulator.adminToken, "POST", embed("not-a-uuid"), { username: ours });
    expect(notUuid.status).toBe(400);
    const both = await call(emulator.adminToken, "POST", embed(randomUUID()), {
      username: ours,
      session_name: "a",
      session_hint: "b",
    });
    expect(both.status).toBe(400);
    expect(emulator.embedSessions()).toHaveLength(before);
  });

  it("a member lacks the privilege to create embed sessions: 403, before the account is looked up", async () => {
    const svc = await serviceAccount();
    for (const username of [svc, "nobody_here"]) {
      const answer = await call(emulator.memberToken, "POST", embed(randomUUID()), { username });
      expect(answer.status, username).toBe(403);
    }
  });
});

describe("an embed session is a secret of the emulator's own reports too", () => {
  it("is scrubbed from the report of a failing onExchange hook that quotes it", async () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const leaky = await startEmulator({
      onExchange(exchange) {
        const session = (exchange.responseBody as { session?: string }).session;
        if (session) throw new Error(`assertion failed on ${session}`);
      },
    });
    try {
      const svc = (await call(leaky.adminToken, "POST", "/v1/users", { username: "svc_embed" }, leaky.url)).body
        .username;
      const answer = await call(
        leaky.adminToken,
        "POST",
        `/v1/dives/${randomUUID()}/embed-session`,
        { username: svc },
        leaky.url,
      );
      expect(answer.status).toBe(200);
      const report = written.join("");
      expect(report).toMatch(/onExchange hook failed \(Error: assertion failed on \[REDACTED\]\)/);
      expect(report).not.toContain(answer.body.session);
    } finally {
      spy.mockRestore();
      await leaky.close();
    }
  });
});

describe("S4: a read-scaling token is refused every new operation with 403", () => {
  it("before the request is looked at", async () => {
    const svc = await serviceAccount();
    const token = await readScalingToken();
    const calls: [string, string, unknown?][] = [
      ["GET", "/v1/users"],
      ["GET", config("alice")],
      ["PUT", config(svc), { config: EXPECTED_DEFAULT }],
      ["GET", "/v1/active_accounts"],
      ["POST", `/v1/dives/${randomUUID()}/embed-session`, { username: svc }],
      // Even a request that is invalid or names nobody learns nothing else.
      ["GET", config("nobody_here")],
      ["POST", "/v1/dives/not-a-uuid/embed-session", {}],
    ];
    for (const [method, path, body] of calls) {
      const answer = await call(token, method, path, body);
      expect(answer.status, `${method} ${path}`).toBe(403);
      expect(answer.body.message).toMatch(/S4/);
      expect(answer.requestId).toMatch(UUID);
    }
  });
});

describe("token descriptions", () => {
  it("stores a description and shows it on create and in the list; without one the key is left out", async () => {
    const svc = await serviceAccount();
    const described = await call(emulator.adminToken, "POST", `/v1/users/${svc}/tokens`, {
      name: "loader",
      description: "CI loader",
    });
    expect(described).toMatchObject({ status: 200, body: { name: "loader", description: "CI loader" } });
    const plain = await call(emulator.adminToken, "POST", `/v1/users/${svc}/tokens`, { name: "plain" });
    expect(plain.status).toBe(200);
    expect(plain.body).not.toHaveProperty("description");
    const list = await call(emulator.adminToken, "GET", `/v1/users/${svc}/tokens`);
    const byName = Object.fromEntries(list.body.tokens.map((t: { name: string }) => [t.name, t]));
    expect(byName.loader.description).toBe("CI loader");
    expect(byName.plain.description ?? null).toBeNull();
  });

  it("refuses the reserved names and an empty description with 400, minting nothing", async () => {
    const svc = await serviceAccount();
    for (const body of [
      { name: "MotherDuck Extension" },
      { name: "MotherDuck Flights" },
      { name: "fine", description: "" },
    ]) {
      const answer = await call(emulator.adminToken, "POST", `/v1/users/${svc}/tokens`, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.code).toBe("BAD_REQUEST");
    }
    // Reserved names match exactly: another case is an ordinary name.
    expect(
      (await call(emulator.adminToken, "POST", `/v1/users/${svc}/tokens`, { name: "motherduck flights" })).status,
    ).toBe(200);
    const list = await call(emulator.adminToken, "GET", `/v1/users/${svc}/tokens`);
    expect(list.body.tokens.map((t: { name: string }) => t.name)).toEqual(["motherduck flights"]);
  });
});
