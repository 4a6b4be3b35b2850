// The embed example's start-up checks, run as an operator meets them: `server.ts` as a child process with a bad
// variable, on the emulator and against "the real API" (a token and a base URL nothing listens on). Each stops
// the example at once with one line that names the variable, and prints none of the secrets it was given.
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { closedPort } from "./helpers/closed-port.js";
import { runExampleToExit } from "./helpers/embed-example.js";

const DIVE = "8d2f6c1e-4b7a-4e39-9a51-3c0d7e2b9f64";
const TOKEN = `tok_${randomBytes(12).toString("hex")}`;
const PASSWORD = `pw${randomBytes(8).toString("hex")}`;

let closed: number;
beforeAll(async () => {
  closed = await closedPort();
});

/** The two modes: the built-in emulator, and a token for an API (on a port nothing listens on, so nothing is reached). */
const modes = {
  emulator: (): Record<string, string> => ({}),
  "real API": (): Record<string, string> => ({
    MOTHERDUCK_TOKEN: TOKEN,
    MOTHERDUCK_API_BASE_URL: `http://127.0.0.1:${closed}`,
    DIVE_ID: DIVE,
    EMBED_CUSTOMERS: "acme:svc_acme",
  }),
};

const bad: Array<[variable: string, env: () => Record<string, string>]> = [
  ["DIVE_ID", () => ({ DIVE_ID: "not-a-uuid" })],
  ["DIVE_ID", () => ({ DIVE_ID: `${DIVE}x` })],
  ["EMBED_CUSTOMERS", () => ({ EMBED_CUSTOMERS: "acme" })],
  ["EMBED_CUSTOMERS", () => ({ EMBED_CUSTOMERS: "acme:svc_a,acme:svc_b" })],
  ["EMBED_CUSTOMERS", () => ({ EMBED_CUSTOMERS: "ac.me:svc_a" })],
  ["EMBED_CUSTOMERS", () => ({ EMBED_CUSTOMERS: "acme:svc_a,," })],
  // Two customers on one service account would read each other's data.
  ["EMBED_CUSTOMERS", () => ({ EMBED_CUSTOMERS: "acme:svc_a,globex:svc_a" })],
  // MotherDuck compares usernames without regard to case: svc_a and SVC_A are one account.
  ["EMBED_CUSTOMERS", () => ({ EMBED_CUSTOMERS: "acme:svc_a,globex:SVC_A" })],
  // Both set: neither is silently ignored.
  ["EMBED_CUSTOMERS", () => ({ EMBED_CUSTOMERS: "acme:svc_a", EMBED_USERNAME: "svc_b" })],
  ["EMBED_USERNAME", () => ({ EMBED_CUSTOMERS: "", EMBED_USERNAME: "x".repeat(300) })],
  ["SESSION_SECRET", () => ({ SESSION_SECRET: "hunter2-but-longer" })],
  // Set but empty (a secret that went missing from a deploy): refused, not replaced by a random key.
  ["SESSION_SECRET", () => ({ SESSION_SECRET: "" })],
  ["REDIS_URL", () => ({ REDIS_URL: "http://127.0.0.1:6379" })],
  ["REDIS_URL", () => ({ REDIS_URL: "not a url" })],
  ["REDIS_URL", () => ({ REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${closed}` })],
  ["PORT", () => ({ PORT: "65536" })],
];

/** On the emulator every case; against the real API the first case of each variable, to keep the run short. */
const cases = {
  emulator: bad,
  "real API": bad.filter(([variable], index) => bad.findIndex(([other]) => other === variable) === index),
};

describe.each(Object.entries(modes))("npm run example:embed on the %s", (name, mode) => {
  it.each(cases[name as keyof typeof cases])(
    "stops with one line naming %s: %j",
    async (variable, env) => {
      const given = { ...mode(), ...env() };
      const { code, stdout, stderr } = await runExampleToExit(given);
      expect(code).toBe(1);
      expect(stdout).toBe("");
      const lines = stderr.trimEnd().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^Failed to start: ${variable} `));
      for (const secret of [TOKEN, PASSWORD, "hunter2"]) expect(stderr).not.toContain(secret);
    },
    40_000,
  );
});

describe("npm run example:embed against the real API", () => {
  it.each([
    ["DIVE_ID", { DIVE_ID: "" }],
    ["EMBED_CUSTOMERS", { EMBED_CUSTOMERS: "" }],
    ["MOTHERDUCK_API_BASE_URL", { MOTHERDUCK_API_BASE_URL: "ftp://api.example" }],
  ])(
    "stops with one line when %s is missing or wrong",
    async (variable, env) => {
      const { code, stderr } = await runExampleToExit({ ...modes["real API"](), ...env });
      expect(code).toBe(1);
      expect(stderr.trimEnd().split("\n")).toEqual([
        expect.stringMatching(new RegExp(`^Failed to start: ${variable} `)),
      ]);
      expect(stderr).not.toContain(TOKEN);
    },
    40_000,
  );

  it("stops with one line naming both EMBED_CUSTOMERS and EMBED_USERNAME when both are set", async () => {
    const { code, stderr } = await runExampleToExit({
      ...modes["real API"](),
      EMBED_CUSTOMERS: "acme:svc_acme",
      EMBED_USERNAME: "svc_other",
    });
    expect(code).toBe(1);
    expect(stderr.trimEnd().split("\n")).toEqual([
      expect.stringMatching(/^Failed to start: EMBED_CUSTOMERS .*EMBED_USERNAME/),
    ]);
  }, 40_000);

  it("stops with one line when MOTHERDUCK_API_BASE_URL is set without a token", async () => {
    const { code, stderr } = await runExampleToExit({ MOTHERDUCK_API_BASE_URL: `http://127.0.0.1:${closed}` });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^Failed to start: MOTHERDUCK_API_BASE_URL is set but MOTHERDUCK_TOKEN is not/);
  }, 40_000);
});
