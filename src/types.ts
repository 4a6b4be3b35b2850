// Readable names for the generated types. The field names stay the spec's own. `@interface` makes the library
// reference show each body and result as its fields, with the spec's descriptions, instead of the indexed access
// type that names it here.

type CreateTokenOperation = paths["/v1/users/{username}/tokens"]["post"];
type ListTokensOperation = paths["/v1/users/{username}/tokens"]["get"];
type CreateServiceAccountOperation = paths["/v1/users"]["post"];
type DeleteUserOperation = paths["/v1/users/{username}"]["delete"];
type ListUsersOperation = paths["/v1/users"]["get"];
type GetDucklingConfigOperation = paths["/v1/users/{username}/instances"]["get"];
type SetDucklingConfigOperation = paths["/v1/users/{username}/instances"]["put"];
type ActiveAccountsOperation = paths["/v1/active_accounts"]["get"];
type CreateEmbedSessionOperation = paths["/v1/dives/{dive_id}/embed-session"]["post"];

/**
 * The body of a token creation: `name`, and optionally `ttl` (seconds) and `token_type`.
 * @interface
 */
export type CreateTokenBody = CreateTokenOperation["requestBody"]["content"]["application/json"];
/**
 * A newly created token, secret included. The secret is shown only once, by this answer.
 * @interface
 */
export type Token = CreateTokenOperation["responses"][200]["content"]["application/json"];
/** One of the spec's `token_type` values: a read/write token, or a read-scaling token for read-only replicas. */
export type TokenType = NonNullable<CreateTokenBody["token_type"]>;

/**
 * A token as `list` shows it: never its secret.
 * @interface
 */
export type TokenInfo = ListTokensOperation["responses"][200]["content"]["application/json"]["tokens"][number];
/**
 * What `rotate` accepts: any field left out is taken from the old token.
 * @interface
 */
export type RotateTokenBody = Partial<CreateTokenBody>;
/**
 * The service account `createServiceAccount` made.
 * @interface
 */
export type ServiceAccount = CreateServiceAccountOperation["responses"][200]["content"]["application/json"];
/**
 * The user `users.delete` removed.
 * @interface
 */
export type DeletedUser = DeleteUserOperation["responses"][200]["content"]["application/json"];

/**
 * One page of `GET /v1/users`: its users, and `next_page_token` (null, empty or absent on the last page).
 * @interface
 */
export type UsersPage = ListUsersOperation["responses"][200]["content"]["application/json"];
/**
 * A user or service account of the organization. Only `id` and `username` are certain to be there.
 * @interface
 */
export type User = UsersPage["users"][number];
/**
 * The filters and paging of `GET /v1/users`: `is_service_account`, `is_deprovisioned`, `limit`, `page_token`.
 * @interface
 */
export type UsersListQuery = NonNullable<ListUsersOperation["parameters"]["query"]>;

/**
 * A user's Duckling configuration: a read/write half and a read-scaling half.
 * @interface
 */
export type DucklingConfig = GetDucklingConfigOperation["responses"][200]["content"]["application/json"];
/**
 * The body of `PUT /v1/users/{username}/instances`: `{ config }`, a full replacement.
 * @interface
 */
export type SetDucklingConfigBody = SetDucklingConfigOperation["requestBody"]["content"]["application/json"];
/** One of the spec's Duckling sizes (`instance_size`). */
export type DucklingSize = DucklingConfig[keyof DucklingConfig]["instance_size"];

/**
 * An account with running Ducklings, as the preview endpoint `GET /v1/active_accounts` lists it.
 * @interface
 */
export type ActiveAccount =
  ActiveAccountsOperation["responses"][200]["content"]["application/json"]["accounts"][number];
/**
 * One running Duckling of an active account.
 * @interface
 */
export type ActiveDuckling = ActiveAccount["ducklings"][number];

/**
 * The body of a Dive embed session: the service account's `username`, and optional session fields.
 * @interface
 */
export type CreateEmbedSessionBody = CreateEmbedSessionOperation["requestBody"]["content"]["application/json"];
/**
 * A Dive embed session. Its `session` is a credential: only it goes to the browser.
 * @interface
 */
export type EmbedSession = CreateEmbedSessionOperation["responses"][200]["content"]["application/json"];

import type * as generated from "./generated/schema.js";
/** Every path of the spec, with its operations' parameters, bodies and responses (generated). */
export type paths = generated.paths;
/** The spec's components: shared schemas and responses (generated). */
export type components = generated.components;
/** The spec's operations by operationId (generated). */
export type operations = generated.operations;
