// The page that shows one customer's Dive, and the headers it goes out with. Pure: the server passes in the
// session, the nonce and the time left, and sends what comes back.
import { EMBED_IFRAME_SANDBOX, EMBED_ORIGIN, embedUrl } from "../../src/index.js";

export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * The page needs no script at all, so the policy allows none. It may frame only the Dive's origin, and its one
 * style block is allowed by a per-response nonce. Nothing may frame this page, post a form or change its base.
 */
export function pageSecurityPolicy(styleNonce: string): string {
  return [
    "default-src 'none'",
    `frame-src ${EMBED_ORIGIN}`,
    `style-src 'nonce-${styleNonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
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
  /** The customer's name as the page shows it. */
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
  h1 { font-size: 1.1rem; margin: 0; padding: 0.75rem 1rem; border-bottom: 1px solid #ddd; }
  iframe { flex: 1; width: 100%; border: 0; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<iframe title="${escapeHtml(title)}" src="${escapeHtml(embedUrl(session))}" sandbox="${EMBED_IFRAME_SANDBOX}"></iframe>
</body>
</html>
`;
  return {
    status: 200,
    headers: {
      ...COMMON_HEADERS,
      "Content-Type": "text/html; charset=utf-8",
      "Content-Security-Policy": pageSecurityPolicy(styleNonce),
    },
    body,
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
