import type { DeletedUser, ServiceAccount } from "../types.js";
import { BUFFERED_CALL, assertValidRequest, send } from "./call.js";
import type { CallOptions, ResourceContext } from "./context.js";
import { guardScope } from "./guard.js";

/** `md.users`: create service accounts and delete users. */
export interface UsersResource {
  /**
   * Creates a service account: a user with the Member role, made through the API. Needs an Admin token (S2).
   * MotherDuck has no call that lists service accounts, so keep the usernames you create. Before its
   * read-scaling tokens work, connect once with one of its read/write tokens (S5).
   */
  createServiceAccount(username: string, options?: CallOptions): Promise<ServiceAccount>;
  /** Permanently deletes a user, all their data and their tokens. This cannot be undone. Needs an Admin token (S2). */
  delete(username: string, options?: CallOptions): Promise<DeletedUser>;
}

export function createUsersResource(context: ResourceContext): UsersResource {
  const { raw } = context;
  return {
    async createServiceAccount(username, options = {}) {
      const body = { username };
      assertValidRequest("users-createServiceAccount", { path: {}, body });
      guardScope(context.identity, "create-service-account", username);
      return send<ServiceAccount>(context, "users-createServiceAccount", () =>
        raw.POST("/v1/users", { body, signal: options.signal, ...BUFFERED_CALL }),
      );
    },

    async delete(username, options = {}) {
      assertValidRequest("users-delete", { path: { username } });
      guardScope(context.identity, "delete-user", username);
      return send<DeletedUser>(context, "users-delete", () =>
        raw.DELETE("/v1/users/{username}", {
          params: { path: { username } },
          signal: options.signal,
          ...BUFFERED_CALL,
        }),
      );
    },
  };
}
