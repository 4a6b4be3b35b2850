// The example's web server: one page per customer, each showing that customer's Dive. It is plain node:http
// on purpose: the example needs nothing beyond the library, and a framework would hide the three things worth
// seeing here (the session in the iframe's fragment, the page's headers, and the per-customer cache).
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createSessionCache } from "./session-cache.js";
import type { MintedSession } from "./session-cache.js";
import { embedPage, plainReply } from "./page.js";
import type { Reply } from "./page.js";

/** One of your customers: the service account their embedded Dive runs as, and how the page names them. */
export interface Customer {
  /** Also sent as the session's `session_name`, so each customer keeps one read-scaling session. */
  readonly id: string;
  /** The customer's service account. */
  readonly username: string;
  readonly name: string;
}

export interface EmbedServerOptions {
  /** The customers; the first one's page is also served at `/`. */
  customers: readonly [Customer, ...Customer[]];
  /** Mints a session for a customer, on the server, with the admin token that never leaves it. */
  mint: (customer: Customer) => Promise<MintedSession>;
  /** One line per request: method, path, status. Default console.log. Never given a session or a token. */
  log?: (line: string) => void;
  /** The cache's clock, for tests. Default Date.now. */
  now?: () => number;
  /** How long before expiry a cached session is replaced; default one hour. */
  refreshMarginMs?: number;
}

const UNAVAILABLE = "The analytics view is not available right now. Please try again in a minute.";

/** Which customer a path names: `/` is the first, `/customers/<id>` any; anything else is no page. */
export function customerForPath(path: string, customers: readonly Customer[]): Customer | undefined {
  if (path === "/") return customers[0];
  const match = /^\/customers\/([^/]+)$/.exec(path);
  if (!match) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(match[1]!);
  } catch {
    return undefined;
  }
  return customers.find((customer) => customer.id === id);
}

/** What a failed mint is called in the log: its class and status, never its message or anything it carries. */
function failureLabel(error: unknown): string {
  const name = error instanceof Error ? error.name : typeof error;
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? `${name} ${status}` : name;
}

export function createEmbedServer(options: EmbedServerOptions): Server {
  const { customers, mint, log = console.log, now = Date.now } = options;
  const cache = createSessionCache({
    mint,
    keyOf: (customer: Customer) => customer.id,
    now,
    ...(options.refreshMarginMs !== undefined && { refreshMarginMs: options.refreshMarginMs }),
  });

  async function answer(request: IncomingMessage): Promise<{ reply: Reply; note?: string }> {
    const path = pathOf(request);
    const customer = customerForPath(path, customers);
    if (!customer) return { reply: plainReply(404, "Not found.") };
    if (request.method !== "GET" && request.method !== "HEAD") {
      return { reply: plainReply(405, "Method not allowed.", { Allow: "GET, HEAD" }) };
    }
    try {
      const { session, refreshAt } = await cache.get(customer);
      const styleNonce = randomBytes(16).toString("base64");
      return {
        reply: embedPage({ title: customer.name, session, styleNonce, reloadAfterSeconds: (refreshAt - now()) / 1000 }),
      };
    } catch (error) {
      return { reply: plainReply(502, UNAVAILABLE), note: `embed session not minted: ${failureLabel(error)}` };
    }
  }

  function send(request: IncomingMessage, response: ServerResponse, { reply, note }: { reply: Reply; note?: string }) {
    response.writeHead(reply.status, { ...reply.headers, "Content-Length": Buffer.byteLength(reply.body) });
    response.end(request.method === "HEAD" ? undefined : reply.body);
    log(`${request.method} ${pathOf(request)} ${reply.status}${note ? ` (${note})` : ""}`);
  }

  return createServer((request, response) => {
    answer(request).then(
      (answered) => send(request, response, answered),
      () => send(request, response, { reply: plainReply(500, "Internal error.") }),
    );
  });
}

/** The request's path without its query: the only part of the URL the server looks at or logs. */
function pathOf(request: IncomingMessage): string {
  const url = request.url ?? "/";
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}
