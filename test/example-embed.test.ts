// The "embed a Dive" example (examples/embed-dive): its session cache, its server over HTTP,
// `npm run example:embed` as a child process, and its page in a real Chromium. Everything stays on loopback:
// the embed origin is answered in the browser by a stand-in page.
import { spawn } from "node:child_process";
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
import { createSessionCache } from "../examples/embed-dive/session-cache.js";
import { DEMO_DIVE_ID, DEMO_USERNAME, portFrom, startExample } from "../examples/embed-dive/start.js";
import { chromiumAvailable, launchChromium } from "./helpers/chromium.js";

const root = join(import.meta.dirname, "..");
const HOUR_MS = 60 * 60 * 1000;
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;

/** A promise whose settling the test controls, to hold a mint open while more page loads arrive. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A session as awkward as an opaque string may be: characters a URL must encode and HTML must escape. */
const awkwardSession = () => `emb_${randomBytes(12).toString("base64url")}+/="<&'>`;

async function until(condition: () => boolean, what: string, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("the session cache", () => {
  const acme = { id: "acme" };
  const globex = { id: "globex" };
  const keyOf = (customer: { id: string }) => customer.id;

  function countingMint() {
    const minted: string[] = [];
    return {
      minted,
      mint: async (customer: { id: string }) => {
        const session = `${customer.id}-${minted.length}`;
        minted.push(session);
        return { session };
      },
    };
  }

  it("serves one session until an hour before its 24 hours are up, then mints a new one", async () => {
    let clock = 1_000_000;
    const { minted, mint } = countingMint();
    const cache = createSessionCache({ mint, keyOf, now: () => clock });
    await expect(cache.get(acme)).resolves.toEqual({
      session: "acme-0",
      refreshAt: 1_000_000 + EMBED_SESSION_LIFETIME_MS - HOUR_MS,
    });
    clock += EMBED_SESSION_LIFETIME_MS - HOUR_MS - 1;
    expect((await cache.get(acme)).session).toBe("acme-0");
    clock += 1;
    expect((await cache.get(acme)).session).toBe("acme-1");
    expect(minted).toEqual(["acme-0", "acme-1"]);
  });

  it("counts the lifetime from when the mint started, not from when it answered", async () => {
    let clock = 0;
    const cache = createSessionCache({
      mint: async () => {
        clock += 30_000; // the API took 30 s to answer
        return { session: "slow" };
      },
      keyOf,
      now: () => clock,
    });
    expect((await cache.get(acme)).refreshAt).toBe(EMBED_SESSION_LIFETIME_MS - HOUR_MS);
  });

  it("keeps one session per customer", async () => {
    const { minted, mint } = countingMint();
    const cache = createSessionCache({ mint, keyOf });
    expect((await cache.get(acme)).session).toBe("acme-0");
    expect((await cache.get(globex)).session).toBe("globex-1");
    expect((await cache.get(acme)).session).toBe("acme-0");
    expect(minted).toHaveLength(2);
  });

  it("lets concurrent loads of one customer share one mint", async () => {
    const pending = deferred<{ session: string }>();
    let mints = 0;
    const cache = createSessionCache({
      mint: () => {
        mints += 1;
        return pending.promise;
      },
      keyOf,
    });
    const loads = Array.from({ length: 10 }, () => cache.get(acme));
    expect(mints).toBe(1);
    pending.resolve({ session: "shared" });
    const sessions = (await Promise.all(loads)).map((cached) => cached.session);
    expect(sessions).toEqual(Array(10).fill("shared"));
    expect(mints).toBe(1);
  });

  it.each([
    ["rejects", () => Promise.reject(new Error("API down"))],
    [
      "throws before returning a promise",
      () => {
        throw new Error("API down");
      },
    ],
  ])(
    "does not keep a failed mint (one that %s): every waiting load fails, and the next one mints again",
    async (_, fail) => {
      let attempts = 0;
      const cache = createSessionCache({
        mint: (customer: { id: string }) => {
          attempts += 1;
          return attempts === 1 ? fail() : Promise.resolve({ session: `${customer.id}-ok` });
        },
        keyOf,
      });
      const results = await Promise.allSettled([cache.get(acme), cache.get(acme)]);
      expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
      expect(attempts).toBe(1);
      expect((await cache.get(acme)).session).toBe("acme-ok");
      expect(attempts).toBe(2);
    },
  );

  it("refuses a refresh margin that leaves a session no time to be served", () => {
    const mint = async () => ({ session: "x" });
    expect(() => createSessionCache({ mint, keyOf, refreshMarginMs: EMBED_SESSION_LIFETIME_MS })).toThrow(RangeError);
    expect(() => createSessionCache({ mint, keyOf, refreshMarginMs: -1 })).toThrow(RangeError);
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
  const acme: Customer = { id: "acme", username: "svc_acme", name: `Acme <Sales> & "Co"` };
  const globex: Customer = { id: "globex co", username: "svc_globex", name: "Globex" };
  const customers: [Customer, ...Customer[]] = [acme, globex];
  /** Every session minted by any server of this block, to check that none reached a log. */
  const everySession: string[] = [];
  const everyLog: string[] = [];

  function recordingMint() {
    const mintedFor: string[] = [];
    return {
      mintedFor,
      mint: async (customer: Customer) => {
        const session = awkwardSession();
        mintedFor.push(customer.username);
        everySession.push(session);
        return { session };
      },
    };
  }

  async function started(options: Omit<EmbedServerOptions, "log">) {
    const running = await serve(options, everyLog);
    closing.push(running.close);
    return running;
  }

  /** The session in the page's iframe src, as a browser would read it back. */
  function sessionIn(html: string): string {
    const src = /<iframe [^>]*src="([^"]*)"/.exec(html)?.[1];
    if (!src) throw new Error("no iframe src in the page");
    const url = new URL(src.replaceAll("&#39;", "'").replaceAll("&#38;", "&"));
    return new URLSearchParams(url.hash.slice(1)).get("session") ?? "";
  }

  it("serves the first customer's page at /: the iframe's src, its sandbox, and the headers", async () => {
    const { mint, mintedFor } = recordingMint();
    const { url } = await started({ customers, mint });
    const response = await fetch(`${url}/`);
    expect(response.status).toBe(200);
    expect(mintedFor).toEqual(["svc_acme"]);
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
    expect(sessionIn(html)).toBe(session);
    // The session appears once, encoded in the src fragment (and escaped for the attribute), and raw nowhere.
    expect(html.split(encodeURIComponent(session).replaceAll("'", "&#39;")).length - 1).toBe(1);
    expect(html).not.toContain(session);
    // The customer's name is escaped wherever it appears.
    expect(html).not.toContain("<Sales>");
    expect(html).toContain("<title>Acme &#60;Sales&#62; &#38; &#34;Co&#34;</title>");
    // The style block carries the header's nonce, and there is no script.
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    expect(html).toContain(`<style nonce="${nonce}">`);
    expect(html).not.toMatch(/<script/i);
  });

  it("gives each page load a fresh style nonce", async () => {
    const { url } = await started({ customers, mint: recordingMint().mint });
    const nonces = new Set<string | null>();
    for (let i = 0; i < 3; i++) nonces.add((await fetch(`${url}/`)).headers.get("content-security-policy"));
    expect(nonces.size).toBe(3);
  });

  it("serves /customers/<id> for each customer; other paths are 404, other methods 405", async () => {
    const { mint, mintedFor } = recordingMint();
    const { url, logs } = await started({ customers, mint });
    expect((await fetch(`${url}/customers/globex%20co`)).status).toBe(200);
    expect(mintedFor).toEqual(["svc_globex"]);
    expect((await fetch(`${url}/customers/acme?utm=x`)).status).toBe(200);
    for (const path of [
      "/customers/nobody",
      "/customers/acme/x",
      "/customers/%E0%A4%A",
      "/favicon.ico",
      "/index.html",
    ]) {
      const response = await fetch(`${url}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.text()).toBe("Not found.\n");
      expect(response.headers.get("cache-control")).toBe("no-store");
    }
    const post = await fetch(`${url}/`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    const head = await fetch(`${url}/customers/acme`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect(mintedFor).toEqual(["svc_globex", "svc_acme"]);
    // One line per request, with the path and never the query.
    expect(logs).toEqual([
      "GET /customers/globex%20co 200",
      "GET /customers/acme 200",
      "GET /customers/nobody 404",
      "GET /customers/acme/x 404",
      "GET /customers/%E0%A4%A 404",
      "GET /favicon.ico 404",
      "GET /index.html 404",
      "POST / 405",
      "HEAD /customers/acme 200",
    ]);
  });

  it("lets concurrent page loads of one customer wait on one mint", async () => {
    const pending = deferred<{ session: string }>();
    let mints = 0;
    const { url, server } = await started({
      customers,
      mint: () => {
        mints += 1;
        return pending.promise;
      },
    });
    let arrived = 0;
    server.on("request", () => (arrived += 1));
    const loads = Array.from({ length: 8 }, () => fetch(`${url}/`).then(async (r) => [r.status, await r.text()]));
    await until(() => arrived === 8, "eight requests to reach the server");
    expect(mints).toBe(1);
    const session = awkwardSession();
    everySession.push(session);
    pending.resolve({ session });
    const pages = await Promise.all(loads);
    for (const [status, html] of pages) {
      expect(status).toBe(200);
      expect(sessionIn(String(html))).toBe(session);
    }
    expect(mints).toBe(1);
  });

  it("answers a failed mint with 502 and a plain message, logs only the error's class, and mints again next time", async () => {
    class PermissionDeniedError extends Error {
      override name = "PermissionDeniedError";
      status = 403;
    }
    const leaky = `secret-${randomBytes(8).toString("hex")}`;
    let attempts = 0;
    const { url, logs } = await started({
      customers,
      mint: async () => {
        attempts += 1;
        if (attempts === 1) throw new PermissionDeniedError(`refused for bearer ${leaky}`);
        const session = awkwardSession();
        everySession.push(session);
        return { session };
      },
    });
    const failed = await fetch(`${url}/`);
    expect(failed.status).toBe(502);
    expect(failed.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(failed.headers.get("cache-control")).toBe("no-store");
    const body = await failed.text();
    expect(body).toBe("The analytics view is not available right now. Please try again in a minute.\n");
    expect(logs).toEqual(["GET / 502 (embed session not minted: PermissionDeniedError 403)"]);
    expect((await fetch(`${url}/`)).status).toBe(200);
    expect(attempts).toBe(2);
    expect(logs.join("\n")).not.toContain(leaky);
  });

  it("a session that is not one (empty) is a 502 too, not a page with a broken iframe", async () => {
    const { url, logs } = await started({ customers, mint: async () => ({ session: "" }) });
    expect((await fetch(`${url}/`)).status).toBe(502);
    expect(logs).toEqual(["GET / 502 (embed session not minted: ValidationError)"]);
  });

  it("mints a new session an hour before the old one expires, and each page reloads itself by then", async () => {
    let clock = Date.UTC(2026, 0, 1);
    const { mint } = recordingMint();
    const { url } = await started({ customers, mint, now: () => clock });
    const load = async () => {
      const html = await (await fetch(`${url}/`)).text();
      return { session: sessionIn(html), reloadAfter: Number(/http-equiv="refresh" content="(\d+)"/.exec(html)?.[1]) };
    };
    const first = await load();
    expect(first.reloadAfter).toBe((EMBED_SESSION_LIFETIME_MS - HOUR_MS) / 1000);
    clock += EMBED_SESSION_LIFETIME_MS - HOUR_MS - 1_000;
    expect(await load()).toEqual({ session: first.session, reloadAfter: 1 });
    clock += 1_000;
    const second = await load();
    expect(second.session).not.toBe(first.session);
    expect(second.reloadAfter).toBe((EMBED_SESSION_LIFETIME_MS - HOUR_MS) / 1000);
  });

  it("never logs a session: every line is method, path, status", () => {
    expect(everyLog.length).toBeGreaterThan(10);
    expect(everySession.length).toBeGreaterThan(5);
    for (const line of everyLog) {
      expect(line).toMatch(/^(GET|HEAD|POST) \/\S* \d{3}( \(embed session not minted: \w+( \d{3})?\))?$/);
      for (const session of everySession) {
        expect(line).not.toContain(session);
        expect(line).not.toContain(encodeURIComponent(session));
      }
    }
  });
});

describe("npm run example:embed", () => {
  it("refuses a bad PORT, and a token without DIVE_ID and EMBED_USERNAME, before starting anything", async () => {
    expect(portFrom({})).toBe(3000);
    expect(portFrom({ PORT: "0" })).toBe(0);
    for (const PORT of ["abc", "-1", "1.5", "65536"]) expect(() => portFrom({ PORT }), PORT).toThrow(RangeError);
    const token = `admin-${randomBytes(8).toString("hex")}`;
    const real = { MOTHERDUCK_TOKEN: token, PORT: "0" };
    await expect(startExample({ ...real, EMBED_USERNAME: "svc" })).rejects.toThrow(/^DIVE_ID is needed/);
    await expect(startExample({ ...real, DIVE_ID: DEMO_DIVE_ID })).rejects.toThrow(/^EMBED_USERNAME is needed/);
    await expect(startExample({ ...real, PORT: "x" })).rejects.not.toThrow(token);
  });

  it("starts against the emulator when MOTHERDUCK_TOKEN is not set, and serves the demo customer's page", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: "0" };
    for (const name of [
      "MOTHERDUCK_TOKEN",
      "motherduck_token",
      "MOTHERDUCK_API_BASE_URL",
      "DIVE_ID",
      "EMBED_USERNAME",
    ]) {
      delete env[name];
    }
    // Its own process group, so that npm, tsx and the server all stop together.
    const child = spawn("npm", ["run", "-s", "example:embed"], { cwd: root, env, detached: true, stdio: "pipe" });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const exited = once(child, "exit");
    try {
      await until(() => /listening on http:\/\/127\.0\.0\.1:\d+\)/.test(output), "the server to listen", 25_000);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)\)/.exec(output)![1]!;
      expect(output).toContain(`Embedding Dive ${DEMO_DIVE_ID} for service account "${DEMO_USERNAME}"`);
      expect(output).toMatch(/via the local emulator at http:\/\/127\.0\.0\.1:\d+/);
      const response = await fetch(`${url}/`);
      const html = await response.text();
      expect(response.status).toBe(200);
      expect(html).toContain(`src="${EMBED_ORIGIN}/sandbox/#session=`);
      await until(() => output.includes(`GET / ${response.status}`), "the access log line");
    } finally {
      process.kill(-child.pid!, "SIGTERM");
      const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    // It prints no token and no session: the emulator's tokens and minted sessions are JWT-shaped.
    expect(output).not.toMatch(JWT);
    expect(output).not.toContain("#session=");
  }, 45_000);
});

const chromium = chromiumAvailable("the embed example's browser test");

/** A running page server for the browser, with what it minted and the secrets it holds. */
interface BrowserSetup {
  url: string;
  logs: string[];
  /** Every session minted so far. */
  minted(): string[];
  /** Secrets the server process holds that no browser may receive. */
  secrets: string[];
  screenshot: string;
  close(): Promise<void>;
}

/**
 * The server with its minter passed in. The minter stands in for the embed-session call with what backs a real
 * session: a short-lived read-scaling token of the customer's service account, minted by the library on the
 * emulator with the admin token. So the server process holds a live admin token, and a JWT goes to the page.
 */
async function withStandInMinter(): Promise<BrowserSetup> {
  const emulator: Emulator = await startEmulator();
  const md = createMotherDuckClient({ baseUrl: emulator.url, token: emulator.adminToken });
  await md.users.createServiceAccount(DEMO_USERNAME);
  const minted: string[] = [];
  const running = await serve({
    customers: [{ id: "demo", username: DEMO_USERNAME, name: "Demo customer: sales overview" }],
    mint: async (customer) => {
      const token = await md.tokens.create(customer.username, {
        name: `embed-${customer.id}`,
        ttl: EMBED_SESSION_LIFETIME_MS / 1000,
        token_type: "read_scaling",
      });
      minted.push(token.token);
      return { session: token.token };
    },
  });
  return {
    url: running.url,
    logs: running.logs,
    minted: () => minted,
    secrets: [emulator.adminToken, emulator.memberToken],
    screenshot: "embed-dive.png",
    async close() {
      await running.close();
      await emulator.close();
    },
  };
}

/** The example as `npm run example:embed` starts it: the library's createEmbedSession against the emulator. */
async function withLibraryOnEmulator(): Promise<BrowserSetup> {
  const logs: string[] = [];
  const example = await startExample({ PORT: "0" }, (line) => logs.push(line));
  const emulator = example.emulator as Emulator & { embedSessions(): Array<{ session: string }> };
  return {
    url: example.url,
    logs,
    minted: () => emulator.embedSessions().map((minted) => minted.session),
    secrets: [emulator.adminToken, emulator.memberToken],
    screenshot: "embed-dive-library.png",
    close: () => example.close(),
  };
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
    { name: "with a stand-in minter", start: withStandInMinter },
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
      context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
      context.setDefaultTimeout(10_000);
      await context.route("**/*", (route) => {
        const url = route.request().url();
        if (url.startsWith(`${setup.url}/`)) return route.continue();
        if (url.startsWith(`${EMBED_ORIGIN}/`)) {
          standIn.push(url);
          return route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: STAND_IN });
        }
        refused.push(url);
        return route.abort();
      });
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
      pageResponse = (await page.goto(`${setup.url}/`, { waitUntil: "load" }))!;
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
      await expect(iframe.getAttribute("title")).resolves.toBe("Demo customer: sales overview");
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
      for (const elsewhere of ["https://elsewhere.example/sandbox/", `${setup.url}/customers/demo`]) {
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
      expect(setup.logs).toContain("GET / 200");
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
});
