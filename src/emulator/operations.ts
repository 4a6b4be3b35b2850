// What each operation of the spec does to the emulator's state. Authentication, request validation and
// S4 have already run when a handler is called; the handler looks up its target and asks the scope table.
import { actionOf, decideScope } from "../scope.js";
import type { OperationId } from "../rules.js";
import type { CreateTokenBody } from "../types.js";
import type { Store, User } from "./store.js";
import { errorReply, tokenBody } from "./replies.js";
import type { Reply } from "./replies.js";

export interface HandlerContext {
  store: Store;
  caller: User;
  path: Record<string, string>;
  body: unknown;
}

type Handler = (context: HandlerContext) => Reply;

// MotherDuck's service-account guide: the server wants at least three characters, more than the spec says.
const SERVICE_ACCOUNT_MIN_LENGTH = 3;

/**
 * 403 when the scope table refuses `caller` this action on `target`; undefined when it allows it. S4 is not
 * asked here: the server refuses read-scaling tokens before any handler runs.
 */
function refusal(operationId: OperationId, { caller }: HandlerContext, target: User | string): Reply | undefined {
  const decision = decideScope(actionOf[operationId], {
    caller: caller.username,
    callerRole: caller.role,
    target: typeof target === "string" ? target : target.username,
    targetIsServiceAccount: typeof target === "string" ? undefined : target.serviceAccount,
  });
  if (decision.outcome === "allow") return undefined;
  const reason = decision.outcome === "deny" ? `${decision.reason} (rule ${decision.rule})` : "not allowed";
  return errorReply(403, `Unauthorized: ${reason}`);
}

/** The path's user, if the caller may know of it. Another organization's user is as unknown as a missing one. */
function pathUser({ store, caller, path }: HandlerContext): User | Reply {
  const username = path.username!;
  return store.user(caller.organization, username) ?? errorReply(404, `User "${username}" not found`);
}

const isReply = (value: User | Reply): value is Reply => "status" in value;

/**
 * Placeholder for an operation the emulator does not serve yet: a spec-valid 500 that says so, instead of
 * an answer that could be mistaken for MotherDuck's. The emulator's own state for these operations comes later.
 */
const notEmulatedYet =
  (operationId: OperationId): Handler =>
  () =>
    errorReply(500, `Internal Error: the emulator does not serve ${operationId} yet`);

export const handlers: Record<OperationId, Handler> = {
  "users-createToken"(context) {
    const target = pathUser(context);
    if (isReply(target)) return target;
    const refused = refusal("users-createToken", context, target);
    if (refused) return refused;
    const { name, ttl, token_type } = context.body as CreateTokenBody;
    const { record, secret } = context.store.createToken(target, { name, ttl, tokenType: token_type });
    return { status: 200, body: { token: secret, ...tokenBody(record) } };
  },

  "users-listTokens"(context) {
    const target = pathUser(context);
    if (isReply(target)) return target;
    const refused = refusal("users-listTokens", context, target);
    if (refused) return refused;
    return { status: 200, body: { tokens: context.store.tokensOf(target).map(tokenBody) } };
  },

  "users-deleteToken"(context) {
    const target = pathUser(context);
    if (isReply(target)) return target;
    const refused = refusal("users-deleteToken", context, target);
    if (refused) return refused;
    const tokenId = context.path.token_id!;
    if (!context.store.revokeToken(target, tokenId)) return errorReply(404, `Token "${tokenId}" not found`);
    return { status: 200, body: {} };
  },

  "users-createServiceAccount"(context) {
    const { username } = context.body as { username: string };
    const refused = refusal("users-createServiceAccount", context, username);
    if (refused) return refused;
    if (Array.from(username).length < SERVICE_ACCOUNT_MIN_LENGTH) {
      return errorReply(400, "Bad Request", [
        { path: "body.username", message: `must be at least ${SERVICE_ACCOUNT_MIN_LENGTH} characters long` },
      ]);
    }
    const { store, caller } = context;
    if (store.clash(caller.organization, username)) {
      return errorReply(400, "Bad Request", [{ path: "body.username", message: "is taken in this organization" }]);
    }
    store.addUser({ username, organization: caller.organization, role: "member", serviceAccount: true });
    return { status: 200, body: { username } };
  },

  "users-delete"(context) {
    const target = pathUser(context);
    if (isReply(target)) return target;
    const refused = refusal("users-delete", context, target);
    if (refused) return refused;
    context.store.deleteUser(target);
    return { status: 200, body: { username: target.username } };
  },

  "users-list": notEmulatedYet("users-list"),
  "ducklings-getDucklingConfigForUser": notEmulatedYet("ducklings-getDucklingConfigForUser"),
  "ducklings-setDucklingConfigForUser": notEmulatedYet("ducklings-setDucklingConfigForUser"),
  "ducklings-getActiveAccounts": notEmulatedYet("ducklings-getActiveAccounts"),
  "dashboards-createEmbedSession": notEmulatedYet("dashboards-createEmbedSession"),
};
