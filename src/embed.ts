// What a page needs to show an embedded Dive: the iframe's src for a session, its sandbox, and the origin
// a Content-Security-Policy must allow. Plain values and one pure function, safe to use in a browser.
import { ValidationError } from "./errors.js";

/** The origin that serves embedded Dives: the only one a page's CSP `frame-src` needs to allow. */
export const EMBED_ORIGIN = "https://embed-motherduck.com";

/**
 * The iframe's `sandbox` attribute for an embedded Dive. This pair sandboxes only a cross-origin src, so keep
 * the src on EMBED_ORIGIN (as embedUrl does): pointed at your own origin it would disable the sandbox.
 */
export const EMBED_IFRAME_SANDBOX = "allow-scripts allow-same-origin";

/**
 * How long an embed session works: 24 hours from when it is minted. Cache one per customer and mint a new one
 * before this runs out, with some margin.
 */
export const EMBED_SESSION_LIFETIME_MS = 86_400_000; // 24 hours: a literal, so bundlers drop it when unused

/**
 * The iframe `src` that shows the Dive of an embed session: `https://embed-motherduck.com/sandbox/#session=…`.
 * The session travels in the URL's fragment, which browsers never send to a server, so it stays out of
 * server and proxy logs. Takes the session string, or the `{ session }` that createEmbedSession returns.
 */
export function embedUrl(session: string | { readonly session: string }): string {
  const value = typeof session === "object" && session !== null ? session.session : session;
  if (typeof value !== "string" || value === "" || !value.isWellFormed()) {
    throw new ValidationError([{ path: "session", message: "must be a non-empty string: an embed session" }]);
  }
  return `${EMBED_ORIGIN}/sandbox/#session=${encodeURIComponent(value)}`;
}
