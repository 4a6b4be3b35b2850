// The new CLI commands end to end, as child processes against the emulator: what they print is what the emulator
// holds, a change from `ducklings set` is there for `ducklings get`, and an embed session printed on stdout is
// the one the emulator minted.
import { describe, expect, it } from "vitest";
import { createMotherDuckClient } from "../src/index.js";
import { enums } from "../src/generated/enums.js";
import { runCli } from "./helpers/cli.js";
import { useEmulator } from "./helpers/emulator.js";

const { pulse: PULSE, jumbo: JUMBO } = enums.instance_size;
const { read_write: READ_WRITE, read_scaling: READ_SCALING } = enums.token_type;
const DIVE = "0b7a7c62-4d1e-4f3a-9c55-2f6e8d9a1b3c";
const emulator = useEmulator();
const admin = () => ({ MOTHERDUCK_TOKEN: emulator.adminToken, MOTHERDUCK_API_BASE_URL: emulator.url });
const md = () => createMotherDuckClient({ baseUrl: emulator.url, token: emulator.adminToken });
let counter = 0;
/** A new service account of acme; the exchanges that made it are forgotten, so a test sees only the CLI's. */
const serviceAccount = async () => {
  const { username } = await md().users.createServiceAccount(`cli_ops_${++counter}`);
  emulator.exchanges.length = 0;
  return username;
};

describe("users list", () => {
  it("--service-accounts lists the service accounts, as the library does; --humans lists the people", async () => {
    const svc = await serviceAccount();
    const accounts = await runCli(["users", "list", "--service-accounts", "--json"], admin());
    expect(accounts.code).toBe(0);
    const listed = JSON.parse(accounts.stdout);
    expect(listed).toEqual(await md().users.list({ is_service_account: true }));
    expect(listed.map((user: { username: string }) => user.username)).toContain(svc);

    const humans = await runCli(["users", "list", "--humans"], admin());
    expect(humans.code).toBe(0);
    const rows = humans.stdout.trimEnd().split("\n");
    expect(rows[0]).toMatch(/^USERNAME +TYPE +ID +ROLES +DEPROVISIONED$/);
    expect(rows.slice(1).every((row) => / human /.test(row))).toBe(true);
    expect(humans.stdout).toMatch(/^alice +human /m);
    expect(humans.stdout).not.toContain(svc);
  });
});

describe("ducklings get and set", () => {
  it("set changes only the fields of its flags; get then shows what the emulator holds", async () => {
    const svc = await serviceAccount();
    const before = await md().ducklings.get(svc);
    const set = await runCli(
      ["ducklings", "set", svc, "--size", JUMBO, "--cooldown", "15m", "--flock-size", "3"],
      admin(),
    );
    expect(set.code).toBe(0);
    const after = await md().ducklings.get(svc);
    expect(after[READ_WRITE]).toMatchObject({ instance_size: JUMBO, cooldown_seconds: 900 });
    expect(after[READ_SCALING]).toMatchObject({ ...before[READ_SCALING], flock_size: 3 });

    const get = await runCli(["ducklings", "get", svc], admin());
    expect(get.code).toBe(0);
    expect(get.stdout).toMatch(new RegExp(`^${READ_WRITE} +${JUMBO} +15m$`, "m"));
    expect(set.stdout).toBe(get.stdout);
    expect(JSON.parse((await runCli(["ducklings", "get", svc, "--json"], admin())).stdout)).toEqual(after);
  });

  it("--size pulse drops the cooldown; --cooldown on that pulse Duckling is refused in flag words, nothing written", async () => {
    const svc = await serviceAccount();
    await md().ducklings.update(svc, { [READ_WRITE]: { cooldown_seconds: 600 } });
    const toPulse = await runCli(["ducklings", "set", svc, "--size", PULSE, "--json"], admin());
    expect(toPulse.code).toBe(0);
    expect((await md().ducklings.get(svc))[READ_WRITE]).toEqual({ instance_size: PULSE });

    emulator.exchanges.length = 0;
    const refused = await runCli(["ducklings", "set", svc, "--cooldown", "5m"], admin());
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: --cooldown cannot be set: the read_write Duckling of .* is pulse/m);
    expect(emulator.exchanges.map((e) => e.method)).toEqual(["GET"]);
  });
});

describe("accounts active", () => {
  it("one row per running Duckling of each activated user", async () => {
    const svc = await serviceAccount();
    emulator.activate(svc, [
      { id: "rw", type: READ_WRITE, status: "active" },
      { id: "rs.0", type: READ_SCALING, status: "cooldown" },
    ]);
    const result = await runCli(["accounts", "active"], admin());
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${svc} +rw +${READ_WRITE} +active$`, "m"));
    expect(result.stdout).toMatch(new RegExp(`^${svc} +rs\\.0 +${READ_SCALING} +cooldown$`, "m"));
    expect(result.stderr).toMatch(/preview endpoint/);
    const json = await runCli(["accounts", "active", "--json"], admin());
    expect(JSON.parse(json.stdout)).toEqual(await md().accounts.listActive());
  });
});

describe("dives embed-session", () => {
  it("stdout holds exactly the session the emulator minted, for that service account and Dive", async () => {
    const svc = await serviceAccount();
    const result = await runCli(["dives", "embed-session", DIVE, "--username", svc, "--session-name", "c42"], admin());
    expect(result.code).toBe(0);
    const minted = emulator.embedSessions().at(-1)!;
    expect(minted).toMatchObject({ diveId: DIVE, username: svc, sessionName: "c42" });
    expect(result.stdout).toBe(`${minted.session}\n`);
    expect(result.stderr).not.toContain(minted.session);
  });

  it("--json delivers { session }; a user who is not a service account is the API's refusal, exit 2", async () => {
    const svc = await serviceAccount();
    const json = await runCli(["dives", "embed-session", DIVE, "--username", svc, "--json"], admin());
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ session: emulator.embedSessions().at(-1)!.session });

    const human = await runCli(["dives", "embed-session", DIVE, "--username", "alice"], admin());
    expect(human.code).toBe(2);
    expect(human.stdout).toBe("");
    expect(human.stderr).toMatch(/not a service account/);
  });

  it(">&-: nothing is minted; | true: minted, reported as not delivered and lapsing within 24 hours", async () => {
    const svc = await serviceAccount();
    const minted = emulator.embedSessions().length;
    const closed = await runCli(["dives", "embed-session", DIVE, "--username", svc], admin(), 15_000, "closed");
    expect(closed.code).toBe(2);
    expect(emulator.embedSessions()).toHaveLength(minted);

    const gone = await runCli(["dives", "embed-session", DIVE, "--username", svc], admin(), 15_000, "reader-gone");
    expect(gone.code).toBe(1);
    expect(emulator.embedSessions()).toHaveLength(minted + 1);
    expect(gone.stderr).toMatch(/could not be written to stdout \(EPIPE\), so it was not delivered/);
    expect(gone.stderr).toMatch(/cannot revoke an embed session: it expires within 24 hours/);
    expect(gone.stderr).not.toContain(emulator.embedSessions().at(-1)!.session);
  });
});
