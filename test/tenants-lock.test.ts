// Two overlapping runs on one tenant (a nightly job and a signup): each tenant is observed, planned and changed
// under its lock, so neither revokes the token the other just minted and is about to store. Proven with a
// store whose `set` waits while a second apply runs, for a store with its own lock and one without.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMotherDuckClient } from "../src/index.js";
import { createTenants, fileSecretStore, memorySecretStore } from "../src/tenants/index.js";
import type { SecretStore, StoredSecret, TenantSpec, TenantsReport } from "../src/tenants/index.js";
import { isStale } from "../src/tenants/file-lock.js";
import { invariantProblems, startWorld } from "./helpers/tenants-world.js";
import type { World } from "./helpers/tenants-world.js";

const specs: TenantSpec[] = [{ serviceAccount: "t_race", tokens: { app: { ttl: 3600 } } }];

let world: World | undefined;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "tenants-lock-"));
});
afterEach(async () => {
  await world?.close();
  world = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** A store whose first `set` waits until `open()` is called; `setEntered` resolves once it is waiting. */
function gatedStore(inner: SecretStore, withLock: boolean) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let entered!: () => void;
  const setEntered = new Promise<void>((resolve) => (entered = resolve));
  let gated = false;
  let refusals = 0;
  let refused!: () => void;
  const lockRefused = new Promise<void>((resolve) => (refused = resolve));
  const store: SecretStore = {
    get: (key) => inner.get(key),
    keys: (prefix) => inner.keys(prefix),
    delete: (key) => inner.delete(key),
    async set(key: string, value: StoredSecret) {
      if (!gated) {
        gated = true;
        entered();
        await gate;
      }
      return inner.set(key, value);
    },
    ...(withLock && {
      async lock(serviceAccount: string) {
        const release = await inner.lock!(serviceAccount);
        if (!release && ++refusals === 1) refused();
        return release;
      },
    }),
  };
  return { store, open, setEntered, lockRefused };
}

const failures = (report: TenantsReport) => report.tenants.filter((t) => t.outcome === "failed");

describe("two overlapping applies of one tenant", () => {
  for (const withLock of [true, false]) {
    it(`leave one live token per name, stored under its id, and report no success over a broken state (${withLock ? "the store's lock" : "a store without lock"})`, async () => {
      const gated = gatedStore(memorySecretStore(), withLock);
      world = await startWorld({ store: gated.store });
      const tenants = () => createTenants(world!.md, { secrets: gated.store, now: world!.now });
      const first = tenants().apply(specs);
      await gated.setEntered; // the first run minted and is storing its token
      const second = tenants().apply(specs);
      // The second run goes on while the first waits in `set`: until it is done, or until it is seen waiting
      // for the lock (a store without lock cannot tell: then a bounded pause).
      const secondDone = second.then(() => undefined);
      await Promise.race([secondDone, withLock ? gated.lockRefused : new Promise((r) => setTimeout(r, 500))]);
      gated.open();
      const reports = await Promise.all([first, second]);
      expect(await invariantProblems(world, specs)).toEqual([]);
      expect(reports.flatMap(failures)).toEqual([]);
      expect(reports.map((r) => r.tenants[0]!.outcome)).toEqual(["created", "unchanged"]);
    });
  }

  it("fails only the tenant another run holds, after a bounded wait, naming why; a re-run converges", async () => {
    const store = memorySecretStore();
    world = await startWorld({ store });
    const both: TenantSpec[] = [...specs, { serviceAccount: "t_free", tokens: { app: {} } }];
    const release = (await store.lock!("t_race"))!;
    const report = await createTenants(world.md, { secrets: store, now: world.now, lockWaitMs: 150 }).apply(both);
    expect(report.failed).toBe(1);
    expect(report.tenants[0]).toMatchObject({ serviceAccount: "t_race", outcome: "failed", changes: [] });
    expect(report.tenants[0]!.error).toMatch(/another run is converging "t_race"/);
    expect(report.tenants[1]!.outcome).toBe("created");
    await release();
    const again = await createTenants(world.md, { secrets: store, now: world.now }).apply(both);
    expect(again.failed).toBe(0);
    expect(await invariantProblems(world, both)).toEqual([]);
  });
});

describe("a store whose lock misbehaves", () => {
  it("fails the tenant when the lock answers neither a function nor undefined, and ignores a release that throws", async () => {
    const inner = memorySecretStore();
    const lying: SecretStore = { ...inner, lock: async () => 42 as unknown as undefined };
    const throwing: SecretStore = {
      ...inner,
      lock: async () => () => {
        throw new Error("cannot let go");
      },
    };
    world = await startWorld({ store: inner });
    const lied = await createTenants(world.md, { secrets: lying, now: world.now }).apply(specs);
    expect(lied.tenants[0]).toMatchObject({ outcome: "failed", changes: [] });
    expect(lied.tenants[0]!.error).toMatch(/neither a function that releases it nor undefined/);
    const done = await createTenants(world.md, { secrets: throwing, now: world.now }).apply(specs);
    expect(done.tenants[0]!.outcome).toBe("created");
    expect(await invariantProblems(world, specs)).toEqual([]);
  });
});

describe("the file store's lock", () => {
  const holder = (pid: number, host = hostname(), time = new Date().toISOString()) =>
    JSON.stringify({ pid, host, time, nonce: "n" });

  it("is taken by one holder at a time, across store objects, and gone (with its empty folder) once released", async () => {
    const [a, b] = [fileSecretStore(dir), fileSecretStore(dir)];
    const release = await a.lock!("t_x");
    expect(release).toBeTypeOf("function");
    expect(await b.lock!("t_x")).toBeUndefined();
    await release!();
    expect(await readdir(dir)).toEqual([]);
    const again = await b.lock!("t_x");
    expect(again).toBeTypeOf("function");
    await again!();
  });

  it("takes over a lock whose process is gone from this host (a killed run), and keeps one whose process lives", async () => {
    const gone = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
      child.on("exit", () => resolve(child.pid!));
    });
    const store = fileSecretStore(dir);
    await mkdir(join(dir, "t_dead"), { mode: 0o700 });
    await mkdir(join(dir, "t_live"), { mode: 0o700 });
    await writeFile(join(dir, "t_dead", ".lock"), holder(gone));
    await writeFile(join(dir, "t_live", ".lock"), holder(process.ppid));
    const taken = await store.lock!("t_dead");
    expect(taken).toBeTypeOf("function");
    await taken!();
    expect(await store.lock!("t_live")).toBeUndefined();
  });

  it("judges staleness from the holder: gone here, older than the bound, or another host's for the bound", () => {
    const here = {
      host: "h",
      pid: 10,
      nowMs: Date.parse("2026-01-01T01:00:00Z"),
      alive: (pid: number) => pid === 20,
      heldHere: () => false,
    };
    const at = (minutesAgo: number) => new Date(here.nowMs - minutesAgo * 60_000).toISOString();
    expect(isStale({ pid: 20, host: "h", time: at(1), nonce: "n" }, 0, here)).toBe(false);
    expect(isStale({ pid: 21, host: "h", time: at(1), nonce: "n" }, 0, here)).toBe(true);
    expect(isStale({ pid: 21, host: "other", time: at(1), nonce: "n" }, 0, here)).toBe(false);
    expect(isStale({ pid: 20, host: "h", time: at(16), nonce: "n" }, 0, here)).toBe(true);
    expect(isStale({ pid: 10, host: "h", time: at(1), nonce: "n" }, 0, here)).toBe(true); // this process, not held
    expect(isStale(undefined, here.nowMs - 60_000, here)).toBe(false);
    expect(isStale(undefined, here.nowMs - 16 * 60_000, here)).toBe(true);
  });
});

describe("a run whose batch scan predates another run's create", () => {
  it("finds the account the other run created once its create is refused, and converges instead of failing", async () => {
    world = await startWorld();
    const { emulator } = world;
    const batch: TenantSpec[] = [
      { serviceAccount: "t_late", tokens: { app: { ttl: 3600 } } },
      { serviceAccount: "t_bare" },
    ];
    // Run B's user listing is answered before run A creates anything, and handed to B only once A is done:
    // B's scan says both accounts are absent, and B takes each lock after A has let go of it.
    let aDone!: () => void;
    const aFinished = new Promise<void>((resolve) => (aDone = resolve));
    const heldFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (new URL(input instanceof Request ? input.url : String(input)).pathname === "/v1/users") await aFinished;
      return response;
    };
    const mdB = createMotherDuckClient({
      baseUrl: emulator.url,
      token: emulator.adminToken,
      logger: {},
      fetch: heldFetch,
    });
    const runB = createTenants(mdB, { secrets: world.store, now: world.now }).apply(batch);
    const runA = await createTenants(world.md, { secrets: world.store, now: world.now }).apply(batch);
    aDone();
    const reportB = await runB;
    expect(runA.tenants.map((t) => t.outcome)).toEqual(["created", "created"]);
    expect(reportB.failed).toBe(0);
    expect(reportB.tenants.map((t) => t.outcome)).toEqual(["unchanged", "unchanged"]);
    expect(await invariantProblems(world, batch)).toEqual([]);
  });
});

describe("what a run killed while writing a secret leaves", () => {
  it("a secret's temporary file left in a tenant folder is deleted by the next run that takes its lock", async () => {
    world = await startWorld();
    const secretsDir = join(dir, "secrets");
    await createTenants(world.md, { secrets: fileSecretStore(secretsDir), now: world.now }).apply(specs);
    const leftover = join(secretsDir, "t_race", "app.json.0123456789ab.tmp");
    await writeFile(leftover, JSON.stringify({ token: "a secret a killed run never renamed into place" }), {
      mode: 0o600,
    });
    const report = await createTenants(world.md, { secrets: fileSecretStore(secretsDir), now: world.now }).apply(specs);
    expect(report.tenants.map((t) => t.outcome)).toEqual(["unchanged"]);
    expect((await readdir(join(secretsDir, "t_race"))).sort()).toEqual(["app.json"]);
  });
});
