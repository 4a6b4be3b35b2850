import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  ApiError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  createMotherDuckClient,
} from "../src/index.js";
import { VERSION } from "../src/generated/version.js";
import { ERROR_STATUSES } from "./helpers/error-statuses.js";
import { requestViolations } from "./helpers/contract.js";
import { printedForms } from "./helpers/printed.js";
import { useRecordingServer } from "./helpers/recording-server.js";
import { READ_SCALING, READ_WRITE, ttlRule } from "./helpers/rules.js";

const BEARER = "md-test-bearer-Zq8Xw2Lk9Pv4";
const server = useRecordingServer();

// No warn destination, so read-scaling creates send only the create (the S5 check lists first when warnings go somewhere).
const client = () => createMotherDuckClient({ token: BEARER, baseUrl: server.url, maxRetries: 0, logger: {} });

describe("tokens.create sends exactly the request the spec describes", () => {
  const bodies = [
    { name: "ci" },
    { name: "ci", ttl: ttlRule.minimum },
    { name: "ci", token_type: READ_SCALING },
    { name: "ci", ttl: ttlRule.maximum, token_type: READ_WRITE },
  ];
  for (const body of bodies) {
    it(`with ${Object.keys(body).join(", ")}`, async () => {
      const token = await client().tokens.create("alice", body);
      expect(server.requests).toHaveLength(1);
      const [request] = server.requests;
      expect(request!.method).toBe("POST");
      expect(request!.rawPath).toBe("/v1/users/alice/tokens");
      expect(request!.headers.authorization).toBe(`Bearer ${BEARER}`);
      expect(request!.headers["content-type"]).toBe("application/json");
      expect(request!.headers.accept).toBe("application/json");
      expect(request!.headers["user-agent"]).toBe(`motherduck-rest/${VERSION}`);
      expect(request!.json).toEqual(body);
      expect(token.name).toBe("ci");
      expect(token.token_type).toBe(body.token_type ?? READ_WRITE);
    });
  }

  it("sends the username as exactly one encoded path segment", async () => {
    const usernames = [
      "a/b",
      "q?x=1",
      "hash#frag",
      "100%",
      "with space",
      "Ünïcødé_名前",
      "a%2Fb",
      "..a",
      "emoji🦆",
      "tab\tname",
    ];
    for (const username of usernames) {
      server.requests.length = 0;
      await client().tokens.create(username, { name: "n" });
      expect(server.requests).toHaveLength(1);
      const [request] = server.requests;
      expect(request!.segments).toEqual(["v1", "users", username, "tokens"]);
    }
  });

  it("honours a base URL with a path prefix and a trailing slash", async () => {
    const md = createMotherDuckClient({ token: BEARER, baseUrl: `${server.url}/proxy/`, maxRetries: 0 });
    await md.tokens.create("alice", { name: "n" });
    const [request] = server.requests;
    expect(request!.rawPath).toBe("/proxy/v1/users/alice/tokens");
    // The contract check knows the spec's paths, not this proxy's prefix: check the request without it.
    expect(server.contractViolations.splice(0)).toHaveLength(1);
    expect(
      requestViolations("POST", request!.rawPath.slice("/proxy".length), request!.json, request!.bodyText),
    ).toEqual([]);
  });

  it("md.raw is the typed openapi-fetch client, authenticated but unguarded", async () => {
    const { data, response } = await client().raw.POST("/v1/users/{username}/tokens", {
      params: { path: { username: "alice" } },
      body: { name: "n" },
    });
    expect(response.status).toBe(200);
    expect(data?.name).toBe("n");
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${BEARER}`);
  });
});

describe("tokens.create maps each failure status to its error class", () => {
  for (const { status, code, ErrorClass } of ERROR_STATUSES) {
    it(`${status} → ${ErrorClass.name}`, async () => {
      server.reply({
        status,
        headers: { "x-request-id": `req-${status}` },
        body: {
          code,
          message: `server says ${status}`,
          issues: [{ message: "first", path: ["name"], code: "too_small" }],
          data: { httpStatus: status },
        },
      });
      const error = await client()
        .tokens.create("alice", { name: "n" })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ErrorClass);
      expect(error).toBeInstanceOf(ApiError);
      const apiError = error as ApiError;
      expect(apiError.status).toBe(status);
      expect(apiError.code).toBe(code);
      expect(apiError.message).toContain(`server says ${status}`);
      expect(apiError.issues).toEqual([{ message: "first", path: ["name"], code: "too_small" }]);
      expect(apiError.requestId).toBe(`req-${status}`);
      expect(apiError.name).toBe(ErrorClass.name);
      expect(server.requests).toHaveLength(1);
    });
  }

  it("a 403 carries a hint that explains S2 and S3 in plain words", async () => {
    server.reply({ status: 403, body: { code: "FORBIDDEN", message: "Unauthorized" } });
    const error = (await client()
      .tokens.create("bob", { name: "n" })
      .catch((e: unknown) => e)) as PermissionDeniedError;
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error.hint).toMatch(/service account/);
    expect(error.hint).toMatch(/Admin/);
    expect(error.hint).toMatch(/S2/);
    expect(error.hint).toMatch(/S3/);
  });

  it("an HTML 502 page gives an InternalServerError with a readable message", async () => {
    server.reply({
      status: 502,
      headers: { "content-type": "text/html" },
      body: "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>",
    });
    const error = (await client()
      .tokens.create("alice", { name: "n" })
      .catch((e: unknown) => e)) as InternalServerError;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.status).toBe(502);
    expect(error.code).toBeUndefined();
    expect(error.message).toBe('502: an HTML page ("502 Bad Gateway") instead of a JSON error');
  });

  it("a plain-text 404 gives a NotFoundError whose hint points at the base URL", async () => {
    server.reply({ status: 404, headers: { "content-type": "text/plain" }, body: "Not Found" });
    const error = (await client()
      .tokens.create("alice", { name: "n" })
      .catch((e: unknown) => e)) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toMatch(/^404: Not Found/);
    expect(error.hint).toMatch(/base URL/);
  });

  it("an empty error body still gives the right class", async () => {
    server.reply({ status: 500, body: "" });
    const error = (await client()
      .tokens.create("alice", { name: "n" })
      .catch((e: unknown) => e)) as InternalServerError;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.message).toBe("500: Internal Server Error");
  });

  it("an unexpected status gives a plain ApiError", async () => {
    server.reply({ status: 409, body: { code: "CONFLICT", message: "exists" } });
    const error = (await client()
      .tokens.create("alice", { name: "n" })
      .catch((e: unknown) => e)) as ApiError;
    expect(error.constructor).toBe(ApiError);
    expect(error.status).toBe(409);
    expect(error.code).toBe("CONFLICT");
  });
});

describe("errors never carry the bearer token", () => {
  it("not in message, stack, util.inspect, JSON or String(), even when the server echoes it", async () => {
    const md = client();
    const jwtLike = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2VjcmV0LXNpZ25hdHVyZQ";
    const errors: unknown[] = [];
    for (const status of [400, 401, 403, 404, 500]) {
      server.reply({
        status,
        body: { code: "X", message: `bad token ${BEARER} ${jwtLike}`, issues: [{ message: `token ${BEARER}` }] },
      });
      errors.push(await md.tokens.create("alice", { name: "n" }).catch((e: unknown) => e));
    }
    server.reply({ status: 502, body: `upstream rejected Bearer ${BEARER}` });
    errors.push(await md.tokens.create("alice", { name: "n" }).catch((e: unknown) => e));
    for (const error of errors) {
      expect(error).toBeInstanceOf(ApiError);
      for (const text of printedForms(error)) {
        expect(text).not.toContain(BEARER);
        expect(text).not.toContain(jwtLike);
      }
    }
    expect(inspect(md, { depth: 10 })).not.toContain(BEARER);
    expect(JSON.stringify(md)).not.toContain(BEARER);
  });
});
