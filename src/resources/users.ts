import type { DeletedUser, ServiceAccount } from "../types.js";
import { call } from "./call.js";
import type { CallOptions, ResourceContext } from "./context.js";

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
  // The declared service accounts are what the client knows: an account it creates joins them for the
  // client's lifetime, so that creating an account and then minting its token passes the S3 guard.
  const known = context.identity?.serviceAccounts;
  return {
    async createServiceAccount(username, options) {
      const created = await call<ServiceAccount>(
        context,
        "users-createServiceAccount",
        { path: {}, body: { username } },
        options,
      );
      known?.add(created.username);
      return created;
    },
    async delete(username, options) {
      const deleted = await call<DeletedUser>(context, "users-delete", { path: { username } }, options);
      known?.delete(username);
      return deleted;
    },
  };
}
