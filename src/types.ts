// Readable names for the generated types. The field names stay the spec's own.
import type { paths } from "./generated/schema.js";

type CreateTokenOperation = paths["/v1/users/{username}/tokens"]["post"];
type ListTokensOperation = paths["/v1/users/{username}/tokens"]["get"];
type CreateServiceAccountOperation = paths["/v1/users"]["post"];
type DeleteUserOperation = paths["/v1/users/{username}"]["delete"];

/** The body of a token creation: `name`, and optionally `ttl` (seconds) and `token_type`. */
export type CreateTokenBody = CreateTokenOperation["requestBody"]["content"]["application/json"];
/** A newly created token, secret included. The secret is shown only once, by this answer. */
export type Token = CreateTokenOperation["responses"][200]["content"]["application/json"];
/** One of the spec's `token_type` values: a read/write token, or a read-scaling token for read-only replicas. */
export type TokenType = NonNullable<CreateTokenBody["token_type"]>;

/** A token as `list` shows it: never its secret. */
export type TokenInfo = ListTokensOperation["responses"][200]["content"]["application/json"]["tokens"][number];
/** What `rotate` accepts: any field left out is taken from the old token. */
export type RotateTokenBody = Partial<CreateTokenBody>;
/** The service account `createServiceAccount` made. */
export type ServiceAccount = CreateServiceAccountOperation["responses"][200]["content"]["application/json"];
/** The user `users.delete` removed. */
export type DeletedUser = DeleteUserOperation["responses"][200]["content"]["application/json"];

export type { paths, components, operations } from "./generated/schema.js";
