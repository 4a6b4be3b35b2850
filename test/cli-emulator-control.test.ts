// A running emulator driven from bash with the CLI alone: `emulator activate|deactivate|advance-time` reach its
// control API with the exported MOTHERDUCK_API_BASE_URL and MOTHERDUCK_TOKEN, so `accounts active` lists
// something; and `tokens create --description`. Every step is a child process.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, runCli, startEmulatorCommand } from "./helpers/cli.js";

const exec = promisify(execFile);
let emulator: Awaited<ReturnType<typeof startEmulatorCommand>>;
/** The variables the emulator's exports set, as bash sees them after sourcing them. */
let env: Record<string, string>;

beforeAll(async () => {
  emulator = await startEmulatorCommand(240_000);
  const { stdout } = await exec(
    "bash",
    [
      "-c",
      'source /dev/stdin <<<"$EMULATOR_OUTPUT"; printf "%s\\n" "$MOTHERDUCK_API_BASE_URL" "$MOTHERDUCK_TOKEN" "$MOTHERDUCK_MEMBER_TOKEN"',
    ],
    { env: { PATH: process.env.PATH ?? "", EMULATOR_OUTPUT: emulator.stdout }, timeout: 10_000 },
  );
  const [url, admin, member] = stdout.trimEnd().split("\n");
  env = { MOTHERDUCK_API_BASE_URL: url!, MOTHERDUCK_TOKEN: admin!, MOTHERDUCK_MEMBER_TOKEN: member! };
}, 30_000);
afterAll(async () => {
  emulator.child.kill("SIGTERM");
  await emulator.exited;
});

describe("emulator activate and deactivate, from bash", () => {
  it("a bash script sources the emulator's exports and makes accounts active list alice, then no one", async () => {
    const script = `
      source /dev/stdin <<<"$EMULATOR_OUTPUT"
      step() { echo "== $*"; "$@" 2>&1; echo "exit $?"; }
      step "$@" accounts active
      step "$@" emulator activate alice
      step "$@" accounts active
      step "$@" emulator deactivate alice
      step "$@" accounts active
    `;
    const { stdout } = await exec("bash", ["-c", script, "bash", ...CLI], {
      env: { PATH: process.env.PATH ?? "", EMULATOR_OUTPUT: emulator.stdout },
      timeout: 60_000,
    });
    const steps = stdout.split(/^== /m).slice(1);
    expect(steps).toHaveLength(5);
    expect(steps[0]).toMatch(/No account has a running Duckling\.\nexit 0\n$/);
    expect(steps[1]).toMatch(/Started the Duckling of alice on the emulator.*\nexit 0\n$/);
    expect(steps[2]).toMatch(/^alice\s+rw\s+read_write\s+active$/m);
    expect(steps[2]).toMatch(/exit 0\n$/);
    expect(steps[3]).toMatch(/Stopped every Duckling of alice.*\nexit 0\n$/);
    expect(steps[4]).toMatch(/No account has a running Duckling\.\nexit 0\n$/);
  }, 90_000);

  it("another token is refused (exit 2) with a hint naming MOTHERDUCK_TOKEN; an unknown user is exit 1", async () => {
    const member = await runCli(["emulator", "activate", "bob"], {
      ...env,
      MOTHERDUCK_TOKEN: env.MOTHERDUCK_MEMBER_TOKEN!,
    });
    expect(member.code).toBe(2);
    expect(member.stderr).toMatch(
      /^hint: the control API takes only the emulator's admin token: set MOTHERDUCK_TOKEN/m,
    );
    const unknown = await runCli(["emulator", "deactivate", "nobody_here"], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no user "nobody_here"/);
  }, 30_000);

  it("a base URL that is not the emulator's root says so, in the CLI's words", async () => {
    const result = await runCli(
      ["emulator", "activate", "alice", "--base-url", `${env.MOTHERDUCK_API_BASE_URL}/v1`],
      env,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^hint: the server has no emulator control API: --base-url \(or MOTHERDUCK_API_BASE_URL\)/m,
    );
  }, 30_000);
});

describe("emulator advance-time", () => {
  it("moves the clock so that a token of an hour is refused after 2h; a bad duration is a usage error", async () => {
    const created = await runCli(["tokens", "create", "alice", "--name", "short", "--ttl", "1h"], env);
    expect(created.code).toBe(0);
    const secret = created.stdout.trim();
    const before = await runCli(["tokens", "list", "alice"], { ...env, MOTHERDUCK_TOKEN: secret });
    expect(before.code).toBe(0);
    const advanced = await runCli(["emulator", "advance-time", "2h"], env);
    expect(advanced.code).toBe(0);
    expect(advanced.stderr).toMatch(/Moved the emulator's clock forward by 2h/);
    const after = await runCli(["tokens", "list", "alice"], { ...env, MOTHERDUCK_TOKEN: secret });
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/401/);
    const bad = await runCli(["emulator", "advance-time", "soon"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/<duration>: "soon" is not a duration/);
  }, 60_000);
});

describe("tokens create --description", () => {
  it("sends the description, which the answer and tokens list show", async () => {
    const args = ["tokens", "create", "alice", "--name", "described", "--no-expiry", "--description", "nightly etl"];
    const created = await runCli([...args, "--json"], env);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ name: "described", description: "nightly etl" });
    const listed = await runCli(["tokens", "list", "alice", "--json"], env);
    const tokens = JSON.parse(listed.stdout) as { name?: string; description?: string }[];
    expect(tokens.find((token) => token.name === "described")?.description).toBe("nightly etl");
  }, 30_000);
});
