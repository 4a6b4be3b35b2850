// Rule S5: a read-scaling token for a service account that never connected with a read/write token.
import { describe, expect, it, vi } from "vitest";
import { createMotherDuckClient } from "../src/index.js";
import type { Identity } from "../src/index.js";
import { useRecordingServer } from "./helpers/recording-server.js";
import type { RecordedRequest, Reply } from "./helpers/recording-server.js";
import { OLD_ID, newToken, tokenInfo } from "./helpers/token-fixtures.js";
import { READ_SCALING, READ_WRITE } from "./helpers/rules.js";

const server = useRecordingServer();

function api(existing: Record<string, unknown>[], listReply?: Reply) {
  return (request: RecordedRequest): Reply =>
    request.method === "GET"
      ? (listReply ?? { body: { tokens: existing } })
      : { body: newToken({ token_type: (request.json as { token_type?: string }).token_type }) };
}

function client(identity?: Identity) {
  const warnings: Array<[string, unknown]> = [];
  const md = createMotherDuckClient({
    token: "md-test-bearer",
    baseUrl: server.url,
    maxRetries: 0,
    ...(identity && { identity }),
    logger: { warn: (message, fields) => warnings.push([message, fields]) },
  });
  return { md, warnings };
}
const methods = () => server.requests.map((r) => r.method);

describe("the S5 readiness warning", () => {
  it("is sent once when the service account holds no read/write token, and says what to do", async () => {
    server.reply(api([tokenInfo(OLD_ID, { token_type: READ_SCALING })]));
    const { md, warnings } = client();
    await md.tokens.create("svc_bi", { name: "replica", token_type: READ_SCALING });
    expect(methods()).toEqual(["GET", "POST"]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]![0]).toMatch(/svc_bi/);
    expect(warnings[0]![0]).toMatch(/S5/);
    expect(warnings[0]![0]).toMatch(/read\/write token .* connect with it once/);
    expect(warnings[0]![1]).toEqual({ username: "svc_bi", rule: "S5" });
  });

  it("is not sent when the service account holds a read/write token", async () => {
    server.reply(api([tokenInfo(OLD_ID, { token_type: READ_WRITE })]));
    const { md, warnings } = client();
    await md.tokens.create("svc_bi", { name: "replica", token_type: READ_SCALING });
    expect(methods()).toEqual(["GET", "POST"]);
    expect(warnings).toEqual([]);
  });

  it("costs nothing for read/write tokens, or for your own read-scaling tokens", async () => {
    server.reply(api([]));
    const { md, warnings } = client({ username: "alice" });
    await md.tokens.create("svc_bi", { name: "rw", token_type: READ_WRITE });
    await md.tokens.create("svc_bi", { name: "default" });
    await md.tokens.create("alice", { name: "mine", token_type: READ_SCALING });
    expect(methods()).toEqual(["POST", "POST", "POST"]);
    expect(warnings).toEqual([]);
  });

  it("never fails the creation when the check itself fails", async () => {
    server.reply(api([], { status: 403, body: { code: "FORBIDDEN", message: "Unauthorized" } }));
    const { md, warnings } = client();
    const token = await md.tokens.create("svc_bi", { name: "replica", token_type: READ_SCALING });
    expect(token.token_type).toBe(READ_SCALING);
    expect(methods()).toEqual(["GET", "POST"]);
    expect(warnings).toEqual([]);
  });
});

describe("the S5 check refused for the rate", () => {
  const refused: Reply = {
    status: 429,
    headers: { "retry-after": "1" },
    body: { code: "RATE_LIMITED", message: "slow down" },
  };

  it("holds the create until the check's Retry-After has passed", { timeout: 20_000 }, async () => {
    const arrivals: Array<[string, number]> = [];
    server.reply((request) => {
      arrivals.push([request.method, performance.now()]);
      return api([], refused)(request);
    });
    const { md } = client();
    const token = await md.tokens.create("svc_bi", { name: "replica", token_type: READ_SCALING });
    expect(token.token_type).toBe(READ_SCALING);
    expect(arrivals.map(([method]) => method)).toEqual(["GET", "POST"]);
    // Measured between two arrivals at the server: the POST left no sooner than the Retry-After allowed.
    expect(arrivals[1]![1] - arrivals[0]![1]).toBeGreaterThanOrEqual(1000);
  });

  it("gives up that wait when the call's signal aborts, and sends nothing more", { timeout: 20_000 }, async () => {
    // A 30 s Retry-After: only the abort can end the wait within the test's time.
    server.reply(api([], { ...refused, headers: { "retry-after": "30" } }));
    const { md } = client();
    const controller = new AbortController();
    const reason = new Error("caller gave up");
    const options = { signal: controller.signal };
    const created = md.tokens.create("svc_bi", { name: "replica", token_type: READ_SCALING }, options);
    await vi.waitUntil(() => server.requests.length === 1, { timeout: 5000 });
    controller.abort(reason);
    await expect(created).rejects.toBe(reason);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(methods()).toEqual(["GET"]);
  });
});
