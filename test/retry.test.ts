// The retry decisions, each a small pure function.
import { describe, expect, it } from "vitest";
import {
  BACKOFF_BASE_MS,
  RETRY_AFTER_CAP_MS,
  backoffMs,
  classifyFailure,
  retryAfterMs,
  shouldRetryFailure,
  shouldRetryStatus,
} from "../src/transport/retry.js";

describe("shouldRetryStatus", () => {
  it("retries 429 for every method", () => {
    for (const method of ["GET", "POST", "PUT", "DELETE"]) expect(shouldRetryStatus(method, 429)).toBe(true);
  });
  it("retries 502, 503 and 504 for reads and deletes only, never for a POST", () => {
    for (const status of [502, 503, 504]) {
      expect(shouldRetryStatus("GET", status)).toBe(true);
      expect(shouldRetryStatus("DELETE", status)).toBe(true);
      expect(shouldRetryStatus("POST", status)).toBe(false);
    }
  });
  it("never retries other statuses", () => {
    for (const status of [200, 400, 401, 403, 404, 409, 500, 501, 505])
      expect(shouldRetryStatus("GET", status)).toBe(false);
  });
});

describe("shouldRetryFailure", () => {
  it("retries a POST only when the request provably never left", () => {
    expect(shouldRetryFailure("POST", "not-sent")).toBe(true);
    expect(shouldRetryFailure("POST", "reset")).toBe(false);
    expect(shouldRetryFailure("POST", "timeout")).toBe(false);
  });
  it("retries GET and DELETE on every failure", () => {
    for (const kind of ["not-sent", "reset", "timeout"] as const) {
      expect(shouldRetryFailure("GET", kind)).toBe(true);
      expect(shouldRetryFailure("DELETE", kind)).toBe(true);
    }
  });
});

describe("retryAfterMs", () => {
  const now = Date.parse("2026-11-27T12:00:00Z");
  it("reads seconds and HTTP dates", () => {
    expect(retryAfterMs("2", now)).toBe(2000);
    expect(retryAfterMs("0.5", now)).toBe(500);
    expect(retryAfterMs("Fri, 27 Nov 2026 12:00:05 GMT", now)).toBe(5000);
  });
  it(`caps the wait at ${RETRY_AFTER_CAP_MS} ms and never goes below 0`, () => {
    expect(retryAfterMs("3600", now)).toBe(RETRY_AFTER_CAP_MS);
    expect(retryAfterMs("Sat, 28 Nov 2026 12:00:00 GMT", now)).toBe(RETRY_AFTER_CAP_MS);
    expect(retryAfterMs("Thu, 26 Nov 2026 12:00:00 GMT", now)).toBe(0);
  });
  it("ignores a missing or unreadable header", () => {
    for (const header of [null, "", "soon", "-1"]) expect(retryAfterMs(header, now)).toBeUndefined();
  });
});

describe("backoffMs", () => {
  it(`doubles from ${BACKOFF_BASE_MS} ms, with jitter in the upper half`, () => {
    for (const [retry, ceiling] of [
      [1, BACKOFF_BASE_MS],
      [2, BACKOFF_BASE_MS * 2],
      [3, BACKOFF_BASE_MS * 4],
    ] as const) {
      expect(backoffMs(retry, 0)).toBe(ceiling / 2);
      expect(backoffMs(retry, 1)).toBe(ceiling);
      expect(backoffMs(retry, 0.5)).toBeGreaterThan(ceiling / 2);
    }
  });
  it("never waits longer than the cap", () => {
    expect(backoffMs(30, 1)).toBe(RETRY_AFTER_CAP_MS);
  });
});

describe("classifyFailure", () => {
  const failure = (code: string) =>
    Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error(code), { code }) });
  it("knows a refused or unresolvable connection never sent anything", () => {
    expect(classifyFailure(failure("ECONNREFUSED"))).toBe("not-sent");
    expect(classifyFailure(failure("ENOTFOUND"))).toBe("not-sent");
  });
  it("treats everything else as a reset that may have reached the server", () => {
    expect(classifyFailure(failure("ECONNRESET"))).toBe("reset");
    expect(classifyFailure(failure("UND_ERR_SOCKET"))).toBe("reset");
    expect(classifyFailure(new Error("other"))).toBe("reset");
  });
});
