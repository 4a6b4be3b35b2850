// MotherDuck's token-scope rules as one pure decision table. The client's guards call it with what the
// caller declared (partial knowledge); the emulator calls it with what it knows (full knowledge).

/** A MotherDuck organization role. */
export type Role = "admin" | "member";

/** Rule ids of the token-scope table (README, "Token scope"). */
export type ScopeRule = "S1" | "S2" | "S3" | "S4" | "S5" | "S6" | "S7";

import type { OperationId } from "./rules.js";
import { terminalSafe } from "./printable.js";

/** The calls the table decides. */
export type ScopedAction =
  | "create-token"
  | "list-tokens"
  | "delete-token"
  | "create-service-account"
  | "delete-user"
  | "list-users"
  | "get-duckling-config"
  | "set-duckling-config"
  | "list-active-accounts"
  | "create-embed-session";

/** The action each operation of the spec performs, in the table's terms. */
export const actionOf: Record<OperationId, ScopedAction> = {
  "users-createToken": "create-token",
  "users-listTokens": "list-tokens",
  "users-deleteToken": "delete-token",
  "users-createServiceAccount": "create-service-account",
  "users-delete": "delete-user",
  "users-list": "list-users",
  "ducklings-getDucklingConfigForUser": "get-duckling-config",
  "ducklings-setDucklingConfigForUser": "set-duckling-config",
  "ducklings-getActiveAccounts": "list-active-accounts",
  "dashboards-createEmbedSession": "create-embed-session",
};

/** What is known about a call when the scope table decides it; unknown facts leave the decision to the server. */
export interface ScopeFacts {
  /** The username the request authenticates as. */
  caller: string;
  /** The caller's role; undefined when not known. */
  callerRole?: Role | undefined;
  /** Whether the caller authenticates with a read-scaling token; undefined when not known. */
  callerIsReadScaling?: boolean | undefined;
  /** The user the call acts on: the username in the path, or the service account to create. */
  target: string;
  /** Whether the target is a service account of the caller's organization; undefined when not known. */
  targetIsServiceAccount?: boolean | undefined;
}

/** The scope table's answer: allowed or refused by a rule, or too little known to tell. */
export type ScopeDecision =
  | { outcome: "allow"; rule: ScopeRule }
  | { outcome: "deny"; rule: ScopeRule; reason: string }
  /** Too little is known to decide: the server will. `rules` are the ones it may refuse by. */
  | { outcome: "unknown"; rules: readonly ScopeRule[] };

const deny = (rule: ScopeRule, reason: string): ScopeDecision => ({ outcome: "deny", rule, reason });
/** S2 refusing a member: every admin call says it the same way. */
const adminOnly = (what: string): ScopeDecision =>
  deny("S2", `${what} needs an Admin token, and a member's token is not one`);

/**
 * Who may create a token for whom.
 * - S1: anyone may create a token for their own username.
 * - S2: a token for a service account of the organization needs an Admin.
 * - S3: nobody creates tokens for another member who is not a service account.
 */
function decideTokenCreation({ caller, callerRole, target, targetIsServiceAccount }: ScopeFacts): ScopeDecision {
  if (caller === target) return { outcome: "allow", rule: "S1" };
  if (targetIsServiceAccount === false) {
    return deny(
      "S3",
      `"${target}" is neither you nor a service account of your organization, and the API never creates tokens for another member`,
    );
  }
  if (callerRole === "member") {
    return adminOnly(`a token for "${target}", who is not you,`);
  }
  if (targetIsServiceAccount === true && callerRole === "admin") return { outcome: "allow", rule: "S2" };
  return { outcome: "unknown", rules: targetIsServiceAccount === true ? ["S2"] : ["S2", "S3"] };
}

/** Listing or revoking someone else's tokens is an admin call, as creating them is. */
function decideTokenManagement({ caller, callerRole, target }: ScopeFacts): ScopeDecision {
  if (caller === target) return { outcome: "allow", rule: "S1" };
  if (callerRole === "member") {
    return adminOnly(`managing the tokens of "${target}"`);
  }
  if (callerRole === "admin") return { outcome: "allow", rule: "S2" };
  return { outcome: "unknown", rules: ["S2"] };
}

/** Creating and deleting users, and listing active accounts, are admin calls. */
function decideUserAdministration({ callerRole }: ScopeFacts, what: string): ScopeDecision {
  if (callerRole === "member") return adminOnly(what);
  if (callerRole === "admin") return { outcome: "allow", rule: "S2" };
  return { outcome: "unknown", rules: ["S2"] };
}

/**
 * Duckling config is an admin call (S2). A member is refused for anyone else; for their own username the
 * server decides, since MotherDuck does not say whether a member may read or size their own Ducklings.
 */
function decideDucklingConfig({ caller, callerRole, target }: ScopeFacts, what: string): ScopeDecision {
  if (callerRole === "admin") return { outcome: "allow", rule: "S2" };
  if (callerRole === "member" && caller !== target) {
    return adminOnly(`${what} of "${target}"`);
  }
  return { outcome: "unknown", rules: ["S2"] };
}

/**
 * Listing users and creating embed sessions need privileges (view all members; create Dive embed sessions)
 * that the Admin role holds and that other roles may hold too. So an admin passes, and for anyone else the
 * server decides: a declared role never refuses these calls.
 */
function decidePrivilegedCall({ callerRole }: ScopeFacts): ScopeDecision {
  if (callerRole === "admin") return { outcome: "allow", rule: "S2" };
  return { outcome: "unknown", rules: ["S2"] };
}

/**
 * Decides whether `facts.caller` may perform `action` on `facts.target`, by rules S1 to S4. The client's
 * guards and the emulator both call it: the client with what its identity option declares, the emulator
 * with everything it knows.
 */
export function decideScope(action: ScopedAction, facts: ScopeFacts): ScopeDecision {
  return decideOperation(operationOf(action), facts);
}

/** The operation of the spec that performs `action`: actionOf read backwards. */
function operationOf(action: ScopedAction): OperationId {
  const operationId = (Object.keys(actionOf) as OperationId[]).find((id) => actionOf[id] === action);
  // Types keep TypeScript callers to known actions; a JavaScript caller gets told rather than an undefined answer.
  if (operationId === undefined) {
    const shown = typeof action === "string" ? terminalSafe(JSON.stringify(action)) : `of type ${typeof action}`;
    throw new TypeError(`decideScope: unknown action ${shown}; known: ${Object.values(actionOf).join(", ")}`);
  }
  return operationId;
}

/**
 * decideScope for a call named by its operation id. The client's guards call this one: operation ids are
 * already in every bundle (the generated rules are keyed by them), so the action names stay out of an app
 * that never calls decideScope itself.
 */
export function decideOperation(operationId: OperationId, facts: ScopeFacts): ScopeDecision {
  // S4: read-scaling tokens connect to read replicas and never make admin calls, whoever they belong to.
  if (facts.callerIsReadScaling === true) {
    return deny("S4", "a read-scaling token cannot make admin calls; use a read/write token");
  }
  switch (operationId) {
    case "users-createToken":
      return decideTokenCreation(facts);
    case "users-listTokens":
    case "users-deleteToken":
      return decideTokenManagement(facts);
    case "users-createServiceAccount":
      return decideUserAdministration(facts, "creating a service account");
    case "users-delete":
      return decideUserAdministration(facts, "deleting a user");
    case "ducklings-getDucklingConfigForUser":
      return decideDucklingConfig(facts, "reading the Duckling configuration");
    case "ducklings-setDucklingConfigForUser":
      return decideDucklingConfig(facts, "setting the Duckling configuration");
    case "ducklings-getActiveAccounts":
      return decideUserAdministration(facts, "listing active accounts");
    case "users-list":
    case "dashboards-createEmbedSession":
      return decidePrivilegedCall(facts);
  }
}

/** What a client may declare about the identity its token belongs to. */
export interface Identity {
  /** The exact username the token belongs to: calls on it are your own (S1). */
  username: string;
  /**
   * Your role in the organization. `"member"` refuses admin calls on anyone else before sending (S2);
   * `"admin"` or left out lets the server decide.
   */
  role?: Role;
  /**
   * The service accounts of the organization that you want to mint tokens for. When given, token creation for
   * anyone else is refused by S3. A service account the client creates joins this list for the client's
   * lifetime (the array you passed is not changed), and one it deletes leaves it.
   */
  serviceAccounts?: readonly string[];
}

/**
 * The facts a client knows of a call on `target`: what its identity declares, with the service accounts it
 * was told of or has created since (a set, since it grows and shrinks with the client's own calls).
 */
export function scopeFactsFromIdentity(
  identity: { username: string; role?: Role | undefined; serviceAccounts?: ReadonlySet<string> | undefined },
  target: string,
): ScopeFacts {
  return {
    caller: identity.username,
    callerRole: identity.role,
    target,
    targetIsServiceAccount: identity.serviceAccounts ? identity.serviceAccounts.has(target) : undefined,
  };
}

/**
 * S5: a service account's read-scaling tokens work only after it has connected once with a read/write
 * token. Holding a read/write token is the sign of readiness the API lets a client see.
 */
export function isReadyForReadScaling(tokens: ReadonlyArray<{ token_type: string }>, readWriteType: string): boolean {
  return tokens.some((token) => token.token_type === readWriteType);
}
