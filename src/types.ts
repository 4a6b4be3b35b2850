// Readable names for the generated types. The field names stay the spec's own.

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

import type * as generated from "./generated/schema.js";
/** Every path of the spec, with its operations' parameters, bodies and responses (generated). */
export type paths = generated.paths;
/** The spec's components: shared schemas and responses (generated). */
export type components = generated.components;
/** The spec's operations by operationId (generated). */
export type operations = generated.operations;
