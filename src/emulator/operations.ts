// What each operation of the spec does to the emulator's state. Validation, authentication and S4 have
// already run when a handler is called.
import { decideScope } from "../scope.js";
import { enums } from "../rules.js";
import type { CreateTokenBody } from "../types.js";
import type { OperationId } from "../rules.js";
import type { Store, TokenRecord, User } from "./store.js";
import { errorReply, tokenBody } from "./replies.js";
import type { Reply } from "./replies.js";

export interface HandlerContext {
  store: Store;
  caller: User;
  callerToken: TokenRecord;
  path: Record<string, string>;
  body: unknown;
}

export type Handler = (context: HandlerContext) => Reply;

/** A user of another organization is as unknown as one that does not exist: 404, never 403. */
function userNotFound(username: string): Reply {
  return errorReply(404, `User "${username}" not found`);
}

export const handlers: Partial<Record<OperationId, Handler>> = {
  "users-createToken"({ store, caller, callerToken, path, body }) {
    const username = path.username!;
    const target = store.userVisibleTo(caller, username);
    if (!target) return userNotFound(username);
    const decision = decideScope("create-token", {
      caller: caller.username,
      callerIsReadScaling: callerToken.tokenType === enums.token_type.read_scaling,
      callerRole: caller.role,
      target: target.username,
      targetIsServiceAccount: target.serviceAccount,
    });
    if (decision.outcome !== "allow") {
      const reason = decision.outcome === "deny" ? `${decision.reason} (rule ${decision.rule})` : "not allowed";
      return errorReply(403, `Unauthorized: ${reason}`);
    }
    const { name, ttl, token_type } = body as CreateTokenBody;
    const { record, secret } = store.createToken(username, { name, ttl, tokenType: token_type });
    return { status: 200, body: { token: secret, ...tokenBody(record) } };
  },
};
