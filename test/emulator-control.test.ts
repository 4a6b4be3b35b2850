// The emulator's control API under /_emulator/, over real HTTP on loopback: only its admin token may use it,
// what it is sent is checked, and each action changes what the API then answers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthenticationError, createMotherDuckClient } from "../src/index.js";
import { startEmulator } from "../src/emulator/index.js";
import type { Emulator } from "../src/emulator/index.js";

let emulator: Emulator;
beforeAll(async () => {
  // Every API request is a 503: the control API is the emulator's own, and no fault is injected into it.
  emulator = await startEmulator({ faults: { rate503: 1, seed: 1 } });
});
afterAll(() => emulator.close());

/** POSTs (or `method`) to a control action; a `token` of null sends no authorization at all. */
async function post(action: string, body: unknown, token: string | null = emulator.adminToken, method = "POST") {
  const response = await fetch(`${emulator.url}/_emulator/${action}`, {
    method,
    headers: {
      ...(token !== null && { authorization: `Bearer ${token}` }),
      "content-type": "application/json",
    },
    ...(method === "POST" && { body: typeof body === "string" ? body : JSON.stringify(body) }),
    signal: AbortSignal.timeout(5_000),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("the control API", () => {
  it("takes only the emulator's admin token: none or an unknown one is 401, any other live one 403", async () => {
    expect((await post("activate", { username: "alice" }, null)).status).toBe(401);
    expect((await post("activate", { username: "alice" }, "not-a-token-of-this-emulator")).status).toBe(401);
    expect((await post("activate", { username: "alice" }, emulator.memberToken)).status).toBe(403);
    const carol = emulator.addUser({ username: "carol", role: "admin" });
    const refused = await post("activate", { username: "alice" }, carol.token);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/admin token/);
  });

  it("refuses what an action cannot take, naming the field, and changes nothing", async () => {
    const cases: [string, unknown, string][] = [
      ["activate", {}, "username"],
      ["activate", { username: "" }, "username"],
      ["activate", { username: "alice", ducklings: [{ id: "rw" }] }, "ducklings[0].type"],
      ["activate", { username: "alice", size: "jumbo" }, "size"],
      ["deactivate", { username: 7 }, "username"],
      ["advance-time", { seconds: -1 }, "seconds"],
      ["advance-time", { seconds: 1.5 }, "seconds"],
      ["advance-time", { seconds: "1h" }, "seconds"],
      ["advance-time", [], "body"],
    ];
    for (const [action, body, path] of cases) {
      const answer = await post(action, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect((answer.body.issues as { path: string }[]).map((issue) => issue.path)).toEqual([path]);
    }
    expect((await post("activate", "{not json")).status).toBe(400);
    expect((await post("activate", { username: "nobody_here" })).status).toBe(404);
    expect((await post("restart", {})).status).toBe(404);
    expect((await post("activate", undefined, emulator.adminToken, "GET")).status).toBe(405);
  });

  it("activate and deactivate change what GET /v1/active_accounts lists", async () => {
    const quiet = await startEmulator();
    try {
      const md = createMotherDuckClient({ token: quiet.adminToken, baseUrl: quiet.url, logger: {} });
      const send = (action: string, body: unknown) =>
        fetch(`${quiet.url}/_emulator/${action}`, {
          method: "POST",
          headers: { authorization: `Bearer ${quiet.adminToken}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      expect(await md.accounts.listActive()).toEqual([]);
      expect((await send("activate", { username: "bob" })).status).toBe(200);
      expect((await md.accounts.listActive()).map((account) => account.username)).toEqual(["bob"]);
      expect((await send("deactivate", { username: "bob" })).status).toBe(200);
      expect(await md.accounts.listActive()).toEqual([]);

      // advance-time moves the clock that expiry reads: a token of an hour stops working after it.
      const short = await md.tokens.create("alice", { name: "short", ttl: 3600 });
      const answer = await send("advance-time", { seconds: 3601 });
      expect(answer.status).toBe(200);
      const later = createMotherDuckClient({ token: short.token, baseUrl: quiet.url, logger: {} });
      await expect(later.tokens.list("alice")).rejects.toBeInstanceOf(AuthenticationError);
    } finally {
      await quiet.close();
    }
  });

  it("refuses a body not declared application/json, as the API routes do, and leaves the clock alone", async () => {
    const before = Date.now();
    const answer = await fetch(`${emulator.url}/_emulator/advance-time`, {
      method: "POST",
      headers: { authorization: `Bearer ${emulator.adminToken}`, "content-type": "text/plain" },
      body: JSON.stringify({ seconds: 86_400 * 365 }),
      signal: AbortSignal.timeout(5_000),
    });
    expect(answer.status).toBe(400);
    const body = (await answer.json()) as { issues: { path: string; message: string }[] };
    expect(body.issues.map((issue) => issue.path)).toEqual(["headers.content-type"]);
    expect(body.issues[0]!.message).toContain("application/json");
    // The year was not added: the emulator's clock still reads about now.
    expect((await post("advance-time", { seconds: 0 })).body.now).toSatisfy(
      (now: string) => Date.parse(now) < before + 86_400_000,
    );
  });

  it("without the admin token, an unknown action is 401, not a 404 that tells what exists", async () => {
    expect((await post("restart", {}, null)).status).toBe(401);
    expect((await post("restart", {}, emulator.memberToken)).status).toBe(403);
    expect((await post("restart", {}, emulator.adminToken, "GET")).status).toBe(404);
  });

  it("refuses Ducklings the spec does not describe, and duplicate ids, over HTTP and in-process alike", async () => {
    const bad: [unknown[], string][] = [
      [[{ id: "rw", type: "read_write", status: "exploded" }], "ducklings[0].status"],
      [[{ id: "rw", type: "bogus", status: "active" }], "ducklings[0].type"],
      [[{ id: "../x", type: "read_write", status: "active" }], "ducklings[0].id"],
      [[{ id: "rw\u001b[2J", type: "read_write", status: "active" }], "ducklings[0].id"],
      [
        [
          { id: "rs.1", type: "read_scaling", status: "active" },
          { id: "rs.1", type: "read_scaling", status: "cooldown" },
        ],
        "ducklings[1].id",
      ],
    ];
    const quiet = await startEmulator();
    try {
      const md = createMotherDuckClient({ token: quiet.adminToken, baseUrl: quiet.url, logger: {} });
      for (const [ducklings, path] of bad) {
        const answer = await fetch(`${quiet.url}/_emulator/activate`, {
          method: "POST",
          headers: { authorization: `Bearer ${quiet.adminToken}`, "content-type": "application/json" },
          body: JSON.stringify({ username: "bob", ducklings }),
          signal: AbortSignal.timeout(5_000),
        });
        expect(answer.status, JSON.stringify(ducklings)).toBe(400);
        const body = (await answer.json()) as { issues: { path: string }[] };
        expect(body.issues.map((issue) => issue.path)).toEqual([path]);
        expect(() => quiet.activate("bob", ducklings as never)).toThrow(path);
      }
      // Nothing was activated, so the answer still validates against the spec (the client checks it).
      expect(await md.accounts.listActive()).toEqual([]);
      const good = [
        { id: "rw", type: "read_write", status: "active" },
        { id: "rs.0", type: "read_scaling", status: "cooldown" },
      ];
      quiet.activate("bob", good);
      expect(await md.accounts.listActive()).toEqual([{ username: "bob", ducklings: good }]);
    } finally {
      await quiet.close();
    }
  });
});
