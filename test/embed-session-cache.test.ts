// createEmbedSessionCache against the emulator (and, for answers the emulator never gives, a recording server
// on 127.0.0.1): one mint per request however many page loads ask at once, refresh before the 24 hours end,
// nothing kept of a failed or unusable mint, and a store that fails or answers garbage counted as a miss.
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import {
  EMBED_SESSION_LIFETIME_MS,
  NotFoundError,
  ResponseShapeError,
  ValidationError,
  createEmbedSessionCache,
  createMotherDuckClient,
  embedUrl,
} from "../src/index.js";
import type { CreateEmbedSessionBody, SessionStore, StoredEmbedSession } from "../src/index.js";
import { useEmulator } from "./helpers/emulator.js";
import { useRecordingServer } from "./helpers/recording-server.js";

const HOUR_MS = 60 * 60 * 1000;
const DIVE = "8d2f6c1e-4b7a-4e39-9a51-3c0d7e2b9f64";
const OTHER_DIVE = "0b6c3a1f-2d4e-4f50-8a71-9c8d7e6f5a4b";
const ACME = "svc_acme";
const GLOBEX = "svc_globex";

/** A store that keeps everything in a map and records each call, so a test sees the keys and values. */
function recordingStore() {
  const entries = new Map<string, StoredEmbedSession>();
  const sets: Array<{ key: string; value: StoredEmbedSession; ttlMs: number }> = [];
  const gets: string[] = [];
  const store: SessionStore = {
    async get(key) {
      gets.push(key);
      return entries.get(key);
    },
    async set(key, value, ttlMs) {
      sets.push({ key, value, ttlMs });
      entries.set(key, value);
    },
  };
  return { store, entries, sets, gets };
}

describe("createEmbedSessionCache, on the emulator", () => {
  const emulator = useEmulator();
  const client = () => createMotherDuckClient({ baseUrl: emulator.url, token: emulator.adminToken });
  const minted = () => emulator.embedSessions().length;

  beforeAll(async () => {
    await client().users.createServiceAccount(ACME);
    await client().users.createServiceAccount(GLOBEX);
  });

  it("lets 20 concurrent gets of one request share one mint, and serves it with its iframe src", async () => {
    const before = minted();
    const cache = createEmbedSessionCache(client());
    const results = await Promise.all(
      Array.from({ length: 20 }, () => cache.get(DIVE, { username: ACME, session_name: "acme" })),
    );
    expect(minted()).toBe(before + 1);
    const { session } = emulator.embedSessions().at(-1)!;
    for (const result of results) {
      expect(result.session).toBe(session);
      expect(result.url).toBe(embedUrl(session));
    }
    // And later gets are served from the cache.
    await cache.get(DIVE, { username: ACME, session_name: "acme" });
    expect(minted()).toBe(before + 1);
  });

  it("keeps one session per distinct request: another customer, another Dive, another version each mint", async () => {
    const before = minted();
    const cache = createEmbedSessionCache(client());
    const requests: Array<[string, CreateEmbedSessionBody]> = [
      [DIVE, { username: ACME }],
      [DIVE, { username: GLOBEX }],
      [OTHER_DIVE, { username: ACME }],
      [DIVE, { username: ACME, version: 2 }],
      [DIVE, { username: ACME, session_name: "acme" }],
    ];
    const sessions = [];
    for (const [dive, body] of requests) sessions.push((await cache.get(dive, body)).session);
    expect(new Set(sessions).size).toBe(requests.length);
    expect(minted()).toBe(before + requests.length);
    for (const [dive, body] of requests) await cache.get(dive, body);
    expect(minted()).toBe(before + requests.length);
  });

  it("serves a session until refreshMarginMs before its 24 hours end, then mints a new one", async () => {
    let clock = Date.UTC(2026, 0, 1);
    const started = clock;
    const cache = createEmbedSessionCache(client(), { now: () => clock });
    const first = await cache.get(DIVE, { username: ACME, session_name: "refresh" });
    expect(first.refreshAt).toBe(started + EMBED_SESSION_LIFETIME_MS - HOUR_MS);
    const before = minted();
    clock = first.refreshAt - 1;
    expect((await cache.get(DIVE, { username: ACME, session_name: "refresh" })).session).toBe(first.session);
    expect(minted()).toBe(before);
    clock = first.refreshAt;
    const second = await cache.get(DIVE, { username: ACME, session_name: "refresh" });
    expect(second.session).not.toBe(first.session);
    expect(second.refreshAt).toBe(clock + EMBED_SESSION_LIFETIME_MS - HOUR_MS);
    expect(minted()).toBe(before + 1);

    const margin = 10 * 60 * 1000;
    const short = createEmbedSessionCache(client(), { now: () => clock, refreshMarginMs: margin });
    expect((await short.get(DIVE, { username: ACME })).refreshAt).toBe(clock + EMBED_SESSION_LIFETIME_MS - margin);
  });

  it("never keeps a failed mint: every waiting get fails with the API's error, and the next get mints", async () => {
    const { store, sets } = recordingStore();
    const cache = createEmbedSessionCache(client(), { store });
    const stranger = `svc_late_${randomBytes(4).toString("hex")}`;
    const failed = await Promise.allSettled([
      cache.get(DIVE, { username: stranger }),
      cache.get(DIVE, { username: stranger }),
    ]);
    for (const result of failed) {
      expect(result.status).toBe("rejected");
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(NotFoundError);
    }
    expect(sets).toEqual([]);
    await client().users.createServiceAccount(stranger);
    const before = minted();
    const { session } = await cache.get(DIVE, { username: stranger });
    expect(minted()).toBe(before + 1);
    expect(sets.map((set) => set.value.session)).toEqual([session]);
  });

  it("refuses bad input with a ValidationError before anything is sent or stored", async () => {
    const { store, sets } = recordingStore();
    const cache = createEmbedSessionCache(client(), { store });
    const before = minted();
    const cyclic: Record<string, unknown> = { username: ACME };
    cyclic.initial_state = cyclic;
    await expect(cache.get(DIVE, cyclic as CreateEmbedSessionBody)).rejects.toThrow(ValidationError);
    await expect(cache.get("not-a-uuid", { username: ACME })).rejects.toThrow(ValidationError);
    await expect(cache.get(DIVE, { username: "" })).rejects.toThrow(ValidationError);
    expect(minted()).toBe(before);
    expect(sets).toEqual([]);
    expect(() => createEmbedSessionCache(client(), { refreshMarginMs: EMBED_SESSION_LIFETIME_MS })).toThrow(
      ValidationError,
    );
    expect(() => createEmbedSessionCache(client(), { refreshMarginMs: -1 })).toThrow(ValidationError);
    expect(() => createEmbedSessionCache(client(), { store: {} as SessionStore })).toThrow(ValidationError);
    expect(() => createEmbedSessionCache({} as never)).toThrow(ValidationError);
  });

  it("uses a session another server stored instead of minting: two caches sharing a store mint once", async () => {
    const { store, sets } = recordingStore();
    const one = createEmbedSessionCache(client(), { store });
    const two = createEmbedSessionCache(client(), { store });
    const before = minted();
    const first = await one.get(DIVE, { username: GLOBEX, session_name: "globex" });
    const second = await two.get(DIVE, { username: GLOBEX, session_name: "globex" });
    expect(second).toEqual(first);
    expect(minted()).toBe(before + 1);
    expect(sets).toHaveLength(1);
  });

  it("stores under a hashed key that holds no session and no field, with ttlMs the time left until refreshAt", async () => {
    let clock = Date.UTC(2026, 0, 1);
    const { store, sets } = recordingStore();
    const cache = createEmbedSessionCache(client(), { store, now: () => clock });
    const { session, refreshAt } = await cache.get(DIVE, { username: ACME, session_name: "acme-key" });
    expect(sets).toHaveLength(1);
    const [{ key, value, ttlMs }] = sets as [(typeof sets)[0]];
    expect(key).toMatch(/^embed-session:v1:[0-9a-f]{64}$/);
    expect(key).not.toContain(session);
    expect(key).not.toContain(ACME);
    expect(value).toEqual({ session, refreshAt });
    expect(ttlMs).toBe(refreshAt - clock);
  });

  describe("keys", () => {
    /** The key each request is stored under, from a store that misses every time and records its lookups. */
    async function keyOf(cache: ReturnType<typeof createEmbedSessionCache>, gets: string[], body: object, dive = DIVE) {
      await cache.get(dive, body as CreateEmbedSessionBody);
      return gets.at(-1)!;
    }

    it("differ for every field of the request and for the base URL, and ignore key order and undefined", async () => {
      const { store, gets, entries } = recordingStore();
      store.set = async () => {}; // misses every time, so each get looks up its own key
      const cache = createEmbedSessionCache(client(), { store });
      const base = { username: ACME, session_name: "k", version: 1 };
      const variants = [
        base,
        { ...base, username: GLOBEX },
        { ...base, session_name: "k2" },
        { ...base, version: 2 },
        { ...base, required_resources: [{ url: "md:sales" }] },
        { ...base, initial_state: { region: "eu" } },
        { ...base, initial_state: { region: "us" } },
      ];
      const keys = [];
      for (const body of variants) keys.push(await keyOf(cache, gets, body));
      keys.push(await keyOf(cache, gets, base, OTHER_DIVE));
      expect(new Set(keys).size).toBe(keys.length);
      // The same request written differently is the same key.
      expect(
        await keyOf(cache, gets, { version: 1, session_name: "k", username: ACME, initial_state: undefined }),
      ).toBe(keys[0]);
      expect(entries.size).toBe(0);
    });

    it("differ between two APIs (staging and production): same request, two base URLs", async () => {
      const { store, gets } = recordingStore();
      store.set = async () => {};
      const here = createEmbedSessionCache(client(), { store });
      const elsewhere = createEmbedSessionCache(
        createMotherDuckClient({ baseUrl: `${emulator.url}/staging`, token: emulator.adminToken }),
        { store },
      );
      const hereKey = await keyOf(here, gets, { username: ACME });
      await elsewhere.get(DIVE, { username: ACME }).catch(() => undefined); // the emulator has no /staging
      expect(gets.at(-1)).not.toBe(hereKey);
      expect(gets.at(-1)).toMatch(/^embed-session:v1:[0-9a-f]{64}$/);
    });
  });

  describe("a store that fails is a miss", () => {
    const good = (refreshAt: number): StoredEmbedSession => ({ session: `mdes_${"x".repeat(40)}`, refreshAt });

    it.each([
      ["undefined", () => undefined],
      ["null", () => null],
      ["a string", () => "mdes_session"],
      ["a session that is not a string", () => ({ session: 42, refreshAt: Date.now() + HOUR_MS })],
      ["an empty session", () => ({ session: "", refreshAt: Date.now() + HOUR_MS })],
      ["a session with white space", () => ({ session: "mdes_a b", refreshAt: Date.now() + HOUR_MS })],
      ["a session with a control character", () => ({ session: "mdes_a\u0000b", refreshAt: Date.now() + HOUR_MS })],
      ["a lone surrogate", () => ({ session: "mdes_\ud800", refreshAt: Date.now() + HOUR_MS })],
      ["no refreshAt", () => ({ session: good(0).session })],
      ["refreshAt as a string", () => ({ session: good(0).session, refreshAt: String(Date.now() + HOUR_MS) })],
      ["refreshAt passed", () => good(Date.now() - 1)],
      ["refreshAt past a session's lifetime", () => good(Date.now() + 2 * EMBED_SESSION_LIFETIME_MS)],
      ["refreshAt NaN", () => good(Number.NaN)],
      [
        "a throw",
        () => {
          throw new Error("store down");
        },
      ],
      ["a rejection", () => Promise.reject(new Error("store down"))],
      ["a promise of garbage", () => Promise.resolve({ session: "mdes_a b" })],
    ])("get answering %s: the cache mints", async (_, answer) => {
      let writes = 0;
      const store: SessionStore = { get: answer, set: () => void (writes += 1) };
      const cache = createEmbedSessionCache(client(), { store });
      const before = minted();
      const result = await cache.get(DIVE, { username: ACME });
      expect(minted()).toBe(before + 1);
      expect(result.session).toBe(emulator.embedSessions().at(-1)!.session);
      expect(writes).toBe(1);
    });

    it("a stored session still worth serving is served, without a mint", async () => {
      const stored = good(Date.now() + HOUR_MS);
      const cache = createEmbedSessionCache(client(), { store: { get: async () => stored, set: () => {} } });
      const before = minted();
      await expect(cache.get(DIVE, { username: ACME })).resolves.toEqual({ ...stored, url: embedUrl(stored.session) });
      expect(minted()).toBe(before);
    });

    it.each([
      [
        "throws",
        () => {
          throw new Error("store full");
        },
      ],
      ["rejects", () => Promise.reject(new Error("store full"))],
    ])("a set that %s does not fail the get, and the next get mints again", async (_, set) => {
      const cache = createEmbedSessionCache(client(), { store: { get: () => undefined, set } });
      const before = minted();
      const first = await cache.get(DIVE, { username: ACME });
      expect(first.session).toBe(emulator.embedSessions().at(-1)!.session);
      await cache.get(DIVE, { username: ACME });
      expect(minted()).toBe(before + 2);
    });
  });
});

describe("createEmbedSessionCache, on answers the emulator never gives", () => {
  const server = useRecordingServer();
  const client = () => createMotherDuckClient({ baseUrl: server.url, token: "eyJhbGciOiJIUzI1NiJ9.e30.c2ln" });

  it("never keeps a session no iframe can carry, and says so without quoting it", async () => {
    const unusable = `mdes_${randomBytes(12).toString("hex")} with spaces`;
    const usable = `mdes_${randomBytes(24).toString("base64url")}`;
    let calls = 0;
    server.reply(() => ({ body: { session: calls++ === 0 ? unusable : usable } }));
    const { store, sets } = recordingStore();
    const cache = createEmbedSessionCache(client(), { store });
    const failure = await cache.get(DIVE, { username: ACME }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ResponseShapeError);
    expect(String((failure as Error).message)).not.toContain(unusable);
    expect(JSON.stringify(failure)).not.toContain(unusable);
    expect(sets).toEqual([]);
    await expect(cache.get(DIVE, { username: ACME })).resolves.toMatchObject({ session: usable });
    expect(server.requests).toHaveLength(2);
  });

  it("counts the 24 hours from when the mint started, not from when the API answered", async () => {
    let clock = Date.UTC(2026, 0, 1);
    const started = clock;
    server.reply(() => {
      clock += 30_000; // the API took 30 s to answer
      return { body: { session: `mdes_${randomBytes(24).toString("base64url")}` } };
    });
    const cache = createEmbedSessionCache(client(), { now: () => clock });
    expect((await cache.get(DIVE, { username: ACME })).refreshAt).toBe(started + EMBED_SESSION_LIFETIME_MS - HOUR_MS);
  });

  it("reads the client's base URL without sending a request: a cached get sends nothing", async () => {
    server.reply({ body: { session: `mdes_${randomBytes(24).toString("base64url")}` } });
    const cache = createEmbedSessionCache(client());
    await cache.get(DIVE, { username: ACME });
    await cache.get(DIVE, { username: ACME });
    expect(server.requests.map((request) => `${request.method} ${request.rawPath}`)).toEqual([
      `POST /v1/dives/${DIVE}/embed-session`,
    ]);
  });
});

describe("createEmbedSessionCache, against a hostile caller, store or clock", () => {
  const server = useRecordingServer();
  const client = () => createMotherDuckClient({ baseUrl: server.url, token: "eyJhbGciOiJIUzI1NiJ9.e30.c2ln" });
  const freshSession = () => `mdes_${randomBytes(24).toString("base64url")}`;
  const sentUsernames = () => server.requests.map((request) => (request.json as { username: string }).username);
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error,
    );
  /** At most `ms` for a get that must not hang: a hang fails the test instead of stalling the run. */
  const settlesWithin = <T>(promise: Promise<T>, ms = 10_000) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hung = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
    });
    return Promise.race([promise, hung]).finally(() => clearTimeout(timer));
  };

  describe("the arguments are read once, at the call", () => {
    it("a username getter that answers svc_a then svc_b: svc_a is both the key and the request", async () => {
      server.reply(() => ({ body: { session: freshSession() } }));
      const answers = [ACME, GLOBEX];
      let reads = 0;
      const body = {
        get username() {
          return answers[Math.min(reads++, 1)]!;
        },
      } as CreateEmbedSessionBody;
      const cache = createEmbedSessionCache(client());
      const first = await cache.get(DIVE, body);
      expect(reads).toBe(1);
      expect(sentUsernames()).toEqual([ACME]);
      // The session went to acme's key: acme is served it, globex gets its own.
      await expect(cache.get(DIVE, { username: ACME })).resolves.toEqual(first);
      const globex = await cache.get(DIVE, { username: GLOBEX });
      expect(globex.session).not.toBe(first.session);
      expect(sentUsernames()).toEqual([ACME, GLOBEX]);
    });

    it("a body changed after the call changes neither the request nor the key", async () => {
      server.reply(() => ({ body: { session: freshSession() } }));
      const cache = createEmbedSessionCache(client());
      const body: CreateEmbedSessionBody = { username: ACME, initial_state: { region: "emea" } };
      const pending = cache.get(DIVE, body);
      body.username = GLOBEX;
      (body.initial_state as Record<string, unknown>).region = "apac";
      const first = await pending;
      expect(server.requests.map((request) => request.json)).toEqual([
        { username: ACME, initial_state: { region: "emea" } },
      ]);
      await expect(cache.get(DIVE, { username: ACME, initial_state: { region: "emea" } })).resolves.toEqual(first);
      expect(server.requests).toHaveLength(1);
    });

    it.each([
      [
        "a getter that throws",
        () =>
          ({
            get username(): string {
              throw new Error("boom");
            },
          }) as CreateEmbedSessionBody,
      ],
      [
        "a proxy whose ownKeys trap throws",
        () =>
          new Proxy({ username: ACME } as CreateEmbedSessionBody, {
            ownKeys() {
              throw new Error("boom");
            },
          }),
      ],
    ])("%s is a ValidationError, with nothing sent or stored", async (_, body) => {
      const { store, sets, gets } = recordingStore();
      const error = await failure(createEmbedSessionCache(client(), { store }).get(DIVE, body()));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]!.path).toBe("arguments");
      expect(server.requests).toEqual([]);
      expect([...gets, ...sets]).toEqual([]);
    });
  });

  describe("a store that hangs or answers with traps is a miss, bounded in time", () => {
    it("a get that never settles is a miss after the default store timeout: the page mints", async () => {
      server.reply({ body: { session: freshSession() } });
      let writes = 0;
      const store: SessionStore = { get: () => new Promise(() => {}), set: () => void (writes += 1) };
      const result = await settlesWithin(createEmbedSessionCache(client(), { store }).get(DIVE, { username: ACME }));
      expect(result.session).toMatch(/^mdes_/);
      expect(server.requests).toHaveLength(1);
      expect(writes).toBe(1);
    });

    it("a set that never settles is abandoned after storeTimeoutMs: the get still serves the session", async () => {
      server.reply({ body: { session: freshSession() } });
      const store: SessionStore = { get: () => undefined, set: () => new Promise(() => {}) };
      const cache = createEmbedSessionCache(client(), { store, storeTimeoutMs: 50 });
      const result = await settlesWithin(cache.get(DIVE, { username: ACME }));
      expect(result.session).toMatch(/^mdes_/);
    });

    it("a set that rejects after its timeout is handled: no unhandled rejection", async () => {
      server.reply({ body: { session: freshSession() } });
      const unhandled: unknown[] = [];
      const record = (reason: unknown) => unhandled.push(reason);
      process.on("unhandledRejection", record);
      try {
        let rejectLater: (error: Error) => void = () => {};
        const set = () => new Promise<void>((_, reject) => (rejectLater = reject));
        const cache = createEmbedSessionCache(client(), { store: { get: () => undefined, set }, storeTimeoutMs: 20 });
        await settlesWithin(cache.get(DIVE, { username: ACME }));
        rejectLater(new Error("store gone"));
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(unhandled).toEqual([]);
      } finally {
        process.off("unhandledRejection", record);
      }
    });

    it.each([
      ["returned", (value: unknown) => value],
      ["resolved", (value: unknown) => Promise.resolve(value)],
    ])(
      "a value %s whose then is missing at first, then never settles: judged as first read, no hang",
      async (_, give) => {
        server.reply({ body: { session: freshSession() } });
        let reads = 0;
        const shifty = {
          session: `mdes_${"x".repeat(40)}`,
          refreshAt: Date.now() + HOUR_MS,
          get then() {
            return reads++ === 0 ? undefined : () => {};
          },
        };
        const store: SessionStore = { get: () => give(shifty), set: () => {} };
        const cache = createEmbedSessionCache(client(), { store, storeTimeoutMs: 50 });
        await expect(settlesWithin(cache.get(DIVE, { username: ACME }), 5_000)).resolves.toMatchObject({
          session: shifty.session,
        });
      },
    );

    it.each([
      [
        "a session getter that throws",
        () => ({
          get session(): string {
            throw new Error("boom");
          },
          refreshAt: Date.now() + HOUR_MS,
        }),
      ],
      [
        "a proxy whose get trap throws",
        () =>
          new Proxy(
            {},
            {
              get() {
                throw new Error("boom");
              },
            },
          ),
      ],
      [
        "a thenable whose then throws",
        () => ({
          get then(): never {
            throw new Error("boom");
          },
        }),
      ],
    ])("a value with %s: the cache mints", async (_, answer) => {
      server.reply({ body: { session: freshSession() } });
      const cache = createEmbedSessionCache(client(), { store: { get: answer, set: () => {} } });
      const result = await settlesWithin(cache.get(DIVE, { username: ACME }));
      expect(result.session).toMatch(/^mdes_/);
      expect(server.requests).toHaveLength(1);
    });
  });

  describe("an invisible session is unusable: the same rule for a mint and for a store", () => {
    const invisible = {
      "U+034F combining grapheme joiner": "\u034f",
      "U+115F Hangul choseong filler": "\u115f",
      "U+1160 Hangul jungseong filler": "\u1160",
      "U+3164 Hangul filler": "\u3164",
      "U+FFA0 halfwidth Hangul filler": "\uffa0",
      "U+2800 Braille blank": "\u2800",
      "U+200B zero width space": "\u200b",
      "U+FE0F variation selector": "\ufe0f",
    };

    it.each(Object.entries(invisible))("%s in a minted session is a ResponseShapeError, never kept", async (_, c) => {
      const session = `mdes_abcd${c}efgh`;
      server.reply({ body: { session } });
      const direct = await failure(client().dives.createEmbedSession(DIVE, { username: ACME }));
      expect(direct).toBeInstanceOf(ResponseShapeError);
      const { store, sets } = recordingStore();
      const cached = await failure(createEmbedSessionCache(client(), { store }).get(DIVE, { username: ACME }));
      expect(cached).toBeInstanceOf(ResponseShapeError);
      expect(sets).toEqual([]);
    });

    it.each(Object.entries(invisible))("%s in a stored session is a miss: the cache mints", async (_, c) => {
      const minted = freshSession();
      server.reply({ body: { session: minted } });
      const stored = { session: `mdes_abcd${c}efgh`, refreshAt: Date.now() + HOUR_MS };
      const cache = createEmbedSessionCache(client(), { store: { get: () => stored, set: () => {} } });
      await expect(cache.get(DIVE, { username: ACME })).resolves.toMatchObject({ session: minted });
    });

    it("a session of visible characters, ASCII or not, is served", async () => {
      const session = "mdes_ÄÖÜ-🦆-eyJhbGciOiJIUzI1NiJ9.c2Vzc2lvbg";
      server.reply({ body: { session } });
      await expect(createEmbedSessionCache(client()).get(DIVE, { username: ACME })).resolves.toMatchObject({ session });
    });
  });

  describe("options are checked when the cache is made, the clock when it is read", () => {
    it.each([
      ["a mistyped store", { stor: {} }, "options.stor", "did you mean options.store?"],
      ["a mistyped margin", { refreshMargin: 1000 }, "options.refreshMargin", "did you mean options.refreshMarginMs?"],
      [
        "a store without set",
        { store: { get: () => undefined } },
        "options.store",
        "get(key) and set(key, value, ttlMs)",
      ],
      ["a negative margin", { refreshMarginMs: -1 }, "options.refreshMarginMs", "from 0 to under 24 hours"],
      ["a margin of 24 hours", { refreshMarginMs: EMBED_SESSION_LIFETIME_MS }, "options.refreshMarginMs", "under 24"],
      ["a NaN margin", { refreshMarginMs: Number.NaN }, "options.refreshMarginMs", "from 0 to under 24 hours"],
      ["a zero store timeout", { storeTimeoutMs: 0 }, "options.storeTimeoutMs", "whole number from 1"],
      ["a fractional store timeout", { storeTimeoutMs: 1.5 }, "options.storeTimeoutMs", "whole number from 1"],
      ["a clock that is not a function", { now: 1 }, "options.now", "must be a function"],
    ])("%s is a ValidationError naming it", (_, options, path, message) => {
      let error: unknown;
      try {
        createEmbedSessionCache(client(), options as never);
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(ValidationError);
      const issue = (error as ValidationError).issues.find((candidate) => candidate.path === path);
      expect(issue?.message).toContain(message);
    });

    it.each([
      ["NaN", () => Number.NaN],
      ["Infinity", () => Number.POSITIVE_INFINITY],
      ["a string", () => "1700000000000" as unknown as number],
      [
        "a throw",
        () => {
          throw new Error("clock broken");
        },
      ],
    ])("a clock answering %s fails the get with a ValidationError, nothing sent", async (_, now) => {
      server.reply({ body: { session: freshSession() } });
      const error = await failure(createEmbedSessionCache(client(), { now }).get(DIVE, { username: ACME }));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]!.path).toBe("options.now");
      expect(server.requests).toEqual([]);
    });
  });
});
