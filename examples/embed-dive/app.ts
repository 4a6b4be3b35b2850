// The example's web server: a customer signs in, then sees their own Dive. It is plain node:http on purpose:
// the example needs nothing beyond the library, and a framework would hide what is worth seeing here (where the
// customer comes from, the session in the iframe's fragment, the page's headers, and the session cache).
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Customer } from "./config.js";
import { embedPage, plainReply, redirectReply, signInPage } from "./page.js";
import type { Reply } from "./page.js";
import {
  COOKIE_NAME,
  cookieFrom,
  signInCookie,
  signOutCookie,
  signedCookieValue,
  verifiedCustomerId,
} from "./signin-cookie.js";

export type { Customer } from "./config.js";

/** A customer's session, as the cache serves it: the session and when to reload the page for a new one. */
export interface PageSession {
  readonly session: string;
  readonly refreshAt: number;
}

export interface EmbedServerOptions {
  /** The customers who may sign in. */
  customers: readonly [Customer, ...Customer[]];
  /** The customer's session, from the cache (which mints on the server, with the admin token that never leaves it). */
  sessionFor: (customer: Customer) => Promise<PageSession>;
  /** The key that signs the sign-in cookie. Servers sharing it accept each other's cookies. */
  sessionSecret: string;
  /** One line per request: method, path, status. Default console.log. Never given a session, token or cookie. */
  log?: (line: string) => void;
  /** The clock of the page's reload and the cookie's expiry, for tests. Default Date.now. */
  now?: () => number;
}

const UNAVAILABLE = "The analytics view is not available right now. Please try again in a minute.";
/** A sign-in form holds one short field; anything longer is not one. */
const MAX_FORM_BYTES = 1024;

/** What a failed session is called in the log: its class and status, never its message or anything it carries. */
function failureLabel(error: unknown): string {
  const name = error instanceof Error ? error.name : typeof error;
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? `${name} ${status}` : name;
}

/** Whether the browser reached this page over https: here, or at a proxy in front that says so. */
function overHttps(request: IncomingMessage): boolean {
  return (
    (request.socket as { encrypted?: boolean }).encrypted === true || request.headers["x-forwarded-proto"] === "https"
  );
}

/** The form's body, or undefined when it is too long or not a form. */
async function formFields(request: IncomingMessage): Promise<URLSearchParams | undefined> {
  if (!/^application\/x-www-form-urlencoded\b/i.test(request.headers["content-type"] ?? "")) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

type Answer = { reply: Reply; note?: string };

export function createEmbedServer(options: EmbedServerOptions): Server {
  const { customers, sessionFor, sessionSecret, log = console.log, now = Date.now } = options;
  const byId = new Map(customers.map((customer) => [customer.id, customer]));
  const nonce = () => randomBytes(16).toString("base64");

  /**
   * Who is signed in: the customer the cookie vouches for, and nothing else. This is where a real app asks its
   * own login (its session middleware, its identity provider) which customer the visitor belongs to.
   */
  function signedInCustomer(request: IncomingMessage): Customer | undefined {
    const value = cookieFrom(request.headers.cookie, COOKIE_NAME);
    const id = value === undefined ? undefined : verifiedCustomerId(sessionSecret, value, now());
    return id === undefined ? undefined : byId.get(id);
  }

  async function dive(customer: Customer): Promise<Answer> {
    try {
      const { session, refreshAt } = await sessionFor(customer);
      const title = `Analytics for ${customer.id}`;
      return {
        reply: embedPage({ title, session, styleNonce: nonce(), reloadAfterSeconds: (refreshAt - now()) / 1000 }),
      };
    } catch (error) {
      return { reply: plainReply(502, UNAVAILABLE), note: `embed session not minted: ${failureLabel(error)}` };
    }
  }

  async function signIn(request: IncomingMessage): Promise<Answer> {
    const id = (await formFields(request))?.get("customer");
    const customer = id === undefined || id === null ? undefined : byId.get(id);
    if (!customer) return { reply: plainReply(400, "Unknown customer.") };
    const cookie = signInCookie(signedCookieValue(sessionSecret, customer.id, now()), overHttps(request));
    return { reply: redirectReply("/", cookie) };
  }

  async function answer(request: IncomingMessage): Promise<Answer> {
    const path = pathOf(request);
    const method = request.method ?? "GET";
    if (path === "/") {
      if (method !== "GET" && method !== "HEAD")
        return { reply: plainReply(405, "Method not allowed.", { Allow: "GET, HEAD" }) };
      const customer = signedInCustomer(request);
      return customer ? dive(customer) : { reply: signInPage([...byId.keys()], nonce()) };
    }
    if (path === "/signin" || path === "/signout") {
      if (method !== "POST") return { reply: plainReply(405, "Method not allowed.", { Allow: "POST" }) };
      return path === "/signin" ? signIn(request) : { reply: redirectReply("/", signOutCookie(overHttps(request))) };
    }
    return { reply: plainReply(404, "Not found.") };
  }

  function send(request: IncomingMessage, response: ServerResponse, { reply, note }: Answer) {
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
