// The default minter: the library's embed-session call, made on the server with the admin token.
import type { MotherDuckClient } from "../../src/index.js";
import type { Customer } from "./app.js";
import type { MintedSession } from "./session-cache.js";

/**
 * Mints a session of one Dive for a customer's service account. The customer's id is the `session_name`, so
 * each customer keeps reusing one read-scaling session (one Duckling) rather than starting a new one per mint.
 */
export function libraryMinter(md: MotherDuckClient, diveId: string): (customer: Customer) => Promise<MintedSession> {
  return async (customer) => {
    const { session } = await md.dives.createEmbedSession(diveId, {
      username: customer.username,
      session_name: customer.id,
    });
    return { session };
  };
}
