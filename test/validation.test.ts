import { describe, expect, it } from "vitest";
import { ValidationError, createMotherDuckClient } from "../src/index.js";
import type { CreateTokenBody } from "../src/index.js";
import { useRecordingServer } from "./helpers/recording-server.js";
import { READ_SCALING, nameRule, ttlRule, usernameRule } from "./helpers/rules.js";

const server = useRecordingServer();

const client = () =>
  createMotherDuckClient({ token: "md-test-bearer", baseUrl: server.url, maxRetries: 0, logger: {} });
const chars = (n: number) => "x".repeat(n);
// Code points, not UTF-16 units: each duck is two units and one character.
const ducks = (n: number) => "🦆".repeat(n);

async function refusal(username: unknown, body: unknown): Promise<ValidationError> {
  const error = await client()
    .tokens.create(username as string, body as CreateTokenBody)
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  expect(server.requests).toHaveLength(0);
  return error as ValidationError;
}

async function accepted(username: string, body: CreateTokenBody): Promise<void> {
  await client().tokens.create(username, body);
  expect(server.requests).toHaveLength(1);
}

describe("the body is checked against the generated rules before anything is sent", () => {
  it("ttl at each bound is sent; one past each bound is refused", async () => {
    await accepted("alice", { name: "n", ttl: ttlRule.minimum });
    server.requests.length = 0;
    await accepted("alice", { name: "n", ttl: ttlRule.maximum });
    server.requests.length = 0;
    const below = await refusal("alice", { name: "n", ttl: ttlRule.minimum - 1 });
    expect(below.issues).toEqual([{ path: "body.ttl", message: `must be at least ${ttlRule.minimum}` }]);
    const above = await refusal("alice", { name: "n", ttl: ttlRule.maximum + 1 });
    expect(above.issues).toEqual([{ path: "body.ttl", message: `must be at most ${ttlRule.maximum}` }]);
  });

  for (const ttl of [NaN, Infinity, -Infinity, "3600", null, true, {}]) {
    it(`ttl ${String(ttl)} (${typeof ttl}) is refused`, async () => {
      const error = await refusal("alice", { name: "n", ttl });
      expect(error.issues).toEqual([{ path: "body.ttl", message: "must be a finite number" }]);
    });
  }

  it("name of 1 and of the maximum length is sent; empty and one over are refused", async () => {
    await accepted("alice", { name: chars(nameRule.minLength) });
    server.requests.length = 0;
    await accepted("alice", { name: chars(nameRule.maxLength) });
    server.requests.length = 0;
    await accepted("alice", { name: ducks(nameRule.maxLength) });
    server.requests.length = 0;
    expect((await refusal("alice", { name: "" })).issues).toEqual([
      { path: "body.name", message: `must be at least ${nameRule.minLength} character long` },
    ]);
    expect((await refusal("alice", { name: chars(nameRule.maxLength + 1) })).issues[0]!.path).toBe("body.name");
    expect((await refusal("alice", { name: ducks(nameRule.maxLength + 1) })).issues[0]!.path).toBe("body.name");
  });

  it("a missing or non-string name is refused", async () => {
    expect((await refusal("alice", {})).issues).toEqual([{ path: "body.name", message: "is required" }]);
    expect((await refusal("alice", { name: 42 })).issues).toEqual([{ path: "body.name", message: "must be a string" }]);
  });

  it("an unknown token_type is refused, naming the allowed values", async () => {
    const error = await refusal("alice", { name: "n", token_type: "read_only" });
    expect(error.issues).toEqual([{ path: "body.token_type", message: 'must be one of "read_write", "read_scaling"' }]);
    await accepted("alice", { name: "n", token_type: READ_SCALING });
  });

  it("a misspelt field is refused rather than silently dropped", async () => {
    const error = await refusal("alice", { name: "n", tll: 3600 });
    expect(error.issues[0]).toMatchObject({ path: "body.tll" });
    expect(error.issues[0]!.message).toMatch(/not a field/);
  });

  it("a body that is not an object is refused", async () => {
    for (const body of [undefined, null, "name=n", ["n"]]) {
      const error = await refusal("alice", body);
      expect(error.issues[0]!.path).toBe("body");
    }
  });

  it("every problem is reported at once", async () => {
    const error = await refusal("..", { name: "", ttl: Infinity, token_type: "admin" });
    expect(error.issues.map((i) => i.path).sort()).toEqual(["body.name", "body.token_type", "body.ttl", "username"]);
    expect(error.message).toContain("body.ttl must be a finite number");
  });
});

describe("the username is checked as rule S6 says", () => {
  it(`is sent at 1 and ${usernameRule.maxLength} characters`, async () => {
    await accepted("a", { name: "n" });
    server.requests.length = 0;
    await accepted(chars(usernameRule.maxLength), { name: "n" });
    expect(server.requests[0]!.segments[2]).toBe(chars(usernameRule.maxLength));
  });

  const refused: Array<[string, unknown]> = [
    ["empty", ""],
    ["one over the maximum", chars(usernameRule.maxLength + 1)],
    ["'.'", "."],
    ["'..'", ".."],
    ["a lone surrogate", "bob\ud800"],
    ["not a string", 42],
    ["undefined", undefined],
  ];
  for (const [label, username] of refused) {
    it(`is refused when ${label}`, async () => {
      const error = await refusal(username, { name: "n" });
      expect(error.issues).toHaveLength(1);
      expect(error.issues[0]!.path).toBe("username");
    });
  }

  it("is never trimmed or case-folded", async () => {
    for (const username of [" bob ", "BoB"]) {
      server.requests.length = 0;
      await accepted(username, { name: "n" });
      expect(server.requests[0]!.segments[2]).toBe(username);
    }
  });
});
