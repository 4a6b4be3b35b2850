// What each operation of the spec does to the emulator's state. Authentication, request validation and
// S4 have already run when a handler is called; the handler looks up its target and asks the scope table.
import { decideOperation } from "../scope.js";
import type { OperationId } from "../rules.js";
import type { CreateEmbedSessionBody, CreateTokenBody, SetDucklingConfigBody, UsersListQuery } from "../types.js";
import type { Store, User } from "./store.js";
import { errorReply, tokenBody, userBody } from "./replies.js";
import type { Reply } from "./replies.js";
import { replacementConfig } from "./ducklings.js";
import { walkKey } from "./paging.js";

export interface HandlerContext {
  store: Store;
  caller: User;
  path: Record<string, string>;
  /** The query parameters, typed as the spec declares them and already checked against it. */
  query: Record<string, unknown>;
  body: unknown;
}

type Handler = (context: HandlerContext) => Reply;

// MotherDuck's service-account guide: the server wants at least three characters, more than the spec says.
const SERVICE_ACCOUNT_MIN_LENGTH = 3;

// The spec states no default or largest page of GET /v1/users. MotherDuck's own provider asks for 1000 at a
// time, so 1000 is served; a larger limit gets 1000, as many paged APIs do, and the walk goes on.
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

/**
 * 403 when the scope table refuses `caller` this action on `target`; undefined when it allows it. S4 is not
 * asked here: the server refuses read-scaling tokens before any handler runs.
 */
function refusal(operationId: OperationId, { caller }: HandlerContext, target: User | string): Reply | undefined {
  const decision = decideOperation(operationId, {
    caller: caller.username,
    callerRole: caller.role,
    target: typeof target === "string" ? target : target.username,
    targetIsServiceAccount: typeof target === "string" ? undefined : target.serviceAccount,
  });
  if (decision.outcome === "allow") return undefined;
  // "unknown" leaves the call to the server, and the emulator is that server: its roles are admin and member,
  // and a member holds none of the privileges the table leaves open (Duckling config, listing users, embedding).
  const reason =
    decision.outcome === "deny"
      ? `${decision.reason} (rule ${decision.rule})`
      : `the ${caller.role} role lacks the privilege this call needs (rule ${decision.rules.join(", ")})`;
  return errorReply(403, `Unauthorized: ${reason}`);
}

/** The path's user, if the caller may know of it. Another organization's user is as unknown as a missing one. */
function pathUser({ store, caller, path }: HandlerContext): User | Reply {
  const username = path.username!;
  return store.user(caller.organization, username) ?? errorReply(404, `User "${username}" not found`);
}

const isReply = (value: User | Reply): value is Reply => "status" in value;

const badRequest = (path: string, message: string) => errorReply(400, "Bad Request", [{ path, message }]);

/** Whether a user passes the filters of GET /v1/users; a filter left out passes everyone. */
const passes =
  ({ is_service_account, is_deprovisioned }: UsersListQuery) =>
  (user: User) =>
    (is_service_account === undefined || user.serviceAccount === is_service_account) &&
    // Deleted users are gone from the emulator, so nobody it lists is deprovisioned.
    (is_deprovisioned === undefined || is_deprovisioned === false);

/** The sequence number a walk resumes after (-1: from the start), or the 400 for a token it cannot use. */
function resumePoint({ store, caller }: HandlerContext, query: UsersListQuery): number | Reply {
  // An empty token is the end-of-walk marker some clients send back: read it as the first page.
  if (query.page_token === undefined || query.page_token === "") return -1;
  const cursor = store.pageTokens.read(query.page_token);
  if (!cursor || cursor.organization !== caller.organization) {
    return badRequest("page_token", "is not a page token this API issued to your organization");
  }
  if (cursor.walk !== walkKey(query)) {
    return badRequest("page_token", "belongs to a walk with other filters or another limit; send the same ones");
  }
  return cursor.after;
}

export const handlers: Record<OperationId, Handler> = {
  "users-createToken"(context) {
    const target = pathUser(context);
    if (isReply(target)) return target;
    const refused = refusal("users-createToken", context, target);
    if (refused) return refused;
    const { name, ttl, token_type, description } = context.body as CreateTokenBody;
    const { record, secret } = context.store.createToken(target, { name, ttl, tokenType: token_type, description });
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

  "users-list"(context) {
    const { store, caller } = context;
    const refused = refusal("users-list", context, caller.username);
    if (refused) return refused;
    const query = context.query as UsersListQuery;
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    if (limit < 1) return badRequest("limit", "must be at least 1");
    const after = resumePoint(context, query);
    if (typeof after !== "number") return after;
    const matching = store.usersOf(caller.organization).filter(passes(query));
    // Users are walked in the order they were added, after the last one shown: a user added during the walk
    // comes on a later page, and one deleted cannot shift the others.
    const rest = matching.filter((user) => user.seq > after);
    const page = rest.slice(0, Math.min(limit, MAX_PAGE_SIZE));
    const last = page.at(-1);
    const more = last !== undefined && rest.length > page.length;
    return {
      status: 200,
      body: {
        users: page.map(userBody),
        total_count: matching.length,
        next_page_token: more
          ? store.pageTokens.issue({ organization: caller.organization, walk: walkKey(query), after: last.seq })
          : null,
      },
    };
  },

  "ducklings-getDucklingConfigForUser"(context) {
    const target = pathUser(context);
    if (isReply(target)) return target;
    const refused = refusal("ducklings-getDucklingConfigForUser", context, target);
    if (refused) return refused;
    return { status: 200, body: target.ducklingConfig };
  },

  "ducklings-setDucklingConfigForUser"(context) {
    const target = pathUser(context);
    if (isReply(target)) return target;
    const refused = refusal("ducklings-setDucklingConfigForUser", context, target);
    if (refused) return refused;
    const replaced = replacementConfig(context.body as SetDucklingConfigBody);
    if ("issues" in replaced) return errorReply(400, "Bad Request", replaced.issues);
    target.ducklingConfig = replaced.config;
    return { status: 200, body: target.ducklingConfig };
  },

  "ducklings-getActiveAccounts"(context) {
    const { store, caller } = context;
    const refused = refusal("ducklings-getActiveAccounts", context, caller.username);
    if (refused) return refused;
    const accounts = store
      .usersOf(caller.organization)
      .filter((user) => user.running.length > 0)
      .map((user) => ({ username: user.username, ducklings: user.running.map((duckling) => ({ ...duckling })) }));
    return { status: 200, body: { accounts } };
  },

  "dashboards-createEmbedSession"(context) {
    const { store, caller } = context;
    const { username, session_name, session_hint, version } = context.body as CreateEmbedSessionBody;
    // Asked before the account is looked up, so that a caller without the privilege learns nothing of it.
    const refused = refusal("dashboards-createEmbedSession", context, username);
    if (refused) return refused;
    const account = store.user(caller.organization, username);
    if (!account) return errorReply(404, `User "${username}" not found`);
    if (!account.serviceAccount) {
      return badRequest("body.username", "is not a service account; an embed session runs as a service account");
    }
    const { session } = store.createEmbedSession({
      diveId: context.path.dive_id!,
      username: account.username,
      sessionName: session_name ?? session_hint,
      version,
    });
    return { status: 200, body: { session } };
  },
};
