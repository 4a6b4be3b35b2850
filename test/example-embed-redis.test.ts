// The embed example as a fleet: two servers (child processes) share one real redis-server and one emulator,
// and each customer costs one mint across both. Then Redis goes away under a running server: pages go on by
// minting, the outage is logged once, and nothing crashes.
import { randomBytes } from "node:crypto";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../src/emulator/index.js";
import type { Emulator } from "../src/emulator/index.js";
import { createMotherDuckClient, EMBED_SESSION_LIFETIME_MS } from "../src/index.js";
import { REDIS_KEY_PREFIX } from "../examples/embed-dive/redis-store.js";
import { startExample } from "../examples/embed-dive/start.js";
import { sessionInPage, signIn, startExampleProcess, until } from "./helpers/embed-example.js";
import type { ExampleProcess } from "./helpers/embed-example.js";
import { redisAvailable, startRedis } from "./helpers/redis.js";
import type { RunningRedis } from "./helpers/redis.js";

const DIVE = "3b1f0c2d-5e6a-4b7c-8d9e-0f1a2b3c4d5e";
const CUSTOMERS = [
  { id: "acme", username: "svc_fleet_acme" },
  { id: "globex", username: "svc_fleet_globex" },
  { id: "initech", username: "svc_fleet_initech" },
];

const redis = redisAvailable("the embed example's Redis tests");

/** The session on a signed-in customer's page. */
async function sessionOnPage(url: string, cookie: string): Promise<string> {
  const response = await fetch(`${url}/`, { headers: { cookie } });
  expect(response.status).toBe(200);
  const session = sessionInPage(await response.text());
  if (!session) throw new Error("no Dive on the page");
  return session;
}

describe.runIf(redis)("the embed example, two servers sharing Redis", () => {
  let server: RunningRedis;
  let emulator: Emulator;
  let servers: ExampleProcess[] = [];

  beforeAll(async () => {
    [server, emulator] = await Promise.all([startRedis(), startEmulator()]);
    const md = createMotherDuckClient({ baseUrl: emulator.url, token: emulator.adminToken });
    for (const { username } of CUSTOMERS) await md.users.createServiceAccount(username);
    const env = {
      MOTHERDUCK_TOKEN: emulator.adminToken,
      MOTHERDUCK_API_BASE_URL: emulator.url,
      DIVE_ID: DIVE,
      EMBED_CUSTOMERS: CUSTOMERS.map(({ id, username }) => `${id}:${username}`).join(","),
      SESSION_SECRET: randomBytes(32).toString("base64url"),
      REDIS_URL: server.url,
    };
    const started = await Promise.allSettled([startExampleProcess(env), startExampleProcess(env)]);
    servers = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
    for (const result of started) if (result.status === "rejected") throw result.reason;
  }, 60_000);

  afterAll(async () => {
    await Promise.all(servers.map((running) => running.stop()));
    await Promise.all([server?.stop(), emulator?.close()]);
  });

  it("mints one session per customer across both servers, and each customer sees theirs on both", async () => {
    const [one, two] = servers as [ExampleProcess, ExampleProcess];
    expect(one.output()).toContain("sessions shared through Redis");
    for (const customer of CUSTOMERS) {
      const onOne = await sessionOnPage(one.url, await signIn(one.url, customer.id));
      const onTwo = await sessionOnPage(two.url, await signIn(two.url, customer.id));
      expect(onTwo).toBe(onOne);
      // And again on each, as customers reload.
      expect(await sessionOnPage(one.url, await signIn(one.url, customer.id))).toBe(onOne);
    }
    const minted = emulator.embedSessions();
    expect(minted.map(({ username, sessionName }) => [username, sessionName])).toEqual(
      CUSTOMERS.map(({ id, username }) => [username, id]),
    );
    // Each customer got their own session.
    expect(new Set(minted.map(({ session }) => session)).size).toBe(CUSTOMERS.length);
  });

  it("accepts a cookie from the other server (one SESSION_SECRET), still without minting again", async () => {
    const [one, two] = servers as [ExampleProcess, ExampleProcess];
    const before = emulator.embedSessions().length;
    const cookie = await signIn(one.url, "globex");
    expect(await sessionOnPage(two.url, cookie)).toBe(
      emulator.embedSessions().find((minted) => minted.sessionName === "globex")!.session,
    );
    expect(emulator.embedSessions()).toHaveLength(before);
  });

  it("keeps in Redis one entry per customer: prefixed, hashed keys, expiring by the refresh time", async () => {
    const client = createClient({ url: server.url });
    await client.connect();
    try {
      const keys = await client.keys("*");
      expect(keys).toHaveLength(CUSTOMERS.length);
      for (const key of keys) {
        expect(key).toMatch(new RegExp(`^${REDIS_KEY_PREFIX}embed-session:v1:[0-9a-f]{64}$`));
        for (const { id, username } of CUSTOMERS) {
          expect(key).not.toContain(id);
          expect(key).not.toContain(username);
        }
        const ttl = await client.pTTL(key);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(EMBED_SESSION_LIFETIME_MS - 60 * 60 * 1000);
      }
      const values = await Promise.all(keys.map(async (key) => JSON.parse((await client.get(key))!)));
      expect(values.map(({ session }) => session).sort()).toEqual(
        emulator
          .embedSessions()
          .map(({ session }) => session)
          .sort(),
      );
    } finally {
      client.destroy();
    }
  });

  it("prints no session and no token", () => {
    for (const running of servers) {
      for (const { session } of emulator.embedSessions()) expect(running.output()).not.toContain(session);
      expect(running.output()).not.toContain(emulator.adminToken);
    }
  });
});

describe.runIf(redis)("the embed example when Redis goes away after start", () => {
  it("serves pages by minting, logs the outage once, and does not crash", async () => {
    const server = await startRedis();
    const logs: string[] = [];
    const example = await startExample({ PORT: "0", REDIS_URL: server.url }, (line) => logs.push(line));
    try {
      const cookie = await signIn(example.url, "acme");
      const first = await sessionOnPage(example.url, cookie);
      expect(await sessionOnPage(example.url, cookie)).toBe(first);
      expect(example.emulator!.embedSessions()).toHaveLength(1);
      await server.stop();
      await until(() => logs.some((line) => line.includes("is unavailable")), "the outage to be logged", 5_000);
      const during = [];
      for (let i = 0; i < 3; i++) during.push(await sessionOnPage(example.url, cookie));
      // Each load minted (no store to share through, and nothing kept in memory in its place).
      expect(example.emulator!.embedSessions()).toHaveLength(4);
      expect(new Set(during).size).toBe(3);
      expect(logs.filter((line) => line.includes("is unavailable"))).toEqual([
        `Redis at 127.0.0.1:${server.port} is unavailable: pages are served by minting until it is back`,
      ]);
      expect(logs.filter((line) => line.startsWith("GET / "))).toEqual(Array(5).fill("GET / 200"));
    } finally {
      await example.close();
      await server.stop();
    }
  }, 30_000);
});
