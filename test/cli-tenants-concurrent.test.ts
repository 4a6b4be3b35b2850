// Two `tenants apply` processes started at once on one --secrets-dir (a nightly job and a signup): each
// tenant is converged by one of them at a time, under the lock in its folder. Afterwards every declared
// token name has exactly one live token whose secret is stored under its id, no tenant is reported done over
// a broken state, and a third run changes nothing.
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMotherDuckClient } from "../src/index.js";
import { startEmulator } from "../src/emulator/index.js";
import type { Emulator } from "../src/emulator/index.js";
import { fileSecretStore } from "../src/tenants/index.js";
import type { TenantSpec, TenantsReport } from "../src/tenants/index.js";
import { runCli } from "./helpers/cli.js";
import { invariantProblems } from "./helpers/tenants-world.js";
import type { World } from "./helpers/tenants-world.js";

const batch = (prefix: string): TenantSpec[] =>
  Array.from({ length: 6 }, (_, i) => ({
    serviceAccount: `${prefix}_${i}`,
    tokens: { app: { token_type: "read_write", ttl: 3600 }, dashboard: { token_type: "read_scaling" } },
  }));
const specs = batch("t_both");
const existing = batch("t_renew");
// The same accounts, each token to be replaced: the case where one run's revoke can hit the other's new token.
const renewed: TenantSpec[] = existing.map((spec) => ({
  ...spec,
  tokens: { app: { token_type: "read_write", ttl: 1800 }, dashboard: { token_type: "read_write" } },
}));

let emulator: Emulator;
let folder: string;
beforeAll(async () => {
  // every answer held back, so that each tenant takes longer than the two processes' start apart: the runs
  // overlap on every tenant
  emulator = await startEmulator({ faults: { delayMs: 200 } });
  folder = await mkdtemp(join(tmpdir(), "cli-tenants-both-"));
  await writeFile(join(folder, "tenants.json"), JSON.stringify({ tenants: specs }));
  await writeFile(join(folder, "existing.json"), JSON.stringify({ tenants: existing }));
  await writeFile(join(folder, "renewed.json"), JSON.stringify({ tenants: renewed }));
});
afterAll(async () => {
  await emulator?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

const env = () => ({ MOTHERDUCK_TOKEN: emulator.adminToken, MOTHERDUCK_API_BASE_URL: emulator.url });
const apply = (file = "tenants.json") =>
  runCli(
    ["tenants", "apply", "-f", join(folder, file), "--secrets-dir", join(folder, "secrets"), "--json"],
    env(),
    50_000,
  );

/** Runs two applies of `file` at once and checks what both promise; then a third run changes nothing. */
async function bothAtOnce(file: string, declared: TenantSpec[]) {
  const runs = await Promise.all([apply(file), apply(file)]);
  const store = fileSecretStore(join(folder, "secrets"));
  const md = createMotherDuckClient({ baseUrl: emulator.url, token: emulator.adminToken, logger: {} });
  const world = { emulator, md, store, now: () => Date.now() } as unknown as World;
  expect(await invariantProblems(world, declared)).toEqual([]);
  for (const run of runs) {
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as TenantsReport).failed).toBe(0);
  }
  // no lock is left behind in any tenant's folder
  for (const { serviceAccount } of declared) {
    expect(await readdir(join(folder, "secrets", serviceAccount))).toEqual(["app.json", "dashboard.json"]);
  }
  const again = await apply(file);
  expect(again.code, again.stderr).toBe(0);
  const report = JSON.parse(again.stdout) as TenantsReport;
  expect(report.tenants.map((t) => t.outcome)).toEqual(declared.map(() => "unchanged"));
}

describe("two tenants apply processes at once on one secrets folder", () => {
  it("create each account once, and leave one live token per name stored under its id, every tenant done", async () => {
    await bothAtOnce("tenants.json", specs);
  });

  it("replace each token once: no run revokes the other's new token, none reports done over a broken state", async () => {
    expect((await apply("existing.json")).code).toBe(0);
    await bothAtOnce("renewed.json", renewed);
  });
});
