// The contract checker itself must be able to fail, or the contract tests prove nothing.
import { describe, expect, it } from "vitest";
import { requestViolations, responseViolations } from "./helpers/contract.js";
import { ttlRule } from "./helpers/rules.js";

describe("the contract checker", () => {
  it("accepts a conforming request and rejects ones that break the spec", () => {
    const ok = { name: "n", ttl: ttlRule.minimum };
    expect(requestViolations("POST", "/v1/users/alice/tokens", ok, JSON.stringify(ok))).toEqual([]);
    const bad = { name: "", ttl: ttlRule.maximum + 1, token_type: "root" };
    expect(requestViolations("POST", "/v1/users/alice/tokens", bad, JSON.stringify(bad))).toHaveLength(1);
    expect(requestViolations("POST", "/v1/users/alice/tokens", undefined, "{oops")).toEqual([
      "users-createToken body: not JSON",
    ]);
    expect(requestViolations("GET", "/v1/users/alice/tokens", undefined, '{"x":1}')).toHaveLength(1);
    expect(requestViolations("PATCH", "/v1/users/alice", undefined, "")).toHaveLength(1);
    expect(requestViolations("POST", "/v1/users", { username: "1abc" }, '{"username":"1abc"}')).toHaveLength(1);
    expect(requestViolations("POST", "/v1/users", { username: "Ünï_2" }, '{"username":"Ünï_2"}')).toEqual([]);
  });

  it("accepts conforming answers and rejects ones that break the spec", () => {
    const token = {
      token: "md-test-token",
      id: "3fa85f64-5717-4562-b3fc-2c963f66afa6",
      created_ts: "2026-01-01T00:00:00Z",
      read_only: false,
      token_type: "read_write",
    };
    expect(responseViolations("users-createToken", 200, token)).toEqual([]);
    expect(responseViolations("users-createToken", 200, { ...token, id: "not-a-uuid" })).toHaveLength(1);
    expect(responseViolations("users-listTokens", 200, { tokens: [{ ...token, read_only: "no" }] })).toHaveLength(1);
    expect(responseViolations("users-delete", 403, { code: "FORBIDDEN" })).toHaveLength(1);
    expect(responseViolations("users-delete", 409, { code: "CONFLICT", message: "m" })).toHaveLength(1);
  });
});
