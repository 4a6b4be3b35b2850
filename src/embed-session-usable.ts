// Whether an iframe can carry a session: the check a minted or stored session passes before it is kept or served.

// White space or a control character would be mangled or cut on the way into the iframe's src and back.
const UNCARRIABLE = /[\s\p{Cc}]/u;

/** An embed session an iframe can carry: a non-empty, well-formed string with no white space or control character. */
export function isUsableEmbedSession(session: unknown): session is string {
  return typeof session === "string" && session !== "" && session.isWellFormed() && !UNCARRIABLE.test(session);
}
