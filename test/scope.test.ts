import { describe, expect, it } from "vitest";
import {
  PermissionDeniedError,
  TokenScopeError,
  ValidationError,
  createMotherDuckClient,
  decideScope,
} from "../src/index.js";
import type { Identity, Role } from "../src/index.js";
import { actionOf } from "../src/scope.js";
import type { ScopedAction } from "../src/scope.js";
import { operations } from "../src/rules.js";
import { useRecordingServer } from "./helpers/recording-server.js";

describe("decideScope: the S1–S3 decision table for token creation", () => {
  const roles: Array<Role | undefined> = ["admin", "member", undefined];
  const serviceAccountFacts: Array<boolean | undefined> = [true, false, undefined];
  const expected = (role: Role | undefined, isServiceAccount: boolean | undefined) => {
    if (isServiceAccount === false) return { outcome: "deny", rule: "S3" };
    if (role === "member") return { outcome: "deny", rule: "S2" };
    if (isServiceAccount === true && role === "admin") return { outcome: "allow", rule: "S2" };
    return { outcome: "unknown" };
  };

  for (const role of roles) {
    it(`S1: a ${role ?? "caller of unknown role"} may always create a token for themselves`, () => {
      for (const targetIsServiceAccount of serviceAccountFacts) {
        expect(
          decideScope("create-token", { caller: "alice", callerRole: role, target: "alice", targetIsServiceAccount }),
        ).toEqual({
          outcome: "allow",
          rule: "S1",
        });
      }
    });
    for (const isServiceAccount of serviceAccountFacts) {
      const want = expected(role, isServiceAccount);
      it(`role ${role ?? "unknown"}, target is a service account: ${isServiceAccount ?? "unknown"} → ${want.outcome} ${"rule" in want ? want.rule : ""}`, () => {
        const decision = decideScope("create-token", {
          caller: "alice",
          callerRole: role,
          target: "svc",
          targetIsServiceAccount: isServiceAccount,
        });
        expect(decision).toMatchObject(want);
        if (decision.outcome === "deny") expect(decision.reason).toContain('"svc"');
      });
    }
  }

  it("compares usernames exactly, never case-folded", () => {
    expect(decideScope("create-token", { caller: "alice", callerRole: "member", target: "Alice" }).outcome).toBe(
      "deny",
    );
  });
});

describe("the client guards token creation with the identity it was given", () => {
  const server = useRecordingServer();
  const client = (identity?: Identity) =>
    createMotherDuckClient({
      token: "md-test-bearer",
      baseUrl: server.url,
      maxRetries: 0,
      ...(identity && { identity }),
    });

  async function expectRefused(identity: Identity, target: string, rule: string) {
    const error = await client(identity)
      .tokens.create(target, { name: "n" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenScopeError);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as TokenScopeError).rule).toBe(rule);
    expect((error as TokenScopeError).message).toContain(rule);
    expect(server.requests).toHaveLength(0);
  }
  async function expectSent(identity: Identity | undefined, target: string) {
    await client(identity).tokens.create(target, { name: "n" });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.segments[2]).toBe(target);
    server.requests.length = 0;
  }

  it("S1: anyone may create a token for themselves", async () => {
    await expectSent({ username: "bob", role: "member", serviceAccounts: [] }, "bob");
    await expectSent({ username: "alice", role: "admin", serviceAccounts: [] }, "alice");
  });

  it("S2: an admin may create a token for a declared service account; a member may not", async () => {
    await expectSent({ username: "alice", role: "admin", serviceAccounts: ["svc_etl"] }, "svc_etl");
    await expectRefused({ username: "bob", role: "member", serviceAccounts: ["svc_etl"] }, "svc_etl", "S2");
    await expectRefused({ username: "bob", role: "member" }, "svc_etl", "S2");
  });

  it("S3: nobody creates a token for a member who is not a declared service account", async () => {
    await expectRefused({ username: "alice", role: "admin", serviceAccounts: ["svc_etl"] }, "bob", "S3");
    await expectRefused({ username: "alice", serviceAccounts: [] }, "bob", "S3");
  });

  it("without enough knowledge the server decides, and its 403 carries the S2/S3 hint", async () => {
    await expectSent({ username: "alice", role: "admin" }, "bob");
    await expectSent({ username: "alice", serviceAccounts: ["svc_etl"] }, "svc_etl");
    await expectSent(undefined, "anyone");
    server.reply({ status: 403, body: { code: "FORBIDDEN", message: "Unauthorized" } });
    const error = await client({ username: "alice", role: "admin" })
      .tokens.create("bob", { name: "n" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect((error as PermissionDeniedError).hint).toMatch(/S2[\s\S]*S3/);
  });

  it("validation comes before the scope guard, and a bad identity is refused at creation", async () => {
    const error = await client({ username: "bob", role: "member" })
      .tokens.create("..", { name: "n" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).not.toBeInstanceOf(TokenScopeError);
    expect(() => client({ username: "", role: "owner" as Role })).toThrow(ValidationError);
    expect(() => client({ username: "a", serviceAccounts: "svc" as unknown as string[] })).toThrow(
      /identity.serviceAccounts/,
    );
  });
});

describe("decideScope: the calls added later (Duckling config, active accounts, users, embed sessions)", () => {
  const roles: Array<Role | undefined> = ["admin", "member", undefined];
  const decide = (action: ScopedAction, role: Role | undefined, target: string, callerIsReadScaling?: boolean) =>
    decideScope(action, { caller: "alice", callerRole: role, target, callerIsReadScaling });

  // Admin calls under S2; a member is refused for anyone else, and for themselves the server decides.
  const ducklingConfig = (role: Role | undefined, self: boolean) =>
    role === "admin"
      ? { outcome: "allow", rule: "S2" }
      : role === "member" && !self
        ? { outcome: "deny", rule: "S2" }
        : { outcome: "unknown" };

  /** What DESIGN.md's paragraph expects for each action, role and target (self is "alice"). */
  const expected: Record<
    Exclude<ScopedAction, "create-token" | "list-tokens" | "delete-token" | "create-service-account" | "delete-user">,
    (role: Role | undefined, self: boolean) => { outcome: string; rule?: string }
  > = {
    "get-duckling-config": ducklingConfig,
    "set-duckling-config": ducklingConfig,
    // an admin call with no target: a member is refused whoever they name
    "list-active-accounts": (role) =>
      role === "admin"
        ? { outcome: "allow", rule: "S2" }
        : role === "member"
          ? { outcome: "deny", rule: "S2" }
          : { outcome: "unknown" },
    // privileges other roles may hold too: a declared role never refuses these
    "list-users": (role) => (role === "admin" ? { outcome: "allow", rule: "S2" } : { outcome: "unknown" }),
    "create-embed-session": (role) => (role === "admin" ? { outcome: "allow", rule: "S2" } : { outcome: "unknown" }),
  };

  for (const [action, want] of Object.entries(expected) as Array<[ScopedAction, (typeof expected)["list-users"]]>) {
    for (const role of roles) {
      for (const [target, self] of [
        ["alice", true],
        ["svc", false],
      ] as const) {
        it(`${action}: role ${role ?? "unknown"}, target ${self ? "self" : "other"} → ${want(role, self).outcome}`, () => {
          const decision = decide(action, role, target);
          expect(decision).toMatchObject(want(role, self));
          if (decision.outcome === "deny") expect(decision.reason).toMatch(/Admin token/);
        });
      }
      it(`${action}: S4 refuses a read-scaling token, role ${role ?? "unknown"}, self or other`, () => {
        for (const target of ["alice", "svc"]) {
          expect(decide(action, role, target, true)).toMatchObject({ outcome: "deny", rule: "S4" });
        }
      });
    }
  }

  it("an action the table does not know is a TypeError naming the known ones, not an undefined answer", () => {
    for (const action of ["rotate-token", "list-tokens ", "", undefined]) {
      expect(() => decideScope(action as never, { caller: "alice", callerRole: "member", target: "bob" })).toThrow(
        TypeError,
      );
    }
    expect(() => decideScope("bogus" as never, { caller: "alice", target: "bob" })).toThrow(
      /unknown action "bogus"; known: create-token, list-tokens,/,
    );
    expect(() => decideScope(1n as never, { caller: "alice", target: "bob" })).toThrow(
      /unknown action of type bigint; known: create-token,/,
    );
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => decideScope(circular as never, { caller: "alice", target: "bob" })).toThrow(/of type object; known:/);
    expect(() => decideScope("x\u009b\u2028\u202e\n" as never, { caller: "a", target: "a" })).toThrow(
      /^decideScope: unknown action "x\\u009b\\u2028\\u202e\\n"; known:/,
    );
  });

  it("every operation of the spec has an action the table decides", () => {
    expect(Object.keys(actionOf).sort()).toEqual(Object.keys(operations).sort());
    for (const action of Object.values(actionOf)) {
      expect(["allow", "deny", "unknown"]).toContain(decide(action, undefined, "svc").outcome);
    }
  });
});
