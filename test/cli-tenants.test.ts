// `tenants plan|apply|remove` run as child processes against the emulator: plan lines, apply and apply again,
// a failing tenant, refused files with nothing sent, the secrets folder's modes, and no secret on stdout or
// stderr. The terminal's live line is checked in-process, with a stderr that says it is a terminal.
import { execFileSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { rm } from "node:fs/promises";
import { createMotherDuckClient } from "../src/index.js";
import { runCli as runCliInProcess } from "../src/cli/main.js";
import { fileSecretStore } from "../src/tenants/index.js";
import { runCli } from "./helpers/cli.js";
import { useEmulator } from "./helpers/emulator.js";

// Each test runs the CLI up to six times as a child process; on a machine shared with other work that can take
// longer than the default per-test bound.
vi.setConfig({ testTimeout: 90_000 });

const emulator = useEmulator();
const admin = () => ({ MOTHERDUCK_TOKEN: emulator.adminToken, MOTHERDUCK_API_BASE_URL: emulator.url });
const md = () => createMotherDuckClient({ baseUrl: emulator.url, token: emulator.adminToken });
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;
const STACK_TRACE = /^\s+at /m;
const folders: string[] = [];
afterAll(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

let counter = 0;
/** A fresh folder holding a tenants file with `text` (YAML unless the name says .json), and a secrets folder in it. */
async function setUp(text: string, fileName = "tenants.yaml") {
  const folder = await mkdtemp(join(tmpdir(), "cli-tenants-"));
  folders.push(folder);
  const file = join(folder, fileName);
  await writeFile(file, text);
  return { file, secrets: join(folder, "secrets") };
}
/** A prefix no other test uses, so that every test meets fresh accounts. */
const fresh = () => `t${++counter}_${process.pid}`;
const methods = () => emulator.exchanges.map((exchange) => exchange.method);

function twoTenants(prefix: string): string {
  return `tenants:
  - serviceAccount: ${prefix}_acme
    ducklings: { read_write: { instance_size: standard } }
    tokens:
      app: { token_type: read_write, ttl: 30d }
      dashboard: { token_type: read_scaling }
  - serviceAccount: ${prefix}_beta
    tokens:
      app: { ttl: 3600 }
`;
}

describe("tenants plan", () => {
  it("prints one + line per change for new tenants, changes nothing, and sends only reads", async () => {
    const p = fresh();
    const { file } = await setUp(twoTenants(p));
    const result = await runCli(["tenants", "plan", "-f", file], admin());
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^\\+ ${p}_acme: create service account`)),
        expect.stringMatching(new RegExp(`^~ ${p}_acme: set Ducklings`)),
        expect.stringMatching(new RegExp(`^\\+ ${p}_acme/app: mint token`)),
        expect.stringMatching(new RegExp(`^\\+ ${p}_acme/dashboard: mint token`)),
        expect.stringMatching(new RegExp(`^\\+ ${p}_beta: create service account`)),
        expect.stringMatching(new RegExp(`^\\+ ${p}_beta/app: mint token`)),
      ]),
    );
    expect(lines.every((text) => /^[+~-] /.test(text))).toBe(true);
    expect(result.stderr).toMatch(
      /^2 tenants: 2 to change \(\d+ changes\), 0 already as declared\. Nothing was changed\./m,
    );
    expect(new Set(methods())).toEqual(new Set(["GET"]));
    const accounts = (await md().users.list({ is_service_account: true })).map((user) => user.username);
    expect(accounts).not.toContain(`${p}_acme`);
  });
});

describe("tenants apply with a secrets folder anyone may write to", () => {
  it("fails every tenant, says why, and does not claim the folder keeps the secrets", async () => {
    const p = fresh();
    const { file, secrets } = await setUp(twoTenants(p));
    await mkdir(secrets, { mode: 0o700 });
    await chmod(secrets, 0o777);
    const result = await runCli(["tenants", "apply", "-f", file, "--secrets-dir", secrets], admin());
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/^2 tenants: .*2 failed/m);
    expect(result.stderr).toMatch(/may be written by any user/);
    expect(result.stderr).not.toMatch(/readable by you alone/);
    expect(result.stderr).not.toMatch(STACK_TRACE);
  });
});

describe("tenants plan after a change to the file", () => {
  it("prints ~ for a token to replace and - for a name dropped, with --secrets-dir, and sends only reads", async () => {
    const p = fresh();
    const { file, secrets } = await setUp(twoTenants(p));
    expect((await runCli(["tenants", "apply", "-f", file, "--secrets-dir", secrets], admin())).code).toBe(0);
    await writeFile(
      file,
      `tenants:\n  - serviceAccount: ${p}_acme\n    tokens:\n      app: { token_type: read_scaling, ttl: 30d }\n`,
    );
    emulator.exchanges.length = 0;
    const result = await runCli(["tenants", "plan", "-f", file, "--secrets-dir", secrets], admin());
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^~ ${p}_acme/app: replace token \\(.+\\)$`, "m"));
    expect(result.stdout).toMatch(new RegExp(`^- ${p}_acme/dashboard: revoke token \\(.+\\)$`, "m"));
    expect(result.stdout).not.toMatch(new RegExp(`${p}_beta`)); // not in the file: left alone
    expect(result.stderr).toMatch(
      /^1 tenant: 1 to change \(2 changes\), 0 already as declared\. Nothing was changed\.$/m,
    );
    expect(new Set(methods())).toEqual(new Set(["GET"]));
  });
});

describe("tenants apply", () => {
  it("converges, keeps secrets in 0600 files in 0700 folders and nowhere else; a second apply is unchanged and reads only", async () => {
    const p = fresh();
    const { file, secrets } = await setUp(twoTenants(p));
    const first = await runCli(["tenants", "apply", "-f", file, "--secrets-dir", secrets], admin());
    expect(first.stderr).not.toMatch(STACK_TRACE);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe("");
    // one line per finished tenant (stderr is not a terminal here), then the summary
    expect(first.stderr).toMatch(new RegExp(`^${p}_acme: created \\(\\d+ changes\\)$`, "m"));
    expect(first.stderr).toMatch(new RegExp(`^${p}_beta: created \\(\\d+ changes\\)$`, "m"));
    expect(first.stderr).toMatch(/^2 tenants: 2 created\. Secrets are kept in .*, readable by you alone\.$/m);
    expect(first.stderr).not.toMatch(JWT);
    expect(first.stderr).not.toMatch(/[\r\x1b]/); // a pipe gets whole lines, never the terminal's live line

    // the secrets: one file per token, 0600, in folders of 0700, each matching the live token of its name
    expect((await stat(secrets)).mode & 0o777).toBe(0o700);
    expect(await readdir(secrets)).toEqual(expect.arrayContaining([`${p}_acme`, `${p}_beta`]));
    expect((await stat(join(secrets, `${p}_acme`))).mode & 0o777).toBe(0o700);
    expect((await readdir(join(secrets, `${p}_acme`))).sort()).toEqual(["app.json", "dashboard.json"]);
    for (const name of ["app", "dashboard"]) {
      expect((await stat(join(secrets, `${p}_acme`, `${name}.json`))).mode & 0o777).toBe(0o600);
    }
    const store = fileSecretStore(secrets);
    const stored = await store.get(`${p}_acme/app`);
    expect(stored?.token).toMatch(JWT);
    const live = await md().tokens.list(`${p}_acme`);
    expect(live.filter((token) => token.name === "app").map((token) => token.id)).toEqual([stored!.id]);

    emulator.exchanges.length = 0;
    const again = await runCli(["tenants", "apply", "-f", file, "--secrets-dir", secrets, "--json"], admin());
    expect(again.code).toBe(0);
    const report = JSON.parse(again.stdout) as {
      tenants: { serviceAccount: string; outcome: string }[];
      failed: number;
    };
    expect(report.failed).toBe(0);
    expect(report.tenants.map((tenant) => [tenant.serviceAccount, tenant.outcome])).toEqual([
      [`${p}_acme`, "unchanged"],
      [`${p}_beta`, "unchanged"],
    ]);
    expect(again.stdout).not.toMatch(JWT);
    expect(again.stderr).toMatch(/^2 tenants: 2 unchanged\./m);
    expect(new Set(methods())).toEqual(new Set(["GET"]));
    expect((await store.get(`${p}_acme/app`))?.id).toBe(stored!.id);
  });

  it("a person's username fails that tenant alone: exit 1, the others converged, nothing minted for the person", async () => {
    const p = fresh();
    const { file, secrets } = await setUp(`tenants:
  - serviceAccount: ${p}_ok
    tokens: { app: { ttl: 1h } }
  - serviceAccount: bob
    tokens: { app: { ttl: 1h } }
`);
    const bobsTokens = (await md().tokens.list("alice")).length;
    const result = await runCli(["tenants", "apply", "-f", file, "--secrets-dir", secrets], admin());
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^bob: failed: .*bob/m);
    expect(result.stderr).toMatch(new RegExp(`^${p}_ok: created`, "m"));
    expect(result.stderr).toMatch(/^2 tenants: 1 created, 1 failed\. Each failed tenant says why above/m);
    expect(emulator.exchanges.filter((e) => e.method === "POST" && e.pathParams.username === "bob")).toEqual([]);
    expect((await md().tokens.list("alice")).length).toBe(bobsTokens);
    expect(await readdir(secrets)).toEqual([`${p}_ok`]);
  });

  it("a corrupt secrets file fails its tenant alone, named, and is left for a person to look at", async () => {
    const p = fresh();
    const { file, secrets } = await setUp(
      `tenants:\n  - serviceAccount: ${p}_one\n    tokens: { app: { ttl: 1h } }\n  - serviceAccount: ${p}_two\n    tokens: { app: { ttl: 1h } }\n`,
    );
    expect((await runCli(["tenants", "apply", "-f", file, "--secrets-dir", secrets], admin())).code).toBe(0);
    const corrupt = join(secrets, `${p}_one`, "app.json");
    await writeFile(corrupt, "{ half a secret");
    const result = await runCli(["tenants", "apply", "-f", file, "--secrets-dir", secrets], admin());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^${p}_one: failed: .*${corrupt.replaceAll(/[/.]/g, "\\$&")}`, "m"));
    expect(result.stderr).toMatch(new RegExp(`^${p}_two: unchanged$`, "m"));
    expect(await readFile(corrupt, "utf8")).toBe("{ half a secret");
  });

  it("shows a live line on a terminal and keeps a failed tenant's line above it", async () => {
    const p = fresh();
    const { file, secrets } = await setUp(
      `tenants:\n  - serviceAccount: ${p}_one\n  - serviceAccount: bob\n  - serviceAccount: ${p}_two\n`,
    );
    let stderr = "";
    let stdout = "";
    vi.stubEnv("MOTHERDUCK_TOKEN", emulator.adminToken);
    const code = await runCliInProcess(
      ["tenants", "apply", "-f", file, "--secrets-dir", secrets, "--base-url", emulator.url],
      {
        stdout: (text) => void (stdout += text),
        stderr: (text) => void (stderr += text),
        stderrIsTerminal: () => true,
      },
    ).finally(() => vi.unstubAllEnvs());
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/\r\x1b\[2K\d\/3 tenants done/);
    expect(stderr).toMatch(/(^|\r\x1b\[2K)bob: failed: [^\r]*\n/);
    // a whole line written while the live line shows starts by erasing it, and the live line is drawn again after
    for (const written of stderr.split("\n").slice(1, -1)) {
      expect(written).toMatch(/^\d\/3 tenants done[^\r]*(\r\x1b\[2K[^\r]*)*$|^\r\x1b\[2K/);
    }
    expect(stderr).toMatch(/\r\x1b\[2K3 tenants: 2 created, 1 failed\./);
    // the one-line-per-tenant form is for logs only
    expect(stderr).not.toMatch(new RegExp(`^${p}_one: created`, "m"));
  }, 30_000);
});

describe("tenants files the CLI refuses: exit 2, a message naming tenant and field, nothing sent", () => {
  const cases: [string, string, RegExp][] = [
    [
      "a typo'd key",
      `tenants:\n  - serviceAccount: t_typo\n    tokns: { app: { ttl: 1h } }\n`,
      /tenants\[0\] \(t_typo\)\.tokns: is not a field .*did you mean "?tokens/,
    ],
    [
      "a duration it cannot read",
      `tenants:\n  - serviceAccount: t_ok\n  - serviceAccount: t_acme\n    tokens: { app: { ttl: 3x } }\n`,
      /^error: tenants\[1\] \(t_acme\)\.tokens\.app\.ttl: "3x" is not a duration/m,
    ],
    ["YAML that does not parse", `tenants: [\n`, /is not valid YAML: .*line \d+/],
    ["a top level without tenants", `tenant: []\n`, /tenant: is not a key of a tenants file.*did you mean "tenants"/],
    [
      "an account named twice",
      `tenants:\n  - serviceAccount: t_twice\n  - serviceAccount: t_twice\n`,
      /tenants\[1\] \(t_twice\).*twice|named .*tenants\[0\]/,
    ],
    ["a username with a slash", `tenants:\n  - serviceAccount: t/slash\n`, /tenants\[0\] \(t\/slash\)\.serviceAccount/],
    [
      "a size that does not exist",
      `tenants:\n  - serviceAccount: t_size\n    ducklings: { read_write: { instance_size: huge } }\n`,
      /tenants\[0\] \(t_size\)\.ducklings\.read_write\.instance_size/,
    ],
  ];
  for (const [what, text, message] of cases) {
    it(what, async () => {
      const { file, secrets } = await setUp(text);
      const result = await runCli(["tenants", "apply", "-f", file, "--secrets-dir", secrets], admin());
      expect(result.stderr).not.toMatch(STACK_TRACE);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toMatch(/Nothing was sent\.\n$/);
      expect(result.stdout).toBe("");
      expect(emulator.exchanges).toEqual([]);
      await expect(stat(secrets)).rejects.toThrow(/ENOENT/);
    });
  }

  it("only a regular file is read: a FIFO is refused at once (no wait for a writer), and so is a device", async () => {
    const { file } = await setUp("");
    const fifo = `${file}.fifo`;
    execFileSync("mkfifo", [fifo]);
    for (const path of [fifo, "/dev/zero"]) {
      const result = await runCli(["tenants", "plan", "-f", path], admin(), 10_000);
      expect(result.code, path).toBe(2);
      expect(result.stderr).toBe(`error: ${path}: is not a regular file\nNothing was sent.\n`);
    }
    expect(emulator.exchanges).toEqual([]);
  });

  it("no token: the CLI's usual words about MOTHERDUCK_TOKEN, not the library's option name", async () => {
    const { file, secrets } = await setUp(`tenants:\n  - serviceAccount: t_token\n`);
    for (const command of ["plan", "apply"]) {
      const result = await runCli(["tenants", command, "-f", file, "--secrets-dir", secrets], {
        MOTHERDUCK_API_BASE_URL: emulator.url,
      });
      expect(result.code, command).toBe(2);
      expect(result.stderr).toMatch(/^error: no MotherDuck token: set the environment variable MOTHERDUCK_TOKEN/);
      expect(result.stderr).not.toMatch(/token option/);
    }
    expect(emulator.exchanges).toEqual([]);
  });

  it("--concurrency outside the library's bounds is named as the flag", async () => {
    const { file, secrets } = await setUp(`tenants:\n  - serviceAccount: t_pace\n`);
    const result = await runCli(
      ["tenants", "apply", "-f", file, "--secrets-dir", secrets, "--concurrency", "0"],
      admin(),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: --concurrency: must be a whole number from 1 to \d+\nNothing was sent\.\n$/);
    expect(emulator.exchanges).toEqual([]);
  });

  it("a JSON file is read as JSON, and a file that is not there is named", async () => {
    const { file, secrets } = await setUp(
      `{"tenants": [{"serviceAccount": "t_json", "tokens": {"app": {"ttl": "2x"}}}]}`,
      "t.json",
    );
    const bad = await runCli(["tenants", "plan", "-f", file, "--secrets-dir", secrets], admin());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: tenants\[0\] \(t_json\)\.tokens\.app\.ttl: "2x" is not a duration/m);
    const missing = await runCli(["tenants", "plan", "-f", `${file}.gone`], admin());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: .*t\.json\.gone: does not exist\nNothing was sent\.\n$/);
    expect(emulator.exchanges).toEqual([]);
  });
});

describe("tenants remove", () => {
  it("says that it deletes all the data and needs --yes; with it, removes account and secrets; again, unchanged", async () => {
    const p = fresh();
    const { file, secrets } = await setUp(
      `tenants:\n  - serviceAccount: ${p}_gone\n    tokens: { app: { ttl: 1h } }\n`,
    );
    expect((await runCli(["tenants", "apply", "-f", file, "--secrets-dir", secrets], admin())).code).toBe(0);
    emulator.exchanges.length = 0;

    const badName = await runCli(["tenants", "remove", `${p}_gone`, "a/b", "--secrets-dir", secrets, "--yes"], admin());
    expect(badName.code).toBe(2);
    expect(badName.stderr).toMatch(/^error: <service-account> "a\/b": .*\nNothing was sent\.\n$/);

    const help = await runCli(["tenants", "remove", "--help"]);
    expect(help.stdout).toMatch(/Permanently deletes each service account AND ALL ITS DATA/);

    const unconfirmed = await runCli(["tenants", "remove", `${p}_gone`, "--secrets-dir", secrets], admin());
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/permanently deletes .*all its data.*Confirm with --yes/);
    expect(emulator.exchanges).toEqual([]);

    const removed = await runCli(
      ["tenants", "remove", `${p}_gone`, "--secrets-dir", secrets, "--yes", "--json"],
      admin(),
    );
    expect(removed.code).toBe(0);
    expect(JSON.parse(removed.stdout)).toEqual({
      tenants: [expect.objectContaining({ serviceAccount: `${p}_gone`, outcome: "removed" })],
      failed: 0,
    });
    expect((await md().users.list({ is_service_account: true })).map((u) => u.username)).not.toContain(`${p}_gone`);
    expect(await fileSecretStore(secrets).keys(`${p}_gone/`)).toEqual([]);

    const again = await runCli(["tenants", "remove", `${p}_gone`, "--secrets-dir", secrets, "--yes"], admin());
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/^1 tenant: 1 unchanged\./m);
  });

  it("removes the account a username in another case names, reports its exact username, and exits 0", async () => {
    const p = fresh();
    const { file, secrets } = await setUp(`tenants:\n  - serviceAccount: ${p}_k00\n    tokens: { app: {} }\n`);
    expect((await runCli(["tenants", "apply", "-f", file, "--secrets-dir", secrets], admin())).code).toBe(0);
    const upper = `${p}_K00`.toUpperCase();
    const removed = await runCli(["tenants", "remove", upper, "--secrets-dir", secrets, "--yes", "--json"], admin());
    expect(removed.code).toBe(0);
    expect(JSON.parse(removed.stdout)).toEqual({
      tenants: [expect.objectContaining({ serviceAccount: `${p}_k00`, outcome: "removed" })],
      failed: 0,
    });
    expect((await md().users.list()).map((u) => u.username.toLowerCase())).not.toContain(`${p}_k00`);
    expect(await fileSecretStore(secrets).keys(`${p}_k00/`)).toEqual([]);
  });
});
