// The "embed a Dive" example (examples/embed-dive): its server over HTTP (sign-in, the cookie, the customer's
// page), `npm run example:embed` as a child process, and its pages in a real Chromium. Everything stays on
// loopback: the embed origin is answered in the browser by a stand-in page.
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdir } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Browser, BrowserContext, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  EMBED_IFRAME_SANDBOX,
  EMBED_ORIGIN,
  EMBED_SESSION_LIFETIME_MS,
  createMotherDuckClient,
  embedUrl,
} from "../src/index.js";
import { startEmulator } from "../src/emulator/index.js";
import type { Emulator } from "../src/emulator/index.js";
import { createEmbedServer } from "../examples/embed-dive/app.js";
import type { Customer, EmbedServerOptions } from "../examples/embed-dive/app.js";
import { DEMO_DIVE_ID, startExample } from "../examples/embed-dive/start.js";
import { COOKIE_NAME, signedCookieValue, verifiedCustomerId } from "../examples/embed-dive/signin-cookie.js";
import { chromiumAvailable, launchChromium } from "./helpers/chromium.js";
import { sessionInPage, signIn, startExampleProcess, until } from "./helpers/embed-example.js";

const root = join(import.meta.dirname, "..");
const HOUR_MS = 60 * 60 * 1000;
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;
const SECRET = randomBytes(32).toString("base64url");

/** A session as awkward as an opaque string may be: characters a URL must encode and HTML must escape. */
const awkwardSession = () => `emb_${randomBytes(12).toString("base64url")}+/="<&'>`;

describe("the sign-in cookie", () => {
  const now = Date.UTC(2026, 0, 1);

  it("vouches for the customer it was signed for, with the key it was signed with, until it expires", () => {
    const value = signedCookieValue(SECRET, "acme", now);
    expect(verifiedCustomerId(SECRET, value, now)).toBe("acme");
    expect(verifiedCustomerId(SECRET, value, now + 12 * HOUR_MS - 1_000)).toBe("acme");
    expect(verifiedCustomerId(SECRET, value, now + 12 * HOUR_MS)).toBeUndefined();
    expect(verifiedCustomerId(randomBytes(32).toString("base64url"), value, now)).toBeUndefined();
  });

  it("refuses any change: another id, a later expiry, a flipped signature, a missing part", () => {
    const value = signedCookieValue(SECRET, "acme", now);
    const [version, , expires, mac] = value.split(".") as [string, string, string, string];
    const flipped = `${mac.slice(0, -1)}${mac.endsWith("A") ? "B" : "A"}`;
    for (const tampered of [
      `${version}.globex.${expires}.${mac}`,
      `${version}.acme.${Number(expires) + 1}.${mac}`,
      `${version}.acme.${expires}.${flipped}`,
      `${version}.acme.${expires}.`,
      `${version}.acme.${expires}`,
      `v2.acme.${expires}.${mac}`,
      "",
    ]) {
      expect(verifiedCustomerId(SECRET, tampered, now), tampered).toBeUndefined();
    }
  });
});

/** The example's server on a free loopback port, with every line it logs. */
async function serve(options: Omit<EmbedServerOptions, "log">, alsoLogTo: string[] = []) {
  const logs: string[] = [];
  const server: Server = createEmbedServer({
    ...options,
    log: (line) => {
      logs.push(line);
      alsoLogTo.push(line);
    },
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    logs,
    server,
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const closing: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  await Promise.all(closing.splice(0).map((close) => close()));
});

describe("the example server, over HTTP", () => {
  const acme: Customer = { id: "acme", username: "svc_acme" };
  const globex: Customer = { id: "globex", username: "svc_globex" };
  const customers: [Customer, ...Customer[]] = [acme, globex];
  /** Every session handed out by any server of this block, to check that none reached a log. */
  const everySession: string[] = [];
  const everyLog: string[] = [];
  const everyCookie: string[] = [];

  /** A stand-in for the cache: a new session per call, recorded with the customer it was for. */
  function recordingSessions(now: () => number = Date.now) {
    const servedTo: string[] = [];
    return {
      servedTo,
      sessionFor: async (customer: Customer) => {
        const session = awkwardSession();
        servedTo.push(customer.id);
        everySession.push(session);
        return { session, refreshAt: now() + EMBED_SESSION_LIFETIME_MS - HOUR_MS };
      },
    };
  }

  async function started(options: Omit<EmbedServerOptions, "log" | "sessionSecret"> & { sessionSecret?: string }) {
    const running = await serve({ sessionSecret: SECRET, ...options }, everyLog);
    closing.push(running.close);
    return running;
  }

  async function signedIn(url: string, customer: string) {
    const cookie = await signIn(url, customer);
    everyCookie.push(cookie);
    return cookie;
  }

  const load = (url: string, cookie?: string, path = "/") =>
    fetch(`${url}${path}`, { headers: cookie ? { cookie } : {}, redirect: "manual" });

  it("shows a stranger the sign-in page: one form per customer posting `customer` to /signin, and no Dive", async () => {
    const { sessionFor, servedTo } = recordingSessions();
    const { url } = await started({ customers, sessionFor });
    const response = await load(url);
    expect(response.status).toBe(200);
    const html = await response.text();
    const forms = [
      ...html.matchAll(
        /<form method="post" action="\/signin">\s*<input type="hidden" name="customer" value="([^"]+)">/g,
      ),
    ];
    expect(forms.map((form) => form[1])).toEqual(["acme", "globex"]);
    expect(html).not.toContain("<iframe");
    expect(servedTo).toEqual([]);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const csp = response.headers.get("content-security-policy")!;
    expect(csp).toContain("frame-src 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(html).not.toMatch(/<script/i);
  });

  it("signs in with an HttpOnly, SameSite=Lax, signed cookie and redirects to /; Secure over https", async () => {
    const { url } = await started({ customers, sessionFor: recordingSessions().sessionFor });
    const response = await fetch(`${url}/signin`, {
      method: "POST",
      body: new URLSearchParams({ customer: "globex" }),
      redirect: "manual",
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/");
    const setCookie = response.headers.get("set-cookie")!;
    const [pair, ...attributes] = setCookie.split("; ");
    expect(pair).toMatch(new RegExp(`^${COOKIE_NAME}=v1\\.globex\\.\\d+\\.[\\w-]+$`));
    expect(attributes).toEqual(["Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=43200"]);
    expect(verifiedCustomerId(SECRET, pair!.split("=")[1]!, Date.now())).toBe("globex");
    const behindTls = await fetch(`${url}/signin`, {
      method: "POST",
      body: new URLSearchParams({ customer: "globex" }),
      headers: { "x-forwarded-proto": "https" },
      redirect: "manual",
    });
    expect(behindTls.headers.get("set-cookie")!.split("; ")).toContain("Secure");
  });

  it("serves the signed-in customer's page at /: the iframe's src, its sandbox, and the headers", async () => {
    const { sessionFor, servedTo } = recordingSessions();
    const { url } = await started({ customers, sessionFor });
    const response = await load(url, await signedIn(url, "acme"));
    expect(response.status).toBe(200);
    expect(servedTo).toEqual(["acme"]);
    const session = everySession.at(-1)!;
    const html = await response.text();
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const csp = response.headers.get("content-security-policy")!;
    expect(csp).toMatch(/^default-src 'none'; frame-src https:\/\/embed-motherduck\.com; style-src 'nonce-[\w+/=]+';/);
    // The src attribute, escaped: encodeURIComponent leaves ' alone, so the attribute escapes it.
    expect(html).toContain(`src="${embedUrl(session).replaceAll("'", "&#39;")}" sandbox="${EMBED_IFRAME_SANDBOX}"`);
    expect(sessionInPage(html)).toBe(session);
    // The session appears once, encoded in the src fragment (and escaped for the attribute), and raw nowhere.
    expect(html.split(encodeURIComponent(session).replaceAll("'", "&#39;")).length - 1).toBe(1);
    expect(html).not.toContain(session);
    expect(html).toContain("<title>Analytics for acme</title>");
    expect(html).toContain('<form method="post" action="/signout">');
    // The style block carries the header's nonce, and there is no script.
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    expect(html).toContain(`<style nonce="${nonce}">`);
    expect(html).not.toMatch(/<script/i);
  });

  it("gives each page load a fresh style nonce", async () => {
    const { url } = await started({ customers, sessionFor: recordingSessions().sessionFor });
    const cookie = await signedIn(url, "acme");
    const nonces = new Set<string | null>();
    for (let i = 0; i < 3; i++) nonces.add((await load(url, cookie)).headers.get("content-security-policy"));
    expect(nonces.size).toBe(3);
  });

  it("lets no path, query or field pick another customer's Dive", async () => {
    const { sessionFor, servedTo } = recordingSessions();
    const { url, logs } = await started({ customers, sessionFor });
    const cookie = await signedIn(url, "acme");
    for (const path of ["/?customer=globex", "/?id=globex&username=svc_globex", "/#globex"]) {
      expect((await load(url, cookie, path)).status, path).toBe(200);
    }
    expect(servedTo).toEqual(["acme", "acme", "acme"]);
    for (const path of ["/customers/globex", "/globex", "/customers/acme", "/index.html", "/favicon.ico"]) {
      const response = await load(url, cookie, path);
      expect(response.status, path).toBe(404);
      expect(await response.text()).toBe("Not found.\n");
    }
    // A second cookie of the same name, an unknown customer, or a sign-in field that is not a customer.
    expect((await load(url, `${cookie}; ${COOKIE_NAME}=v1.globex.1.x`)).status).toBe(200);
    expect(servedTo.at(-1)).toBe("acme");
    for (const body of ["customer=nobody", "customer=", "who=globex", "customer=globex%00"]) {
      const response = await fetch(`${url}/signin`, {
        method: "POST",
        body,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        redirect: "manual",
      });
      expect(response.status, body).toBe(400);
      expect(response.headers.get("set-cookie")).toBeNull();
    }
    const json = await fetch(`${url}/signin`, {
      method: "POST",
      body: JSON.stringify({ customer: "globex" }),
      headers: { "content-type": "application/json" },
      redirect: "manual",
    });
    expect(json.status).toBe(400);
    expect(servedTo).toEqual(["acme", "acme", "acme", "acme"]);
    expect(logs.filter((line) => line.startsWith("GET /customers"))).toEqual([
      "GET /customers/globex 404",
      "GET /customers/acme 404",
    ]);
  });

  it("shows the sign-in page, and no Dive, for a tampered, foreign, expired or unknown customer's cookie", async () => {
    const { sessionFor, servedTo } = recordingSessions();
    const { url } = await started({ customers, sessionFor });
    const cookie = await signedIn(url, "acme");
    const value = cookie.slice(COOKIE_NAME.length + 1);
    const [version, , expires, mac] = value.split(".") as [string, string, string, string];
    const tampered = [
      `${version}.globex.${expires}.${mac}`,
      `${version}.acme.${Number(expires) + 3600}.${mac}`,
      `${version}.acme.${expires}.${mac.slice(1)}`,
      signedCookieValue(randomBytes(32).toString("base64url"), "globex", Date.now()),
      signedCookieValue(SECRET, "acme", Date.now() - 13 * HOUR_MS),
      signedCookieValue(SECRET, "initech", Date.now()),
      "",
    ];
    for (const forged of tampered) {
      const response = await load(url, `${COOKIE_NAME}=${forged}`);
      expect(response.status, forged).toBe(200);
      const html = await response.text();
      expect(html, forged).toContain("<title>Sign in</title>");
      expect(html, forged).not.toContain("<iframe");
    }
    expect(servedTo).toEqual([]);
  });

  it("signs out: POST /signout clears the cookie, and / shows the sign-in page again", async () => {
    const { url, logs } = await started({ customers, sessionFor: recordingSessions().sessionFor });
    const cookie = await signedIn(url, "globex");
    const response = await fetch(`${url}/signout`, { method: "POST", headers: { cookie }, redirect: "manual" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/");
    expect(response.headers.get("set-cookie")).toBe(`${COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
    expect(await (await load(url)).text()).toContain("<title>Sign in</title>");
    for (const [method, path, allow] of [
      ["POST", "/", "GET, HEAD"],
      ["GET", "/signin", "POST"],
      ["GET", "/signout", "POST"],
    ] as const) {
      const wrong = await fetch(`${url}${path}`, { method, redirect: "manual" });
      expect(wrong.status, `${method} ${path}`).toBe(405);
      expect(wrong.headers.get("allow")).toBe(allow);
    }
    expect(logs).toEqual([
      "POST /signin 303",
      "POST /signout 303",
      "GET / 200",
      "POST / 405",
      "GET /signin 405",
      "GET /signout 405",
    ]);
  });

  it("answers a failed session with 502 and a plain message, logs only the error's class, and tries again next time", async () => {
    class PermissionDeniedError extends Error {
      override name = "PermissionDeniedError";
      status = 403;
    }
    const leaky = `secret-${randomBytes(8).toString("hex")}`;
    let attempts = 0;
    const { url, logs } = await started({
      customers,
      sessionFor: async () => {
        attempts += 1;
        if (attempts === 1) throw new PermissionDeniedError(`refused for bearer ${leaky}`);
        const session = awkwardSession();
        everySession.push(session);
        return { session, refreshAt: Date.now() + HOUR_MS };
      },
    });
    const cookie = await signedIn(url, "acme");
    const failed = await load(url, cookie);
    expect(failed.status).toBe(502);
    expect(failed.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(failed.headers.get("cache-control")).toBe("no-store");
    const body = await failed.text();
    expect(body).toBe("The analytics view is not available right now. Please try again in a minute.\n");
    expect(logs).toEqual(["POST /signin 303", "GET / 502 (embed session not minted: PermissionDeniedError 403)"]);
    expect((await load(url, cookie)).status).toBe(200);
    expect(attempts).toBe(2);
    expect(logs.join("\n")).not.toContain(leaky);
  });

  it("makes each page reload itself by the time the cache replaces its session", async () => {
    let clock = Date.now();
    const { sessionFor } = recordingSessions(() => clock);
    const { url } = await started({ customers, sessionFor, now: () => clock });
    const cookie = await signedIn(url, "acme");
    const reloadAfter = async () =>
      Number(/http-equiv="refresh" content="(\d+)"/.exec(await (await load(url, cookie)).text())?.[1]);
    expect(await reloadAfter()).toBe((EMBED_SESSION_LIFETIME_MS - HOUR_MS) / 1000);
    clock += 1_000;
    expect(await reloadAfter()).toBe((EMBED_SESSION_LIFETIME_MS - HOUR_MS) / 1000);
  });

  it("never logs a session or a cookie: every line is method, path, status", () => {
    expect(everyLog.length).toBeGreaterThan(10);
    expect(everySession.length).toBeGreaterThan(5);
    for (const line of everyLog) {
      expect(line).toMatch(/^(GET|HEAD|POST) \/\S* \d{3}( \(embed session not minted: \w+( \d{3})?\))?$/);
      for (const secret of [...everySession, ...everyCookie]) {
        expect(line).not.toContain(secret);
        expect(line).not.toContain(encodeURIComponent(secret));
      }
    }
  });
});

describe("npm run example:embed", () => {
  it("starts against the emulator when MOTHERDUCK_TOKEN is not set: a demo customer signs in and sees their Dive", async () => {
    const example = await startExampleProcess({}, true);
    try {
      expect(example.output()).toContain(
        `Embedding Dive ${DEMO_DIVE_ID} for acme (customer_acme), globex (customer_globex), via the local emulator at http://127.0.0.1:`,
      );
      const stranger = await fetch(`${example.url}/`);
      expect(await stranger.text()).toContain('action="/signin"');
      const response = await fetch(`${example.url}/`, { headers: { cookie: await signIn(example.url, "globex") } });
      const html = await response.text();
      expect(response.status).toBe(200);
      expect(html).toContain(`src="${EMBED_ORIGIN}/sandbox/#session=`);
      await until(() => example.output().includes("GET / 200"), "the access log line");
    } finally {
      await example.stop();
    }
    // It prints no token and no session: the emulator's tokens and minted sessions are JWT-shaped.
    expect(example.output()).not.toMatch(JWT);
    expect(example.output()).not.toContain("#session=");
  }, 45_000);
});

const chromium = chromiumAvailable("the embed example's browser test");

/** A running page server for the browser, with what it minted and the secrets it holds. */
interface BrowserSetup {
  url: string;
  logs: string[];
  /** The customer the browser signs in as. */
  customer: string;
  /** Every session minted so far. */
  minted(): string[];
  /** Secrets the server process holds that no browser may receive. */
  secrets: string[];
  screenshot: string;
  close(): Promise<void>;
}

/**
 * The server with its sessions passed in. The stand-in for the cache hands out what backs a real session: a
 * short-lived read-scaling token of the customer's service account, minted by the library on the emulator with
 * the admin token. So the server process holds a live admin token, and a JWT goes to the page.
 */
async function withStandInSessions(): Promise<BrowserSetup> {
  const emulator: Emulator = await startEmulator();
  const md = createMotherDuckClient({ baseUrl: emulator.url, token: emulator.adminToken });
  await md.users.createServiceAccount("customer_demo");
  const minted: string[] = [];
  const running = await serve({
    customers: [{ id: "demo", username: "customer_demo" }],
    sessionSecret: SECRET,
    sessionFor: async (customer) => {
      const token = await md.tokens.create(customer.username, {
        name: `embed-${customer.id}`,
        ttl: EMBED_SESSION_LIFETIME_MS / 1000,
        token_type: "read_scaling",
      });
      minted.push(token.token);
      return { session: token.token, refreshAt: Date.now() + EMBED_SESSION_LIFETIME_MS - HOUR_MS };
    },
  });
  return {
    url: running.url,
    logs: running.logs,
    customer: "demo",
    minted: () => minted,
    secrets: [emulator.adminToken, emulator.memberToken],
    screenshot: "embed-dive.png",
    async close() {
      await running.close();
      await emulator.close();
    },
  };
}

/** The example as `npm run example:embed` starts it: the library's session cache on the emulator. */
async function withLibraryOnEmulator(): Promise<BrowserSetup> {
  const logs: string[] = [];
  const example = await startExample({ PORT: "0" }, (line) => logs.push(line));
  const emulator = example.emulator!;
  return {
    url: example.url,
    logs,
    customer: "acme",
    minted: () => emulator.embedSessions().map((minted) => minted.session),
    secrets: [emulator.adminToken, emulator.memberToken],
    screenshot: "embed-dive-library.png",
    close: () => example.close(),
  };
}

/** A browser context that answers the embed origin with the stand-in and refuses anything else off loopback. */
async function offlineContext(browser: Browser, url: string, standIn: string[] = [], refused: string[] = []) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  context.setDefaultTimeout(10_000);
  await context.route("**/*", (route) => {
    const requested = route.request().url();
    if (requested.startsWith(`${url}/`)) return route.continue();
    if (requested.startsWith(`${EMBED_ORIGIN}/`)) {
      standIn.push(requested);
      return route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: STAND_IN });
    }
    refused.push(requested);
    return route.abort();
  });
  return context;
}

/** Signs in on the sign-in page by pressing the customer's button; resolves to the response of the Dive's page. */
async function signInWithForm(page: Page, url: string, customer: string): Promise<Response> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url() === `${url}/` && r.request().method() === "GET"),
    page.getByRole("button", { name: `Sign in as ${customer}` }).click(),
  ]);
  await page.waitForLoadState("load");
  return response;
}

/** What the stand-in for embed-motherduck.com serves: a page that shows it was reached. */
const STAND_IN = `<!doctype html><html><body style="margin:0;font:16px system-ui;background:#fff8d6;display:grid;place-items:center;height:100vh">
<div><h2>Stand-in for the embedded Dive</h2><p>Served in the test for ${EMBED_ORIGIN}; nothing left the machine.</p></div></body></html>`;

/** The few browser globals the page scripts below use: this project type-checks against Node, not the DOM. */
interface PageGlobals {
  document: {
    addEventListener(
      type: "securitypolicyviolation",
      listener: (event: { effectiveDirective: string; blockedURI: string }) => void,
    ): void;
    createElement(tag: "iframe"): { src: string; remove(): void };
    body: { append(node: unknown): void };
  };
  location: { hash: string };
  getComputedStyle(element: unknown): { borderTopWidth: string };
  cspViolations: Array<{ directive: string; blocked: string }>;
}

interface Received {
  url: string;
  status: number;
  contentType: string;
  headers: string;
  body: string;
}

describe.runIf(chromium)("the example page, in Chromium", () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
    console.log(`Chromium version: ${browser.version()}`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  describe.each([
    { name: "with stand-in sessions", start: withStandInSessions },
    {
      name: "with the library's createEmbedSession on the emulator",
      start: withLibraryOnEmulator,
    },
  ])("$name", ({ start }) => {
    let setup: BrowserSetup;
    let context: BrowserContext;
    let page: Page;
    let pageResponse: Response;
    /** URLs of the requests that reached the stand-in, as the network saw them. */
    const standIn: string[] = [];
    /** Requests to anywhere else off loopback: refused, and there should be none. */
    const refused: string[] = [];
    const bodies: Array<Promise<Received>> = [];

    beforeAll(async () => {
      setup = await start();
      context = await offlineContext(browser, setup.url, standIn, refused);
      page = await context.newPage();
      // Every CSP violation in any frame, from before the page's first byte.
      await page.addInitScript(() => {
        const seen: Array<{ directive: string; blocked: string }> = [];
        const page = globalThis as unknown as PageGlobals;
        page.cspViolations = seen;
        page.document.addEventListener("securitypolicyviolation", (event) =>
          seen.push({ directive: event.effectiveDirective, blocked: event.blockedURI }),
        );
      });
      page.on("response", (response) => {
        bodies.push(
          (async () => ({
            url: response.url(),
            status: response.status(),
            contentType: response.headers()["content-type"] ?? "",
            headers: JSON.stringify(await response.allHeaders()),
            body: await response.text().catch(() => ""),
          }))(),
        );
      });
      await page.goto(`${setup.url}/`, { waitUntil: "load" });
      pageResponse = await signInWithForm(page, setup.url, setup.customer);
    }, 60_000);

    afterAll(async () => {
      await context?.close();
      await setup?.close();
    });

    const session = () => {
      const minted = setup.minted();
      expect(minted).toHaveLength(1);
      return minted[0]!;
    };

    it("loads the minted session in the iframe: embed origin, /sandbox/, #session=, and the sandbox", async () => {
      expect(pageResponse.status()).toBe(200);
      const iframe = page.locator("iframe");
      const src = (await iframe.getAttribute("src"))!;
      expect(src).toBe(embedUrl(session()));
      const url = new URL(src);
      expect(url.origin).toBe(EMBED_ORIGIN);
      expect(url.pathname).toBe("/sandbox/");
      expect(url.search).toBe("");
      expect(new URLSearchParams(url.hash.slice(1)).get("session")).toBe(session());
      await expect(iframe.getAttribute("sandbox")).resolves.toBe(EMBED_IFRAME_SANDBOX);
      await expect(iframe.getAttribute("title")).resolves.toBe(`Analytics for ${setup.customer}`);
      // The frame the browser loaded holds the session in its own location, where the Dive's script reads it.
      const frame = (await iframe.elementHandle())!.contentFrame();
      const loaded = (await frame)!;
      expect(loaded.url()).toBe(src);
      await expect(loaded.evaluate(() => (globalThis as unknown as PageGlobals).location.hash)).resolves.toBe(
        `#session=${encodeURIComponent(session())}`,
      );
      await expect(loaded.getByText("Stand-in for the embedded Dive").isVisible()).resolves.toBe(true);
    });

    it("sends a CSP that frames only the embed origin, and Chromium enforces it", async () => {
      const headers = pageResponse.headers();
      expect(headers["referrer-policy"]).toBe("no-referrer");
      expect(headers["x-content-type-options"]).toBe("nosniff");
      expect(headers["cache-control"]).toBe("no-store");
      const directives = new Map(
        headers["content-security-policy"]!.split(";").map((part) => {
          const [name, ...values] = part.trim().split(/\s+/);
          return [name!, values];
        }),
      );
      expect(directives.get("frame-src")).toEqual([EMBED_ORIGIN]);
      expect(directives.get("default-src")).toEqual(["'none'"]);
      // The page itself breaks none of it: its nonce'd style applied (an iframe has a border by default).
      await expect(page.evaluate(() => (globalThis as unknown as PageGlobals).cspViolations)).resolves.toEqual([]);
      await expect(
        page
          .locator("iframe")
          .evaluate((el) => (globalThis as unknown as PageGlobals).getComputedStyle(el).borderTopWidth),
      ).resolves.toBe("0px");
      // An iframe to any other origin, this server's own included, is blocked before a request is made.
      for (const elsewhere of ["https://elsewhere.example/sandbox/", `${setup.url}/`]) {
        const requestsBefore = setup.logs.length;
        const violation = await page.evaluate(
          (src) =>
            new Promise<{ directive: string; blocked: string }>((resolve, reject) => {
              const timer = setTimeout(() => reject(new Error(`no CSP violation for ${src}`)), 5_000);
              const { document } = globalThis as unknown as PageGlobals;
              const frame = document.createElement("iframe");
              document.addEventListener("securitypolicyviolation", (event) => {
                clearTimeout(timer);
                frame.remove(); // so that the screenshot shows the page as served
                resolve({ directive: event.effectiveDirective, blocked: event.blockedURI });
              });
              frame.src = src;
              document.body.append(frame);
            }),
          elsewhere,
        );
        expect(violation.directive).toBe("frame-src");
        // Chromium reports a cross-origin blocked URL as its origin alone.
        expect(new URL(violation.blocked).origin).toBe(new URL(elsewhere).origin);
        expect(setup.logs.length, `a request reached the server for ${elsewhere}`).toBe(requestsBefore);
      }
      expect(refused).toEqual([]);
    });

    it("sends the session only in the fragment: no request URL and no log line holds it", () => {
      expect(standIn.length).toBeGreaterThan(0);
      for (const url of standIn) {
        const parsed = new URL(url);
        expect(`${parsed.origin}${parsed.pathname}${parsed.search}`).toBe(`${EMBED_ORIGIN}/sandbox/`);
        expect(url).not.toContain(session());
        expect(url).not.toContain(encodeURIComponent(session()));
      }
      expect(setup.logs).toEqual(["GET / 200", "POST /signin 303", "GET / 200"]);
      for (const line of setup.logs) {
        expect(line).not.toContain(session());
        expect(line).not.toContain(encodeURIComponent(session()));
      }
    });

    it("gives the browser no admin token anywhere, and the session only in the iframe's src", async () => {
      const received = await Promise.all(bodies);
      expect(received.length).toBeGreaterThanOrEqual(2);
      expect(setup.secrets.length).toBeGreaterThan(0);
      for (const { url, headers, body } of received) {
        for (const secret of setup.secrets) {
          expect(`${url}\n${headers}\n${body}`, `a secret in ${url.split("#")[0]}`).not.toContain(secret);
        }
        expect(headers).not.toContain(session());
        expect(headers).not.toContain(encodeURIComponent(session()));
      }
      const withSession = received.filter(({ body }) => body.includes(encodeURIComponent(session())));
      expect(withSession.map(({ url }) => url)).toEqual([`${setup.url}/`]);
      expect(withSession[0]!.body.split(encodeURIComponent(session())).length - 1).toBe(1);
    });

    it("saves a screenshot, and lists what the browser received", async () => {
      const artifacts = join(root, "test/artifacts");
      await mkdir(artifacts, { recursive: true });
      const path = join(artifacts, setup.screenshot);
      await page.screenshot({ path });
      const received = await Promise.all(bodies);
      // Fragments are cut from the list: one of them is the session, and CI logs are not a place for it.
      const list = received.map((r) => `  ${r.status} ${r.contentType.padEnd(26)} ${r.url.split("#")[0]}`);
      console.log(`Screenshot of the embed example: ${path}\nWhat the browser received:\n${list.join("\n")}`);
      for (const line of list) expect(line).not.toContain(encodeURIComponent(session()));
    });
  });

  describe("two customers signed in, and a stranger", () => {
    let example: Awaited<ReturnType<typeof startExample>>;
    const contexts: BrowserContext[] = [];
    const refused: string[] = [];

    beforeAll(async () => {
      example = await startExample({ PORT: "0" }, () => {});
    }, 30_000);

    afterAll(async () => {
      await Promise.all(contexts.map((context) => context.close()));
      await example?.close();
    });

    /** A fresh browser context (its own cookie jar) on the sign-in page. */
    async function visitor() {
      const context = await offlineContext(browser, example.url, [], refused);
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(`${example.url}/`, { waitUntil: "load" });
      return page;
    }

    /** The session in the fragment of the iframe's loaded frame, as the Dive's script would read it. */
    async function sessionInFrame(page: Page): Promise<string> {
      const frame = (await (await page.locator("iframe").elementHandle())!.contentFrame())!;
      const hash = await frame.evaluate(() => (globalThis as unknown as PageGlobals).location.hash);
      return new URLSearchParams(hash.slice(1)).get("session") ?? "";
    }

    it("each sees only their own session in the iframe's fragment; the stranger sees the sign-in page", async () => {
      const [acme, globex, stranger] = await Promise.all([visitor(), visitor(), visitor()]);
      await signInWithForm(acme, example.url, "acme");
      await signInWithForm(globex, example.url, "globex");
      const sessionOf = (username: string) =>
        example
          .emulator!.embedSessions()
          .filter((minted) => minted.username === username)
          .map((m) => m.session);
      expect(sessionOf("customer_acme")).toHaveLength(1);
      expect(sessionOf("customer_globex")).toHaveLength(1);
      await expect(sessionInFrame(acme)).resolves.toBe(sessionOf("customer_acme")[0]);
      await expect(sessionInFrame(globex)).resolves.toBe(sessionOf("customer_globex")[0]);
      await expect(acme.locator("h1").textContent()).resolves.toBe("Analytics for acme");
      await expect(globex.locator("h1").textContent()).resolves.toBe("Analytics for globex");
      // The stranger, even after each customer's page was served, gets no Dive: the sign-in page.
      await stranger.reload({ waitUntil: "load" });
      await expect(stranger.locator("iframe").count()).resolves.toBe(0);
      await expect(stranger.locator('form[action="/signin"]').count()).resolves.toBe(2);
      const strangerHtml = await stranger.content();
      for (const session of example.emulator!.embedSessions().map((minted) => minted.session)) {
        expect(strangerHtml).not.toContain(encodeURIComponent(session));
      }
      // The cookie is out of the page's reach.
      const cookies = await acme.context().cookies();
      expect(cookies.map(({ name, httpOnly, sameSite }) => ({ name, httpOnly, sameSite }))).toEqual([
        { name: COOKIE_NAME, httpOnly: true, sameSite: "Lax" },
      ]);
      await expect(
        acme.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie),
      ).resolves.toBe("");
      expect(refused).toEqual([]);

      const artifacts = join(root, "test/artifacts");
      await mkdir(artifacts, { recursive: true });
      for (const [name, page] of [
        ["signed-in-acme", acme],
        ["signed-in-globex", globex],
        ["sign-in", stranger],
      ] as const) {
        await page.screenshot({ path: join(artifacts, `embed-dive-${name}.png`) });
      }
      console.log(`Screenshots of each customer's page and of the sign-in page: ${artifacts}/embed-dive-*.png`);
    });

    it("signing out takes the Dive away", async () => {
      const page = await visitor();
      await signInWithForm(page, example.url, "acme");
      await expect(page.locator("iframe").count()).resolves.toBe(1);
      await Promise.all([page.waitForURL(`${example.url}/`), page.getByRole("button", { name: "Sign out" }).click()]);
      await page.waitForLoadState("load");
      await expect(page.locator("iframe").count()).resolves.toBe(0);
      await expect(page.getByRole("button", { name: "Sign in as acme" }).isVisible()).resolves.toBe(true);
    });
  });
});
