// The shapes the emulator answers with: the spec's error bodies and token bodies.
import { enums } from "../rules.js";
import type { Issue } from "../validation/schema.js";
import type { TokenRecord } from "./store.js";

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
    ...(record.expiresMs !== undefined && { expire_at: new Date(record.expiresMs).toISOString() }),
    created_ts: new Date(record.createdMs).toISOString(),
    read_only: record.tokenType === enums.token_type.read_scaling,
    token_type: record.tokenType,
  };
}
