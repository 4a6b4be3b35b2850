// The real CLI, spawned as a child process against a running emulator.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { createMotherDuckClient } from "../src/index.js";
import { CLI, runCli } from "./helpers/cli.js";
import { closedPort } from "./helpers/closed-port.js";
import { useEmulator } from "./helpers/emulator.js";
import { READ_SCALING, TOKEN_TYPES } from "./helpers/rules.js";

const emulator = useEmulator();
const admin = () => ({ MOTHERDUCK_TOKEN: emulator.adminToken, MOTHERDUCK_API_BASE_URL: emulator.url });
const member = () => ({ MOTHERDUCK_TOKEN: emulator.memberToken, MOTHERDUCK_API_BASE_URL: emulator.url });
const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;
let counter = 0;
const freshName = () => `cli_svc_${++counter}`;

describe("--help", () => {
  const commands = [
    [],
    ["tokens"],
    ["tokens", "create"],
    ["tokens", "list"],
    ["tokens", "delete"],
    ["tokens", "rotate"],
    ["users"],
    ["users", "create-service-account"],
    ["users", "delete"],
    ["emulator"],
  ];
  for (const command of commands) {
    it(`motherduck-rest ${[...command, "--help"].join(" ")}`, async () => {
      const result = await runCli([...command, "--help"]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(command.length > 1 ? `Usage: motherduck-rest ${command.join(" ")}` : /Usage/);
      expect(result.stderr).toBe("");
    });
  }

  it("names the spec's token types and ttl bounds", async () => {
    const { stdout } = await runCli(["tokens", "create", "--help"]);
    for (const type of TOKEN_TYPES) expect(stdout).toContain(type);
    expect(stdout).toContain("from 5m to 365d");
  });
});

describe("tokens create", () => {
  it("prints the secret alone on stdout, and the rest on stderr", async () => {
    const result = await runCli(["tokens", "create", "alice", "--name", "cli", "--ttl", "1h"], admin());
    expect(result.code).toBe(0);
    expect(result.stdout.endsWith("\n")).toBe(true);
    const secret = result.stdout.trimEnd();
    expect(secret).toMatch(JWT);
    expect(result.stdout).toBe(`${secret}\n`);
    expect(result.stderr).toMatch(/Created read_write token [0-9a-f-]{36} "cli" for alice/);
    expect(result.stderr).not.toContain(secret);
    // the printed secret is a working token
    await expect(
      createMotherDuckClient({ baseUrl: emulator.url, token: secret }).tokens.list("alice"),
    ).resolves.toBeInstanceOf(Array);
  });

  it("takes durations and prints the whole token with --json", async () => {
    const result = await runCli(["tokens", "create", "alice", "--name", "month", "--ttl", "30d", "--json"], admin());
    expect(result.code).toBe(0);
    const token = JSON.parse(result.stdout);
    expect(token.token).toMatch(JWT);
    expect(Date.parse(token.expire_at) - Date.parse(token.created_ts)).toBe(30 * 86_400_000);
  });

  it("--no-expiry makes a token that never expires", async () => {
    const result = await runCli(["tokens", "create", "alice", "--name", "forever", "--no-expiry", "--json"], admin());
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).expire_at).toBeUndefined();
    expect(result.stderr).toContain("expiring never");
  });

  const refusals: Array<[string, string[], RegExp]> = [
    ["neither --ttl nor --no-expiry", ["--name", "n"], /--ttl <duration>.*--no-expiry/],
    ["both --ttl and --no-expiry", ["--name", "n", "--ttl", "1h", "--no-expiry"], /not both/],
    ["no --name", ["--ttl", "1h"], /--name/],
    ["a ttl under the spec's minimum", ["--name", "n", "--ttl", "90s"], /outside the allowed range, 5m to 365d/],
    ["a ttl over the spec's maximum", ["--name", "n", "--ttl", "366d"], /outside the allowed range/],
    ["an unknown unit", ["--name", "n", "--ttl", "1w"], /not a duration/],
    [
      "an unknown token type",
      ["--name", "n", "--ttl", "1h", "--type", "superuser"],
      /--type must be read_write or read_scaling/,
    ],
    [
      "a token on the command line",
      ["--name", "n", "--ttl", "1h", "--token", "x"],
      /the token comes from the environment variable MOTHERDUCK_TOKEN/,
    ],
    ["a username the API cannot take", ["--name", "n", "--ttl", "1h"], /username/],
  ];
  for (const [label, args, message] of refusals) {
    it(`exits 2 with nothing sent for ${label}`, async () => {
      const username = label.startsWith("a username") ? ".." : "alice";
      const result = await runCli(["tokens", "create", username, ...args], admin());
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(message);
      expect(emulator.exchanges).toHaveLength(0);
    });
  }

  it("exits 2 when the scope rules refuse (an admin minting for member bob), with the explanation", async () => {
    const result = await runCli(["tokens", "create", "bob", "--name", "n", "--ttl", "1h"], admin());
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/403 FORBIDDEN.*rule S3/);
    expect(result.stderr).toMatch(/hint: .*S2.*S3/);
  });

  it("warns on stderr (S5) when a service account gets a read-scaling token before any read/write one", async () => {
    const svc = freshName();
    expect((await runCli(["users", "create-service-account", svc], admin())).code).toBe(0);
    const result = await runCli(
      ["tokens", "create", svc, "--name", "r", "--ttl", "1h", "--type", READ_SCALING],
      admin(),
    );
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd()).toMatch(JWT);
    expect(result.stderr).toMatch(/warning: .*S5/);
  });
});

describe("tokens list and delete", () => {
  it("lists as a table or JSON, never with secrets, and revokes", async () => {
    const svc = freshName();
    await runCli(["users", "create-service-account", svc], admin());
    const created = JSON.parse(
      (await runCli(["tokens", "create", svc, "--name", "etl", "--ttl", "1d", "--json"], admin())).stdout,
    );
    const table = await runCli(["tokens", "list", svc], admin());
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+NAME\s+TYPE\s+CREATED\s+EXPIRES\n/);
    expect(table.stdout).toContain(created.id);
    expect(table.stdout).not.toContain(created.token);
    const json = await runCli(["tokens", "list", svc, "--json"], admin());
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ id: created.id, name: "etl" })]);
    expect(json.stdout).not.toContain(created.token);

    const revoked = await runCli(["tokens", "delete", svc, created.id], admin());
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toBe("");
    expect(revoked.stderr).toContain(`Revoked token ${created.id}`);
    const again = await runCli(["tokens", "delete", svc, created.id], admin());
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/404 NOT_FOUND/);
  });

  it("exits 2 when a member lists someone else's tokens", async () => {
    const result = await runCli(["tokens", "list", "alice"], member());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/403/);
  });
});

describe("users", () => {
  it("delete asks for --yes, then deletes", async () => {
    const svc = freshName();
    await runCli(["users", "create-service-account", svc], admin());
    const unconfirmed = await runCli(["users", "delete", svc], admin());
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/--yes/);
    expect(emulator.exchanges.filter((e) => e.method === "DELETE")).toHaveLength(0);
    const confirmed = await runCli(["users", "delete", svc, "--yes"], admin());
    expect(confirmed.code).toBe(0);
    expect(confirmed.stderr).toContain(`Deleted user ${svc}`);
  });

  it("refuses a service-account name the spec forbids, with nothing sent", async () => {
    const result = await runCli(["users", "create-service-account", "9lives"], admin());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/must start with a letter/);
    expect(emulator.exchanges).toHaveLength(0);
  });
});

describe("failures of the environment", () => {
  it("exits 2 without a token, naming the variable", async () => {
    const result = await runCli(["tokens", "list", "alice"], { MOTHERDUCK_API_BASE_URL: emulator.url });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/MOTHERDUCK_TOKEN/);
  });

  it("exits 1 when the API cannot be reached", async () => {
    const port = await closedPort();
    const result = await runCli(["tokens", "list", "alice", "--base-url", `http://127.0.0.1:${port}`], {
      MOTHERDUCK_TOKEN: emulator.adminToken,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Could not reach the MotherDuck API at 127\.0\.0\.1:\d+: ECONNREFUSED/);
    expect(result.stderr).not.toContain(emulator.adminToken);
  });

  it("exits 1 on a 401, without echoing the token", async () => {
    const result = await runCli(["tokens", "list", "alice"], {
      MOTHERDUCK_TOKEN: "eyJx.eyJy.zzz",
      MOTHERDUCK_API_BASE_URL: emulator.url,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/401 UNAUTHORIZED/);
    expect(result.stderr).not.toContain("eyJx.eyJy.zzz");
  });
});

describe("motherduck-rest emulator", () => {
  it("prints its URL and seeded tokens, serves requests, and stops on SIGTERM", async () => {
    const child = spawn(CLI[0], [...CLI.slice(1), "emulator", "--port", "0"], {
      env: { PATH: process.env.PATH ?? "" },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 15_000,
    });
    let stdout = "";
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes("# bob")) resolve();
      });
      child.on("close", () => reject(new Error(`emulator exited early: ${stdout}`)));
    });
    const url = /MOTHERDUCK_API_BASE_URL=(\S+)/.exec(stdout)![1]!;
    const adminToken = /MOTHERDUCK_TOKEN=(\S+)/.exec(stdout)![1]!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const md = createMotherDuckClient({ baseUrl: url, token: adminToken });
    await expect(md.tokens.create("alice", { name: "via-cli-emulator" })).resolves.toMatchObject({
      name: "via-cli-emulator",
    });
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
