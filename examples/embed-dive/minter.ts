// The default minter: the library's embed-session call, made on the server with the admin token.
import type { MotherDuckClient } from "../../src/index.js";
import type { Customer } from "./app.js";
import type { MintedSession } from "./session-cache.js";

interface EmbedSessionCall {
  createEmbedSession(diveId: string, body: { username: string; session_name?: string }): Promise<MintedSession>;
}

/** The client's `dives` resource, when this version of the library has it. */
export function divesOf(md: MotherDuckClient): EmbedSessionCall | undefined {
  const dives = (md as { dives?: Partial<EmbedSessionCall> }).dives;
  return typeof dives?.createEmbedSession === "function" ? (dives as EmbedSessionCall) : undefined;
}

/**
 * Mints a session of one Dive for a customer's service account. The customer's id is the `session_name`, so
 * each customer keeps reusing one read-scaling session (one Duckling) rather than starting a new one per mint.
 */
export function libraryMinter(md: MotherDuckClient, diveId: string): (customer: Customer) => Promise<MintedSession> {
  return async (customer) => {
    const dives = divesOf(md);
    if (!dives) throw new Error("this version of motherduck-rest has no dives.createEmbedSession");
    const { session } = await dives.createEmbedSession(diveId, {
      username: customer.username,
      session_name: customer.id,
    });
    return { session };
  };
}
