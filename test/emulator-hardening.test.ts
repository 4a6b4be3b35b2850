// The emulator refuses what MotherDuck refuses, over real HTTP on loopback: altered tokens, bodies that are
// not declared JSON, read-scaling tokens before their body is looked at; it survives a failing test hook and
// tags every answer with a request id.
import { Agent, request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NotFoundError, PermissionDeniedError, createMotherDuckClient } from "../src/index.js";
import { startEmulator } from "../src/emulator/index.js";
import type { Emulator, Exchange } from "../src/emulator/index.js";
import { ERROR_BODY_LIMIT } from "../src/transport/body.js";
import { READ_SCALING } from "./helpers/rules.js";
import { runTsChild } from "./helpers/child.js";

let emulator: Emulator;
const exchanges: Exchange[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ onExchange: (exchange) => exchanges.push(exchange) });
});
afterAll(() => emulator.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const call = (path: string, init: RequestInit = {}) => fetch(`${emulator.url}${path}`, init);
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

async function tokenNames(username: string): Promise<string[]> {
  const response = await call(`/v1/users/${username}/tokens`, { headers: bearer(emulator.adminToken) });
  expect(response.status).toBe(200);
  const { tokens } = (await response.json()) as { tokens: { name?: string }[] };
  return tokens.map((t) => t.name ?? "");
}

function postToken(token: string, body: string | Uint8Array, contentType?: string) {
  return call("/v1/users/alice/tokens", {
    method: "POST",
    headers: { ...bearer(token), ...(contentType !== undefined && { "content-type": contentType }) },
    body,
  });
}

describe("altered tokens (#11 item 10)", () => {
  const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  it("answers 401 to a signature with '!' or '=' appended, or with its last character's padding bits changed", async () => {
    const token = emulator.adminToken;
    const signature = token.split(".")[2]!;
    const last = ALPHABET.indexOf(signature.at(-1)!);
    const samePaddingAside = `${token.slice(0, -1)}${ALPHABET[last ^ 1]}`;
    // The altered text decodes to the very same bytes: only an exact comparison tells them apart.
    expect(Buffer.from(samePaddingAside.split(".")[2]!, "base64url")).toEqual(Buffer.from(signature, "base64url"));

    expect((await call("/v1/users/alice/tokens", { headers: bearer(token) })).status).toBe(200);
    for (const altered of [`${token}!`, `${token}=`, `${token}==`, samePaddingAside]) {
      const response = await call("/v1/users/alice/tokens", { headers: bearer(altered) });
      expect(response.status, altered.slice(-4)).toBe(401);
      expect(await response.json()).toMatchObject({ code: "UNAUTHORIZED" });
    }
  });
});

describe("Content-Type (#11 item 11)", () => {
  it("refuses a JSON body sent as text/plain with a 400 naming the content type, and mints nothing", async () => {
    const response = await postToken(emulator.adminToken, JSON.stringify({ name: "sent-as-text" }), "text/plain");
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; issues: { message: string; path?: string }[] };
    expect(body.code).toBe("BAD_REQUEST");
    expect(body.issues).toHaveLength(1);
    expect(body.issues[0]!.path).toBe("headers.content-type");
    expect(body.issues[0]!.message).toMatch(/application\/json.*text\/plain/);
    expect(await tokenNames("alice")).not.toContain("sent-as-text");
  });

  it("refuses a body with no content type at all", async () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ name: "untyped" }));
    const response = await postToken(emulator.adminToken, bytes);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { issues: { message: string }[] };
    expect(body.issues[0]!.message).toMatch(/application\/json.*none was sent/);
    expect(await tokenNames("alice")).not.toContain("untyped");
  });

  it("accepts application/json with parameters or in another case, and asks none of a request without a body", async () => {
    for (const [name, type] of [
      ["with-charset", "application/json; charset=utf-8"],
      ["upper-case", "Application/JSON"],
    ]) {
      expect((await postToken(emulator.adminToken, JSON.stringify({ name }), type)).status).toBe(200);
    }
    expect(await tokenNames("alice")).toEqual(expect.arrayContaining(["with-charset", "upper-case"]));
    const listed = await call("/v1/users/alice/tokens", { headers: bearer(emulator.adminToken) });
    const { tokens } = (await listed.json()) as { tokens: { id: string; name?: string }[] };
    const withCharset = tokens.find((t) => t.name === "with-charset")!;
    const deleted = await call(`/v1/users/alice/tokens/${withCharset.id}`, {
      method: "DELETE",
      headers: bearer(emulator.adminToken),
    });
    expect(deleted.status).toBe(200);
  });
});

describe("S4 before the body (#11 item 12)", () => {
  it("answers 403 to a read-scaling token whatever its body: invalid, or not even declared JSON", async () => {
    const created = await postToken(
      emulator.adminToken,
      JSON.stringify({ name: "reader", token_type: READ_SCALING }),
      "application/json",
    );
    const { token: reader } = (await created.json()) as { token: string };
    for (const [body, type] of [
      ['{"name":""}', "application/json"],
      ['{"name":"fine"}', "text/plain"],
      ["{not json", "application/json"],
    ] as const) {
      const response = await postToken(reader, body, type);
      expect(response.status, body).toBe(403);
      expect(await response.json()).toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/S4/) });
    }
  });
});

describe("an oversized body on a keep-alive connection (#17 item 3)", () => {
  /** One request through `agent`, its answer read to the end; a connection error rejects. */
  function send(agent: Agent, method: string, path: string, body?: string | Buffer) {
    return new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
      const headers = {
        ...bearer(emulator.adminToken),
        ...(body !== undefined && { "content-type": "application/json", "content-length": Buffer.byteLength(body) }),
      };
      const sent = request(`${emulator.url}${path}`, { method, agent, headers, timeout: 10_000 }, (response) => {
        response.resume();
        response.on("end", () => resolve({ status: response.statusCode!, connection: response.headers.connection }));
      });
      sent.on("timeout", () => sent.destroy(new Error("no answer within 10 s")));
      sent.on("error", reject);
      sent.end(body);
    });
  }

  it("is refused with Connection: close, so the next requests on the pool are answered, a POST included", async () => {
    for (let run = 0; run < 3; run++) {
      // One socket: every request below would share the connection the refused body was left on.
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const refused = await send(agent, "POST", "/v1/users/alice/tokens", Buffer.alloc(2 * ERROR_BODY_LIMIT, 0x20));
        expect(refused.status).toBe(400);
        expect(await send(agent, "GET", "/v1/users/alice/tokens")).toEqual({ status: 200, connection: "keep-alive" });
        expect(refused.connection).toBe("close");
        const created = await send(agent, "POST", "/v1/users/alice/tokens", JSON.stringify({ name: `after-${run}` }));
        expect(created.status).toBe(200);
      } finally {
        agent.destroy();
      }
    }
    expect(await tokenNames("alice")).toEqual(expect.arrayContaining(["after-0", "after-1", "after-2"]));
  });
});

describe("a failing onExchange hook (#11 item 13)", () => {
  const child = join(import.meta.dirname, "helpers/failing-hook-child.ts");
  const run = (mode: "throw" | "reject") => runTsChild(child, [mode]);

  it.each(["throw", "reject"] as const)(
    "when it %ss, every request is still answered, the failure is reported once on stderr, and the process lives",
    async (mode) => {
      const { code, stdout, stderr } = await run(mode);
      expect(code, stderr).toBe(0);
      const { statuses, secret } = JSON.parse(stdout) as { statuses: number[]; secret: string };
      expect(statuses).toEqual([200, 200, 200]);
      expect(stderr.match(/onExchange hook failed/g)).toHaveLength(1);
      expect(stderr).toContain("hook failed on purpose");
      expect(secret.length).toBeGreaterThan(20);
      expect(stderr).not.toContain(secret);
    },
    30_000,
  );
});

describe("x-request-id (#12 item 6)", () => {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  it("is on every answer, fresh for each request: 200, 400, 401, 403, 404 and an unknown route", async () => {
    exchanges.length = 0;
    const answers = [
      await call("/v1/users/alice/tokens", { headers: bearer(emulator.adminToken) }),
      await postToken(emulator.adminToken, '{"name":""}', "application/json"),
      await call("/v1/users/alice/tokens"),
      await postToken(emulator.memberToken, '{"name":"x"}', "application/json"),
      await call("/v1/users/nobody/tokens", { headers: bearer(emulator.adminToken) }),
      await call("/v1/nowhere", { headers: bearer(emulator.adminToken) }),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 400, 401, 403, 404, 404]);
    const ids = answers.map((r) => r.headers.get("x-request-id") ?? "");
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);
    expect(exchanges.map((e) => e.requestId)).toEqual(ids);
  });

  it("reaches the client's ApiError.requestId on a 404 and a 403", async () => {
    const client = (token: string) => createMotherDuckClient({ baseUrl: emulator.url, token, maxRetries: 0 });
    const notFound = await failure(client(emulator.adminToken).tokens.list("nobody"));
    expect(notFound).toBeInstanceOf(NotFoundError);
    expect((notFound as NotFoundError).requestId).toMatch(UUID);
    expect((notFound as NotFoundError).requestId).toBe(exchanges.at(-1)!.requestId);

    const denied = await failure(client(emulator.memberToken).tokens.create("alice", { name: "not yours" }));
    expect(denied).toBeInstanceOf(PermissionDeniedError);
    expect((denied as PermissionDeniedError).requestId).toMatch(UUID);
    expect((denied as PermissionDeniedError).requestId).toBe(exchanges.at(-1)!.requestId);
  });
});
