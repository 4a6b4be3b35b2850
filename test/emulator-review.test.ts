// What a hostile review of the emulator found, over real HTTP on loopback: a hook failing with a value that
// resists being printed, page tokens altered to texts that decode to the same bytes, a path that cannot be
// decoded answered before authentication and S4, and a body declared in a charset other than UTF-8.
import { execFile } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../src/emulator/index.js";
import type { Emulator, Exchange } from "../src/emulator/index.js";
import { createPageTokens } from "../src/emulator/paging.js";
import { responseViolations } from "./helpers/contract.js";
import { useEmulator } from "./helpers/emulator.js";
import { READ_SCALING } from "./helpers/rules.js";

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

interface ErrorBody {
  code: string;
  message: string;
  issues: { message: string; path?: string }[];
}

describe("an onExchange hook failing with a value that cannot be printed (review item 1)", () => {
  const child = join(import.meta.dirname, "helpers/failing-hook-child.ts");
  const runChild = promisify(execFile);

  /** The child's exit code and output: a non-zero exit is a result here, not a failure of the run. */
  async function run(mode: string) {
    const options = { env: { PATH: process.env.PATH ?? "" }, timeout: 20_000 };
    try {
      const { stdout, stderr } = await runChild(process.execPath, ["--import", "tsx", child, mode], options);
      return { code: 0, stdout, stderr };
    } catch (error) {
      const { code, stdout, stderr } = error as { code: unknown; stdout: string; stderr: string };
      return { code, stdout, stderr };
    }
  }

  it.each(["throw-null-prototype", "reject-null-prototype", "reject-throwing-message", "reject-prototype-trap"])(
    "%s: every request is answered, the failure is reported once on stderr, and the process lives",
    async (mode) => {
      const { code, stdout, stderr } = await run(mode);
      expect(code, stderr).toBe(0);
      expect((JSON.parse(stdout) as { statuses: number[] }).statuses).toEqual([200, 200, 200]);
      expect(stderr.match(/onExchange hook failed/g), stderr).toHaveLength(1);
      expect(stderr).toContain("onExchange hook failed (a value that cannot be printed)");
    },
    30_000,
  );
});

describe("altered page tokens (review item 2)", () => {
  const emulator = useEmulator();

  async function firstPageToken(): Promise<string> {
    const response = await fetch(`${emulator.url}/v1/users?limit=1`, { headers: bearer(emulator.adminToken) });
    expect(response.status).toBe(200);
    const { next_page_token } = (await response.json()) as { next_page_token?: string };
    expect(next_page_token).toBeTruthy();
    return next_page_token!;
  }

  const nextPage = (pageToken: string) =>
    fetch(`${emulator.url}/v1/users?limit=1&page_token=${encodeURIComponent(pageToken)}`, {
      headers: bearer(emulator.adminToken),
    });

  it("answers 400 to a token with '=' or '!' appended, '!' after the dot, or its last padding bits changed", async () => {
    const token = await firstPageToken();
    expect((await nextPage(token)).status).toBe(200);
    const dot = token.indexOf(".");
    const last = ALPHABET.indexOf(token.at(-1)!);
    const paddingBitsChanged = `${token.slice(0, -1)}${ALPHABET[last ^ 1]}`;
    // Each of these decodes to the very bytes the emulator signed: only an exact comparison refuses them.
    const signature = (text: string) => Buffer.from(text.split(".")[1]!, "base64url");
    for (const altered of [`${token}=`, `${token}!`, `${token.slice(0, dot + 1)}!${token.slice(dot + 1)}`]) {
      expect(signature(altered)).toEqual(signature(token));
    }
    expect(signature(paddingBitsChanged)).toEqual(signature(token));

    for (const altered of [
      `${token}=`,
      `${token}!`,
      `${token.slice(0, dot + 1)}!${token.slice(dot + 1)}`,
      paddingBitsChanged,
    ]) {
      const response = await nextPage(altered);
      expect(response.status, altered).toBe(400);
      const body = (await response.json()) as ErrorBody;
      expect(body.issues.map((i) => i.path)).toEqual(["page_token"]);
    }
  });

  it("reads a payload only in its canonical spelling, even when the signature covers the spelling given", () => {
    // The key is known here, as it never is to a client: a signature over another spelling can be made.
    const key = randomBytes(32);
    const tokens = createPageTokens(key);
    const issued = tokens.issue({ organization: "acme", walk: "[null,null,1]", after: 1 });
    const payload = issued.split(".")[0]!;
    const signed = (text: string) => `${text}.${createHmac("sha256", key).update(text).digest("base64url")}`;
    expect(tokens.read(signed(payload))).toEqual({ organization: "acme", walk: "[null,null,1]", after: 1 });
    for (const spelling of [`${payload}=`, `${payload}!`, `!${payload}`]) {
      expect(Buffer.from(spelling, "base64url")).toEqual(Buffer.from(payload, "base64url"));
      expect(tokens.read(signed(spelling)), spelling).toBeUndefined();
    }
  });
});

describe("a path segment that cannot be decoded (review item 3)", () => {
  // Not useEmulator: its request check decodes the path itself, which is the point of these requests.
  let emulator: Emulator;
  const exchanges: Exchange[] = [];
  beforeAll(async () => {
    emulator = await startEmulator({ onExchange: (exchange) => exchanges.push(exchange) });
  });
  afterAll(() => emulator.close());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${emulator.url}${path}`, { headers });

  it("answers 401 without a valid token, 403 (S4) to a read-scaling token, then 400 naming the parameter", async () => {
    exchanges.length = 0;
    const created = await fetch(`${emulator.url}/v1/users/alice/tokens`, {
      method: "POST",
      headers: { ...bearer(emulator.adminToken), "content-type": "application/json" },
      body: JSON.stringify({ name: "reader", token_type: READ_SCALING }),
    });
    const { token: reader } = (await created.json()) as { token: string };
    const answers = [
      await get("/v1/users/%ff/tokens"),
      await get("/v1/users/%ff/tokens", bearer("not-a-token")),
      await get("/v1/users/%ff/tokens", bearer(reader)),
      await get("/v1/users/%ff/tokens", bearer(emulator.adminToken)),
      await fetch(`${emulator.url}/v1/users/alice/tokens/%E0%A4%A`, {
        method: "DELETE",
        headers: bearer(emulator.adminToken),
      }),
    ];
    expect(answers.map((r) => r.status)).toEqual([401, 401, 403, 400, 400]);
    const bodies = (await Promise.all(answers.map((r) => r.json()))) as ErrorBody[];
    expect(bodies.map((b) => b.code)).toEqual([
      "UNAUTHORIZED",
      "UNAUTHORIZED",
      "FORBIDDEN",
      "BAD_REQUEST",
      "BAD_REQUEST",
    ]);
    expect(bodies[2]!.message).toMatch(/S4/);
    expect(bodies[3]!.issues).toEqual([{ path: "username", message: expect.stringMatching(/^username .*percent/) }]);
    expect(bodies[4]!.issues.map((i) => i.path)).toEqual(["token_id"]);
    for (const response of answers) expect(response.headers.get("x-request-id")).toMatch(UUID);

    // Each answer is one the spec allows for the operation the path routes to.
    expect(exchanges.slice(1).map((e) => e.operationId)).toEqual([
      "users-listTokens",
      "users-listTokens",
      "users-listTokens",
      "users-listTokens",
      "users-deleteToken",
    ]);
    expect(exchanges.flatMap((e) => responseViolations(e.operationId!, e.status, e.responseBody))).toEqual([]);
  });
});

describe("a body in a charset other than UTF-8 (review item 4)", () => {
  const emulator = useEmulator();

  const postToken = (name: string, contentType: string) =>
    fetch(`${emulator.url}/v1/users/alice/tokens`, {
      method: "POST",
      headers: { ...bearer(emulator.adminToken), "content-type": contentType },
      body: JSON.stringify({ name }),
    });

  async function tokenNames(): Promise<string[]> {
    const response = await fetch(`${emulator.url}/v1/users/alice/tokens`, { headers: bearer(emulator.adminToken) });
    const { tokens } = (await response.json()) as { tokens: { name?: string }[] };
    return tokens.map((t) => t.name ?? "");
  }

  it("refuses it with a 400 naming the content type, and mints nothing", async () => {
    const refused = [
      ["utf-16", "application/json; charset=utf-16"],
      ["quoted-latin1", 'application/json; charset="ISO-8859-1"'],
      ["upper-utf-16", "application/json;CHARSET=UTF-16"],
    ];
    for (const [name, type] of refused) {
      const response = await postToken(name!, type!);
      expect(response.status, type).toBe(400);
      const body = (await response.json()) as ErrorBody;
      expect(body.issues).toHaveLength(1);
      expect(body.issues[0]!.path).toBe("headers.content-type");
      expect(body.issues[0]!.message).toContain("utf-8");
      expect(body.issues[0]!.message).toContain(JSON.stringify(type));
    }
    const names = await tokenNames();
    for (const [name] of refused) expect(names).not.toContain(name);
  });

  it("accepts utf-8 in any case, quoted or not", async () => {
    for (const [name, type] of [
      ["plain", "application/json; charset=utf-8"],
      ["upper", "application/json; charset=UTF-8"],
      ["quoted", 'application/json; charset="utf-8"'],
    ]) {
      expect((await postToken(name!, type!)).status, type).toBe(200);
    }
    expect(await tokenNames()).toEqual(expect.arrayContaining(["plain", "upper", "quoted"]));
  });
});
