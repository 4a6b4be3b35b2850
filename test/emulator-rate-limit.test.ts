// The emulator's rate limit over loopback HTTP: a token bucket per organization of the bearer, 429 with an
// honest Retry-After, and a refused request that changes nothing.
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator } from "../src/emulator/index.js";
import type { Emulator } from "../src/emulator/index.js";
import { admit } from "../src/emulator/rate-limit.js";
import { runCli } from "./helpers/cli.js";

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

function get(url: string, token?: string) {
  return fetch(`${url}/v1/users`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

describe("emulator rate limit", () => {
  it("lets a burst through, then answers 429 with the Retry-After after which a request passes", async () => {
    emulator = await startEmulator({ rateLimit: { perSecond: 1, burst: 2 } });
    expect((await get(emulator.url, emulator.adminToken)).status).toBe(200);
    expect((await get(emulator.url, emulator.adminToken)).status).toBe(200);
    const refused = await get(emulator.url, emulator.adminToken);
    expect(refused.status).toBe(429);
    const retryAfter = refused.headers.get("retry-after");
    expect(retryAfter).toMatch(/^[1-9]\d*$/);
    expect(await refused.json()).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    await new Promise((resolve) => setTimeout(resolve, Number(retryAfter) * 1000));
    expect((await get(emulator.url, emulator.adminToken)).status).toBe(200);
  });

  it("gives each organization, and each unknown bearer, a bucket of its own", async () => {
    emulator = await startEmulator({ rateLimit: { perSecond: 1 } });
    const other = emulator.addUser({ username: "olga", role: "admin", organization: "globex" });
    expect((await get(emulator.url, emulator.adminToken)).status).toBe(200);
    // bob shares acme's bucket with alice.
    expect((await get(emulator.url, emulator.memberToken)).status).toBe(429);
    expect((await get(emulator.url, other.token)).status).toBe(200);
    expect((await get(emulator.url, "not-a-token")).status).toBe(401);
    expect((await get(emulator.url, "not-a-token")).status).toBe(429);
    expect((await get(emulator.url, "another-unknown")).status).toBe(401);
  });

  it("changes nothing for a refused request", async () => {
    emulator = await startEmulator({ rateLimit: { perSecond: 1 } });
    const create = () =>
      fetch(`${emulator!.url}/v1/users`, {
        method: "POST",
        headers: { authorization: `Bearer ${emulator!.adminToken}`, "content-type": "application/json" },
        body: JSON.stringify({ username: "t_refused" }),
      });
    expect((await get(emulator.url, emulator.adminToken)).status).toBe(200);
    expect((await create()).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const users = (await (await get(emulator.url, emulator.adminToken)).json()) as { users: { username: string }[] };
    expect(users.users.map((user) => user.username)).not.toContain("t_refused");
  });

  it("computes Retry-After as the whole seconds until a token is back, and takes nothing from a refused request", () => {
    const empty = { tokens: 0, atMs: 0 };
    expect(admit(empty, 0, 0.25, 1)).toMatchObject({ retryAfterSeconds: 4, bucket: { tokens: 0 } });
    expect(admit(empty, 3_999, 0.25, 1).retryAfterSeconds).toBe(1);
    expect(admit(empty, 4_000, 0.25, 1)).toEqual({ bucket: { tokens: 0, atMs: 4_000 } });
    expect(admit({ tokens: 0.9, atMs: 0 }, 0, 100, 100).retryAfterSeconds).toBe(1);
  });

  it("refuses nonsense options with a RangeError, before anything listens", async () => {
    await expect(startEmulator({ rateLimit: { perSecond: 0 } })).rejects.toThrow(RangeError);
    await expect(startEmulator({ rateLimit: { perSecond: 5, burst: 0.5 } })).rejects.toThrow(/burst/);
    await expect(startEmulator({ rateLimit: { perSecond: 5, brust: 2 } as never })).rejects.toThrow(/brust/);
  });

  it("is started from the CLI with --rate-limit, which refuses a non-number", async () => {
    const bad = await runCli(["emulator", "--port", "0", "--rate-limit", "fast"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--rate-limit");
    expect((await runCli(["emulator", "--help"])).stdout).toContain("--rate-limit <n>");
  });
});
