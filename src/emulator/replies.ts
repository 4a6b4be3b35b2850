// The shapes the emulator answers with: the spec's error bodies, token bodies and user bodies.
import { enums } from "../rules.js";
import type { User as UserBody } from "../types.js";
import type { Issue } from "../validation/schema.js";
import type { TokenRecord, User } from "./store.js";

export interface Reply {
  status: number;
  body: unknown;
}

const ERROR_CODES: Record<number, string> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  500: "INTERNAL_SERVER_ERROR",
};

export function errorReply(status: number, message: string, issues: Issue[] = []): Reply {
  return {
    status,
    body: {
      code: ERROR_CODES[status] ?? "ERROR",
      message,
      issues: issues.map((i) => ({ message: `${i.path} ${i.message}`, path: i.path })),
    },
  };
}

/** A token as list and create show it; create adds the secret. */
export function tokenBody(record: TokenRecord) {
  return {
    id: record.id,
    ...(record.name !== undefined && { name: record.name }),
    // MotherDuck leaves the key out for a token created without a description.
    ...(record.description !== undefined && { description: record.description }),
    ...(record.expiresMs !== undefined && { expire_at: new Date(record.expiresMs).toISOString() }),
    created_ts: new Date(record.createdMs).toISOString(),
    read_only: record.tokenType === enums.token_type.read_scaling,
    token_type: record.tokenType,
  };
}

/** An organization's domain for the made-up email addresses of its people. */
const emailDomain = (organization: string) => `${organization}.example`;

const capitalized = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * A user as `GET /v1/users` shows it. A person gets an email address and a first name made from the
 * username; a service account gets neither (MotherDuck has no names for most of them, so they are null),
 * as its email is not documented. `roles` holds the one role the emulator knows the user by.
 */
export function userBody(user: User): UserBody {
  return {
    id: user.id,
    username: user.username,
    ...(!user.serviceAccount && { email: `${user.username}@${emailDomain(user.organization)}` }),
    first_name: user.serviceAccount ? null : capitalized(user.username),
    last_name: null,
    is_service_account: user.serviceAccount,
    is_deprovisioned: false,
    roles: [user.role],
  };
}
