// Plain-words explanations attached to API errors, where the client can tell what most likely happened.

export interface HintQuery {
  operationId: string | undefined;
  status: number;
  code: string | undefined;
}

const CREATE_TOKEN_FORBIDDEN =
  "MotherDuck creates a token only for your own user (S1), or with an Admin read/write token for a service " +
  "account of your organization (S2); never for another member (S3). Check that the username is exactly the " +
  "service account's.";

const ADMIN_CALL_FORBIDDEN =
  "This is an admin call: it needs an Admin read/write token (S2), and a read-scaling token never makes one, " +
  "not even for its own user (S4).";

/** For a 2xx answer that is not JSON at all, such as a web page: no MotherDuck API answers like that. */
export const NOT_THE_API =
  "The base URL is probably not the MotherDuck API's: check baseUrl or MOTHERDUCK_API_BASE_URL.";

export function hintFor({ operationId, status, code }: HintQuery): string | undefined {
  if (status === 401) {
    return "The token was refused: it may be mistyped, expired or revoked. Check MOTHERDUCK_TOKEN or the token option.";
  }
  if (status === 403) return operationId === "users-createToken" ? CREATE_TOKEN_FORBIDDEN : ADMIN_CALL_FORBIDDEN;
  if (status === 404 && code !== "NOT_FOUND") {
    return "No such route: the base URL or the API path is probably wrong (check baseUrl or MOTHERDUCK_API_BASE_URL).";
  }
  return undefined;
}
