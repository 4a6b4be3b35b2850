// Token bodies as the API sends them, for recording-server replies.
import { READ_SCALING, READ_WRITE } from "./rules.js";

export const MINTED_SECRET = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzdmNfZXRsIn0.bWludGVkLXNlY3JldC1zaWduYXR1cmU";

export function tokenInfo(id: string, given: Record<string, unknown> = {}) {
  const fields = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
  return {
    id,
    name: `token-${id.slice(0, 4)}`,
    created_ts: "2026-11-01T00:00:00.000Z",
    read_only: fields.token_type === READ_SCALING,
    token_type: READ_WRITE,
    ...fields,
  };
}

export function newToken(fields: Record<string, unknown> = {}) {
  return { token: MINTED_SECRET, ...tokenInfo("9b2e4c1a-0000-4000-8000-000000000002", fields) };
}

export const OLD_ID = "5d0c6a1e-0000-4000-8000-000000000001";
