// Where a customer's session comes from: the library's embed-session cache, which mints with the admin token on
// the server and keeps one session per customer (in memory, or in Redis for a fleet).
import type { EmbedSessionCache } from "../../src/index.js";
import type { Customer, PageSession } from "./app.js";

/**
 * The session of one Dive for a customer's service account. The customer's id is the `session_name`, so each
 * customer keeps reusing one read-scaling session (one Duckling) rather than starting a new one per mint.
 */
export function cachedSessions(cache: EmbedSessionCache, diveId: string): (customer: Customer) => Promise<PageSession> {
  return (customer) => cache.get(diveId, { username: customer.username, session_name: customer.id });
}
