// Page tokens of GET /v1/users: opaque to clients, signed with a per-process key so that a token the
// emulator did not issue (made up, altered, or from another emulator) is refused rather than trusted.
import { createHmac, randomBytes } from "node:crypto";
import { decodeExact, isExactSignature } from "./base64url.js";

/** Where a walk of the user list stands: after which user, for whom, and with which filters and limit. */
export interface PageCursor {
  /** The organization whose users are walked: a token is worthless to any other. */
  organization: string;
  /** The filters and limit of the walk, as `walkKey` writes them; the next request must repeat them. */
  walk: string;
  /** The sequence number of the last user already shown: the next page starts after it. */
  after: number;
}

/** The filters and limit of a request, as one string, so that a token can name the walk it belongs to. */
export function walkKey(query: { is_service_account?: boolean; is_deprovisioned?: boolean; limit?: number }): string {
  return JSON.stringify([query.is_service_account ?? null, query.is_deprovisioned ?? null, query.limit ?? null]);
}

function isCursor(value: unknown): value is PageCursor {
  const cursor = value as Partial<PageCursor> | null;
  return (
    typeof cursor === "object" &&
    cursor !== null &&
    typeof cursor.organization === "string" &&
    typeof cursor.walk === "string" &&
    Number.isSafeInteger(cursor.after)
  );
}

/** Issues and reads page tokens; each emulator has its own key unless one is given. */
export function createPageTokens(key: Buffer = randomBytes(32)) {
  const mac = (payload: string) => createHmac("sha256", key).update(payload).digest();
  return {
    issue(cursor: PageCursor): string {
      const payload = Buffer.from(JSON.stringify(cursor)).toString("base64url");
      return `${payload}.${mac(payload).toString("base64url")}`;
    },
    /** The cursor a token carries, or undefined when this emulator did not issue it. */
    read(token: string): PageCursor | undefined {
      const [payload, signature, ...rest] = token.split(".");
      if (payload === undefined || signature === undefined || rest.length) return undefined;
      if (!isExactSignature(signature, mac(payload))) return undefined;
      // The signature covers the payload's text; its bytes are also read only from their one spelling.
      const bytes = decodeExact(payload);
      if (!bytes) return undefined;
      try {
        const cursor: unknown = JSON.parse(bytes.toString("utf8"));
        return isCursor(cursor) ? cursor : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
