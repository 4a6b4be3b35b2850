import { describe, expect, it } from "vitest";
import { TimeoutError, createMotherDuckClient } from "../src/index.js";
import { useRecordingServer } from "./helpers/recording-server.js";

const server = useRecordingServer();

const client = (timeoutMs = 10_000) =>
  createMotherDuckClient({ token: "md-test-bearer", baseUrl: server.url, timeoutMs, maxRetries: 0 });

describe("the caller's AbortSignal", () => {
  it("an already-aborted signal rejects with its reason, and nothing is sent", async () => {
    const reason = new Error("caller gave up");
    const error = await client()
      .tokens.create("alice", { name: "n" }, { signal: AbortSignal.abort(reason) })
      .catch((e: unknown) => e);
    expect(error).toBe(reason);
    expect(server.requests).toHaveLength(0);
  });

  it("an abort while the request is in flight rejects with the signal's reason", async () => {
    server.reply({ hang: true });
    const controller = new AbortController();
    const pending = client().tokens.create("alice", { name: "n" }, { signal: controller.signal });
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe("AbortError");
    expect(error).toBe(controller.signal.reason);
  });
});

describe("the per-attempt timeout", () => {
  it("gives a TimeoutError when no answer comes", async () => {
    server.reply({ hang: true });
    const error = await client(150)
      .tokens.create("alice", { name: "n" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBe(150);
    expect(server.requests).toHaveLength(1);
  });

  it("covers reading the body: headers, then a stalled body, give a TimeoutError", async () => {
    server.reply({ stallBody: true, body: { token: "x".repeat(64) } });
    const error = await client(150)
      .tokens.create("alice", { name: "n" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
  });
});
