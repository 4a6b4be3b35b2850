// Plain-words explanations attached to API errors, where the client can tell what most likely happened.

export interface HintQuery {
  operationId: string | undefined;
  status: number;
  code: string | undefined;
}

const CREATE_TOKEN_FORBIDDEN =
  "A token is created only for your own user (S1), or by an Admin read/write token for a service account of " +
  "your organization (S2), never for another member (S3): check the username.";

const ADMIN_CALL_FORBIDDEN =
  "An admin call needs an Admin read/write token (S2); a read-scaling token never makes one (S4).";

/** For a 2xx answer that is not JSON at all, such as a web page: no MotherDuck API answers like that. */
export const NOT_THE_API =
  "The base URL is probably not the MotherDuck API's: check baseUrl or MOTHERDUCK_API_BASE_URL.";

export function hintFor({ operationId, status, code }: HintQuery): string | undefined {
  if (status === 401) {
    return "The token was refused (mistyped, expired or revoked?): check MOTHERDUCK_TOKEN or the token option.";
  }
  if (status === 403) return operationId === "users-createToken" ? CREATE_TOKEN_FORBIDDEN : ADMIN_CALL_FORBIDDEN;
  if (status === 404 && code !== "NOT_FOUND") {
    return "No such route: the base URL or the API path is probably wrong (check baseUrl or MOTHERDUCK_API_BASE_URL).";
  }
  return undefined;
}
