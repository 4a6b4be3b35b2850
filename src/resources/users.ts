import type { DeletedUser, ServiceAccount, User, UsersListQuery, UsersPage } from "../types.js";
import { ValidationError } from "../errors.js";
import { call, check, send } from "./call.js";
import type { CallOptions, ResourceContext } from "./context.js";
import { checkNextToken, memoryKey, nextPageToken } from "./paging.js";

/** The filters of a user listing: `is_service_account`, `is_deprovisioned`, and the page size `limit`. */
export type UsersFilter = Omit<UsersListQuery, "page_token">;

/** `md.users`: list users and service accounts, create service accounts, delete users. */
export interface UsersResource {
  /**
   * Every user and service account of your organization, all pages read: it follows `next_page_token`, sends
   * the same filters and `limit` with each page, and drops a user seen on an earlier page (pages overlap when
   * users are added during the walk). A page token the server repeats, one longer than 4,096 characters, or
   * more than 1,000 pages, ends the walk with a ResponseShapeError instead of looping; what the walk remembers
   * of ids and tokens stays small however long they are. Listing users needs a privilege several roles hold, so
   * the server decides who may (S4 still refuses read-scaling tokens).
   *
   * @throws ValidationError when a filter is unknown or of the wrong type (nothing is sent)
   */
  list(filter?: UsersFilter, options?: CallOptions): Promise<User[]>;
  /**
   * The same walk as `list`, lazily: a page is fetched only when the users before it have been consumed, so a
   * `break` stops the walk. The filter is checked at once.
   */
  iterate(filter?: UsersFilter, options?: CallOptions): AsyncIterable<User>;
  /**
   * Creates a service account: a user with the Member role, made through the API. Needs an Admin token (S2).
   * Before its read-scaling tokens work, connect once with one of its read/write tokens (S5). With a declared
   * `identity.serviceAccounts`, the new account joins that list for this client's lifetime.
   */
  createServiceAccount(username: string, options?: CallOptions): Promise<ServiceAccount>;
  /** Permanently deletes a user, all their data and their tokens. This cannot be undone. Needs an Admin token (S2). */
  delete(username: string, options?: CallOptions): Promise<DeletedUser>;
}

const PAGE_TOKEN = "page_token";

export function createUsersResource(context: ResourceContext): UsersResource {
  // The declared service accounts are what the client knows: an account it creates joins them for the
  // client's lifetime, so that creating an account and then minting its token passes the S3 guard.
  const known = context.identity?.serviceAccounts;

  /** Checks the filter and the call's options once, before the first page. */
  function checkListing(filter: unknown, callOptions: unknown): { query: UsersFilter; options: CallOptions } {
    if (filter !== undefined && (typeof filter !== "object" || filter === null || Array.isArray(filter))) {
      throw new ValidationError([{ path: "filter", message: "must be an object" }]);
    }
    const { input, options } = check(
      context,
      "users-list",
      { path: {}, query: (filter ?? {}) as Record<string, unknown> },
      callOptions,
      (read) =>
        Object.hasOwn(read.query!, PAGE_TOKEN)
          ? [{ path: PAGE_TOKEN, message: "is not a filter: list and iterate follow the pages" }]
          : [],
    );
    return { query: input.query as UsersFilter, options };
  }

  async function* walk(query: UsersFilter, options: CallOptions): AsyncGenerator<User> {
    // Keys, not the texts: what a walk remembers stays small however long the server's ids and tokens are.
    const seenIds = new Set<string | number>();
    const followed = new Set<string | number>();
    let pageToken: string | undefined;
    for (let pages = 1; ; pages++) {
      const page = await send<UsersPage>(
        context,
        "users-list",
        { path: {}, query: pageToken === undefined ? query : { ...query, [PAGE_TOKEN]: pageToken } },
        options,
      );
      for (const user of page.users) {
        const key = memoryKey(user.id);
        if (seenIds.has(key)) continue;
        seenIds.add(key);
        yield user;
      }
      const next = nextPageToken(page);
      if (next === undefined) return;
      checkNextToken(next, followed, pages);
      followed.add(memoryKey(next));
      pageToken = next;
    }
  }

  return {
    async list(filter, callOptions) {
      const { query, options } = checkListing(filter, callOptions);
      const users: User[] = [];
      for await (const user of walk(query, options)) users.push(user);
      return users;
    },
    iterate(filter, callOptions) {
      const { query, options } = checkListing(filter, callOptions);
      return walk(query, options);
    },
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
