// The SIGKILL proof: `tenants apply` run as a child process against a rate-limited emulator in this process,
// killed with SIGKILL at several points of a larger batch (counted at the emulator: after so many requests
// served, or right after the k-th token was minted, before the child can store it), then run to completion.
// After that every promise must hold: exactly one live token per managed name, its secret stored under the
// same id, no stored secret of a dead token; and one more run changes nothing and sends only reads.
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMotherDuckClient } from "../src/index.js";
import { startEmulator } from "../src/emulator/index.js";
import type { Emulator, Exchange } from "../src/emulator/index.js";
import { fileSecretStore } from "../src/tenants/index.js";
import type { TenantSpec } from "../src/tenants/index.js";
import { CLI, runCli } from "./helpers/cli.js";
import { exchangeViolations } from "./helpers/emulator.js";
import { invariantProblems } from "./helpers/tenants-world.js";
import type { World } from "./helpers/tenants-world.js";

const TENANTS = 12;
const batch = (prefix: string): TenantSpec[] =>
  Array.from({ length: TENANTS }, (_, i) => ({
    serviceAccount: `${prefix}_${i}`,
    ducklings: { read_write: { instance_size: "standard" } },
    tokens: { app: { token_type: "read_write", ttl: 3600 }, dashboard: { token_type: "read_scaling" } },
  }));
const specs = batch("killed");
const interruptedSpecs = batch("interrupted");

/** When the emulator kills the running child: after `served` answers that were not 429, or after the `minted`-th token. */
type KillPoint = { served: number } | { minted: number };
const KILL_POINTS: KillPoint[] = [{ served: 3 }, { minted: 2 }, { minted: 7 }, { served: 25 }, { minted: 5 }];

let emulator: Emulator;
let folder: string;
const exchanges: Exchange[] = [];
const violations: string[] = [];
/** Called with each answer the emulator gives, before anything else sees it. */
let watch: (exchange: Exchange) => void = () => {};

beforeAll(async () => {
  emulator = await startEmulator({
    // slow enough that a run spans many answers, fast enough for a test: the pacer keeps it under the limit
    rateLimit: { perSecond: 60 },
    onExchange(exchange) {
      exchanges.push(exchange);
      // A 429 of the rate limit is the emulator's own answer, given before the request is read, like its faults:
      // the spec declares no 429, so only the answered requests are held to it.
      if (exchange.status !== 429) violations.push(...exchangeViolations(exchange));
      watch(exchange);
    },
  });
  folder = await mkdtemp(join(tmpdir(), "cli-tenants-kill-"));
  await writeFile(join(folder, "tenants.json"), JSON.stringify({ tenants: specs }));
  await writeFile(join(folder, "interrupted.json"), JSON.stringify({ tenants: interruptedSpecs }));
});
afterAll(async () => {
  await emulator?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

const env = () => ({ MOTHERDUCK_TOKEN: emulator.adminToken, MOTHERDUCK_API_BASE_URL: emulator.url });
const args = (file = "tenants.json", secrets = "secrets") => [
  "tenants",
  "apply",
  "-f",
  join(folder, file),
  "--secrets-dir",
  join(folder, secrets),
];

/** Starts `tenants apply` and sends it `signal` at `point`; resolves to how the child ended and what it said. */
function applyStoppedAt(
  point: KillPoint,
  signal: NodeJS.Signals = "SIGKILL",
  argv = args(),
): Promise<{ signal: NodeJS.Signals | null; code: number | null; stderr: string }> {
  const [command, ...rest] = [...CLI, ...argv];
  const child = spawn(command, rest, {
    env: { PATH: process.env.PATH ?? "", ...env() },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  let served = 0;
  let minted = 0;
  watch = (exchange) => {
    if (exchange.status === 429) return;
    served++;
    if (exchange.operationId === "users-createToken" && exchange.status === 200) minted++;
    if ("served" in point ? served >= point.served : minted >= point.minted) {
      watch = () => {};
      child.kill(signal);
    }
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code, ended) => {
      clearTimeout(timer);
      watch = () => {};
      resolve({ code, signal: ended, stderr });
    });
  });
}

describe("tenants apply killed with SIGKILL, then run again", () => {
  it("converges with exactly one live token per managed name, stored under its id, and no secret of a dead token", async () => {
    const store = fileSecretStore(join(folder, "secrets"));
    const md = createMotherDuckClient({ baseUrl: emulator.url, token: emulator.adminToken, logger: {} });
    const world = { emulator, md, store, now: () => Date.now() } as unknown as World;
    /** Live tokens of a managed name whose secret the store does not hold: what a kill between mint and store leaves. */
    const orphans = async () => {
      let count = 0;
      for (const { serviceAccount } of specs) {
        const live = await md.tokens.list(serviceAccount).catch(() => []);
        for (const token of live) {
          const stored = await store.get(`${serviceAccount}/${token.name}`);
          if (stored?.id !== token.id) count++;
        }
      }
      return count;
    };
    const mintedBeforeEachKill: number[] = [];
    const orphansAfterEachKill: number[] = [];
    for (const point of KILL_POINTS) {
      const before = exchanges.filter((e) => e.operationId === "users-createToken" && e.status === 200).length;
      const ended = await applyStoppedAt(point);
      // the kill really cut the run short: the child did not finish on its own
      expect({ code: ended.code, signal: ended.signal }, JSON.stringify(point)).toEqual({
        code: null,
        signal: "SIGKILL",
      });
      mintedBeforeEachKill.push(
        exchanges.filter((e) => e.operationId === "users-createToken" && e.status === 200).length - before,
      );
      orphansAfterEachKill.push(await orphans());
    }
    // every run killed after a mint left tokens behind: the re-runs must tidy them, not only add to them
    expect(mintedBeforeEachKill.filter((n) => n > 0).length).toBeGreaterThanOrEqual(3);
    // and at least one kill fell between a mint and its store: a live token nobody holds, for a re-run to revoke
    expect(Math.max(...orphansAfterEachKill), `orphans after each kill: ${orphansAfterEachKill}`).toBeGreaterThan(0);
    // the kills left a state that breaks the promises (an account not yet created, a name not yet minted):
    // the check below is not vacuous, and the last run has something to repair
    const unrepaired = await invariantProblems(world, specs).catch((error: Error) => [error.message]);
    expect(unrepaired.length).toBeGreaterThan(0);

    const completed = await runCli(args(), env(), 120_000);
    expect(completed.stderr).not.toMatch(/^\s+at /m);
    expect(completed.code).toBe(0);

    expect(await invariantProblems(world, specs)).toEqual([]);
    // no secret of an account outside the batch, and no half-written file left behind
    expect((await readdir(join(folder, "secrets"))).sort()).toEqual(specs.map((s) => s.serviceAccount).sort());
    for (const spec of specs) {
      const files = await readdir(join(folder, "secrets", spec.serviceAccount));
      expect(files.sort()).toEqual(["app.json", "dashboard.json"]);
      for (const file of files) {
        expect((await stat(join(folder, "secrets", spec.serviceAccount, file))).mode & 0o777).toBe(0o600);
      }
    }

    // and one more run: nothing to do, reads only
    exchanges.length = 0;
    const again = await runCli([...args(), "--json"], env(), 120_000);
    expect(again.code).toBe(0);
    const report = JSON.parse(again.stdout) as { tenants: { outcome: string }[]; failed: number };
    expect(report.tenants.map((t) => t.outcome)).toEqual(specs.map(() => "unchanged"));
    expect(new Set(exchanges.filter((e) => e.status !== 429).map((e) => e.method))).toEqual(new Set(["GET"]));
    expect(violations).toEqual([]);
  }, 300_000);

  it("Ctrl-C stops sending at once, says to run it again, exits 130; the next run converges", async () => {
    const argv = args("interrupted.json", "interrupted-secrets");
    const started = exchanges.length;
    const stopped = await applyStoppedAt({ minted: 3 }, "SIGINT", argv);
    expect(stopped.stderr).not.toMatch(/^\s+at /m);
    // stderr is a pipe here: whole lines only, no terminal control sequence
    expect(stopped.stderr).not.toMatch(/[\r\x1b]/);
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(
      /interrupted \(Ctrl-C\): no further request was sent\. .*run the same command again/,
    );
    // it stopped short of the batch: far fewer mints than the 24 the batch needs
    const minted = exchanges.slice(started).filter((e) => e.operationId === "users-createToken" && e.status === 200);
    expect(minted.length).toBeLessThan(2 * TENANTS);

    const completed = await runCli(argv, env(), 120_000);
    expect(completed.code).toBe(0);
    const store = fileSecretStore(join(folder, "interrupted-secrets"));
    const md = createMotherDuckClient({ baseUrl: emulator.url, token: emulator.adminToken, logger: {} });
    const world = { emulator, md, store, now: () => Date.now() } as unknown as World;
    expect(await invariantProblems(world, interruptedSpecs)).toEqual([]);
    expect(violations).toEqual([]);
  }, 300_000);
});
