// MotherDuck's token-scope rules as one pure decision table. The client's guards call it with what the
// caller declared (partial knowledge); the emulator calls it with what it knows (full knowledge).

export type Role = "admin" | "member";

/** Rule ids of the token-scope table (README, "Token scope"). */
export type ScopeRule = "S1" | "S2" | "S3" | "S4" | "S5" | "S6" | "S7";

export interface TokenCreationFacts {
  /** The username the request authenticates as. */
  caller: string;
  /** The caller's role; undefined when not known. */
  callerRole?: Role | undefined;
  /** The username in the path. */
  target: string;
  /** Whether the target is a service account of the caller's organization; undefined when not known. */
  targetIsServiceAccount?: boolean | undefined;
}

export type ScopeDecision =
  | { outcome: "allow"; rule: "S1" | "S2" }
  | { outcome: "deny"; rule: "S2" | "S3"; reason: string }
  /** Too little is known to decide: the server will. `rules` are the ones it may refuse by. */
  | { outcome: "unknown"; rules: readonly ("S2" | "S3")[] };

/**
 * Decides rows S1–S3: who may create a token for whom.
 * - S1: anyone may create a token for their own username.
 * - S2: a token for a service account of the organization needs an Admin.
 * - S3: nobody creates tokens for another member who is not a service account.
 */
export function decideTokenCreation(facts: TokenCreationFacts): ScopeDecision {
  const { caller, callerRole, target, targetIsServiceAccount } = facts;
  if (caller === target) return { outcome: "allow", rule: "S1" };
  if (targetIsServiceAccount === false) {
    return {
      outcome: "deny",
      rule: "S3",
      reason: `"${target}" is neither you nor a service account of your organization, and the API never creates tokens for another member`,
    };
  }
  if (callerRole === "member") {
    return {
      outcome: "deny",
      rule: "S2",
      reason: `a member may create tokens only for themselves; a token for a service account such as "${target}" needs an Admin token`,
    };
  }
  if (targetIsServiceAccount === true && callerRole === "admin") return { outcome: "allow", rule: "S2" };
  return { outcome: "unknown", rules: targetIsServiceAccount === true ? ["S2"] : ["S2", "S3"] };
}

/** What a client may declare about the identity its token belongs to. */
export interface Identity {
  username: string;
  role?: Role;
  /** Every service account of the organization. When given, any other target is refused by S3. */
  serviceAccounts?: readonly string[];
}

/** The facts a client knows from its declared identity. */
export function tokenCreationFactsFromIdentity(identity: Identity, target: string): TokenCreationFacts {
  return {
    caller: identity.username,
    callerRole: identity.role,
    target,
    targetIsServiceAccount: identity.serviceAccounts ? identity.serviceAccounts.includes(target) : undefined,
  };
}
