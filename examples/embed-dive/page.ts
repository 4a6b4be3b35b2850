// The page that shows one customer's Dive, and the headers it goes out with. Pure: the server passes in the
// session, the nonce and the time left, and sends what comes back.
import { EMBED_IFRAME_SANDBOX, EMBED_ORIGIN, embedUrl } from "../../src/index.js";

export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * The pages need no script at all, so the policy allows none. The Dive's page may frame only the Dive's origin;
 * the sign-in page frames nothing. The one style block is allowed by a per-response nonce. Forms post only to
 * this server (sign in, sign out); nothing may frame these pages or change their base.
 */
export function pageSecurityPolicy(styleNonce: string, frameSrc: string = EMBED_ORIGIN): string {
  return [
    "default-src 'none'",
    `frame-src ${frameSrc}`,
    `style-src 'nonce-${styleNonce}'`,
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Headers every answer carries: a customer's page holds a credential, so nothing is cached or referred. */
const COMMON_HEADERS = {
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
  "Cache-Control": "no-store",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface PageInput {
  /** The page's heading: which customer's analytics it shows. */
  title: string;
  session: string;
  styleNonce: string;
  /**
   * Seconds until the session is replaced in the cache. The page reloads itself then, so a page left open
   * picks up the new session before the one in its iframe expires.
   */
  reloadAfterSeconds: number;
}

export function embedPage({ title, session, styleNonce, reloadAfterSeconds }: PageInput): Reply {
  const body = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${Math.max(1, Math.ceil(reloadAfterSeconds))}">
<title>${escapeHtml(title)}</title>
<style nonce="${escapeHtml(styleNonce)}">
  html, body { margin: 0; height: 100%; font-family: system-ui, sans-serif; }
  body { display: flex; flex-direction: column; }
  header { display: flex; align-items: center; justify-content: space-between; padding: 0.75rem 1rem; border-bottom: 1px solid #ddd; }
  h1 { font-size: 1.1rem; margin: 0; }
  iframe { flex: 1; width: 100%; border: 0; }
</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<form method="post" action="/signout"><button type="submit">Sign out</button></form>
</header>
<iframe title="${escapeHtml(title)}" src="${escapeHtml(embedUrl(session))}" sandbox="${EMBED_IFRAME_SANDBOX}"></iframe>
</body>
</html>
`;
  return { status: 200, headers: htmlHeaders(styleNonce), body };
}

/** The headers of an HTML page. */
function htmlHeaders(styleNonce: string, frameSrc?: string): Record<string, string> {
  return {
    ...COMMON_HEADERS,
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": pageSecurityPolicy(styleNonce, frameSrc),
  };
}

/**
 * The sign-in page: one form per customer, each posting its id as the field `customer`. It stands in for your
 * app's own login, which is where the customer really comes from.
 */
export function signInPage(customerIds: readonly string[], styleNonce: string): Reply {
  const forms = customerIds
    .map(
      (id) => `<form method="post" action="/signin">
<input type="hidden" name="customer" value="${escapeHtml(id)}">
<button type="submit">Sign in as ${escapeHtml(id)}</button>
</form>`,
    )
    .join("\n");
  const body = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in</title>
<style nonce="${escapeHtml(styleNonce)}">
  body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 3rem auto; padding: 0 1rem; }
  form { margin: 0.5rem 0; }
  button { font: inherit; padding: 0.5rem 1rem; width: 100%; }
</style>
</head>
<body>
<h1>Sign in</h1>
<p>A demo sign-in: pick the customer to be. Your app signs its customers in its own way.</p>
${forms}
</body>
</html>
`;
  return { status: 200, headers: htmlHeaders(styleNonce, "'none'"), body };
}

/** A redirect after a form post: 303, so the browser follows it with a GET. */
export function redirectReply(location: string, setCookie: string): Reply {
  return {
    status: 303,
    headers: {
      ...COMMON_HEADERS,
      Location: location,
      "Set-Cookie": setCookie,
      "Content-Type": "text/plain; charset=utf-8",
      "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    },
    body: "",
  };
}

/** A plain-text answer that says what happened in words and nothing more: no error detail, no secret. */
export function plainReply(status: number, message: string, extraHeaders: Record<string, string> = {}): Reply {
  return {
    status,
    headers: {
      ...COMMON_HEADERS,
      ...extraHeaders,
      "Content-Type": "text/plain; charset=utf-8",
      "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    },
    body: `${message}\n`,
  };
}
