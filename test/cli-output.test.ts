// What the CLI prints, run as a child process against the emulator: server strings cannot drive the terminal,
// every command with an answer has --json, help and --version work, and mistakes are answered in the CLI's words.
import { describe, expect, it } from "vitest";
import { createMotherDuckClient } from "../src/index.js";
import { VERSION } from "../src/generated/version.js";
import { runCli } from "./helpers/cli.js";
import { useEmulator } from "./helpers/emulator.js";

const emulator = useEmulator();
const admin = () => ({ MOTHERDUCK_TOKEN: emulator.adminToken, MOTHERDUCK_API_BASE_URL: emulator.url });
const md = () => createMotherDuckClient({ baseUrl: emulator.url, token: emulator.adminToken });
// Anything a terminal acts on: C0 but the newline that ends a line, DEL, and C1.
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
const STACK_TRACE = /^\s+at /m;
let counter = 0;
const freshName = () => `cli_out_${++counter}`;

describe("server strings are escaped before they reach the terminal", () => {
  const hostile = "ok\u001b[2K\r\u001b[31mFAKE-ROW\u001b]0;pwned\u0007\n\tcsi\u009b2Jdel\u007f";

  it("tokens list: the hostile name is one escaped cell on its own row", async () => {
    const svc = freshName();
    await md().users.createServiceAccount(svc);
    const made = await md().tokens.create(svc, { name: hostile, ttl: 3600 });
    const result = await runCli(["tokens", "list", svc], admin());
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(RAW_CONTROL);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(
      `${made.id}  ok\\e[2K\\r\\e[31mFAKE-ROW\\e]0;pwned\\x07\\n\\tcsi\\u009b2Jdel\\x7f  read_write`,
    );
  });

  it("--json: valid JSON that parses back to the same name, with DEL and C1 written as \\u escapes", async () => {
    const svc = freshName();
    await md().users.createServiceAccount(svc);
    await md().tokens.create(svc, { name: hostile, ttl: 3600 });
    const result = await runCli(["tokens", "list", svc, "--json"], admin());
    expect(result.stdout).not.toMatch(RAW_CONTROL);
    expect(result.stdout).toContain("\\u009b");
    expect(JSON.parse(result.stdout)[0].name).toBe(hostile);
  });

  it("messages echo the name and the username escaped (tokens create)", async () => {
    const result = await runCli(["tokens", "create", "alice", "--name", hostile, "--ttl", "1h"], admin());
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(RAW_CONTROL);
    expect(result.stderr).toContain('"ok\\e[2K\\r\\e[31mFAKE-ROW');
    expect(result.stdout).toMatch(/^[\x21-\x7e]+\n$/);
  });

  it("error messages that quote input are escaped too", async () => {
    const result = await runCli(["tokens", "list", "mallory\u001b]0;pwned\u0007"], admin());
    expect(result.code).not.toBe(0);
    expect(result.stderr).not.toMatch(RAW_CONTROL);
    const typo = await runCli(
      ["tokens", "create", "alice", "--name", "n", "--ttl", "1h", "--type", "x\u001b[31m"],
      admin(),
    );
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('not "x\\e[31m"');
  });
});

describe("--json on every command that has an answer", () => {
  it("users create-service-account, tokens delete, users delete", async () => {
    const svc = freshName();
    const created = await runCli(["users", "create-service-account", svc, "--json"], admin());
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toEqual({ username: svc });
    const token = await md().tokens.create(svc, { name: "t", ttl: 3600 });
    const revoked = await runCli(["tokens", "delete", svc, token.id, "--json"], admin());
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout)).toEqual({ revoked: token.id, username: svc });
    const deleted = await runCli(["users", "delete", svc, "--yes", "--json"], admin());
    expect(deleted.code).toBe(0);
    expect(JSON.parse(deleted.stdout)).toMatchObject({ username: svc });
  });
});

describe("help and --version", () => {
  for (const flag of ["--version", "-v"]) {
    it(`${flag} prints the version`, async () => {
      const result = await runCli([flag]);
      expect(result).toEqual({ code: 0, stdout: `motherduck-rest ${VERSION}\n`, stderr: "" });
    });
  }

  it("help, help <group> and help <command> print the same pages as --help", async () => {
    for (const topic of [[], ["tokens"], ["tokens", "create"], ["tokens", "rotate"], ["emulator"]]) {
      const viaHelp = await runCli(["help", ...topic]);
      expect(viaHelp.code).toBe(0);
      expect(viaHelp.stdout).toBe((await runCli([...topic, "--help"])).stdout);
    }
    expect((await runCli(["help"])).stdout).toMatch(/tokens rotate <username> <token-id>/);
  });

  it("help for an unknown topic suggests the closest", async () => {
    const result = await runCli(["help", "tokens", "rotat"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command "tokens rotat" \(did you mean "tokens rotate"\?\)/);
  });
});

describe("mistakes get answers in the CLI's own words", () => {
  const cases: Array<[string, string[], RegExp]> = [
    ["an unknown flag", ["tokens", "list", "alice", "--bogus"], /^error: unknown flag --bogus\n/],
    [
      "a misspelt flag",
      ["tokens", "create", "alice", "--nmae", "x"],
      /unknown flag --nmae \(did you mean "--name"\?\)/,
    ],
    ["a flag without its value", ["tokens", "create", "alice", "--ttl", "1h", "--name"], /--name needs a value/],
    ["a flag followed by another", ["tokens", "create", "alice", "--name", "--ttl", "1h"], /--name needs a value/],
    ["a value for a switch", ["tokens", "list", "alice", "--json=yes"], /--json takes no value/],
    [
      "--token",
      ["tokens", "list", "alice", "--token", "x"],
      /no --token flag: the token comes from the environment variable MOTHERDUCK_TOKEN/,
    ],
    ["a mistyped group", ["tokns", "list", "alice"], /unknown command "tokns" \(did you mean "tokens list"\?\)/],
    [
      "a mistyped command",
      ["tokens", "creat", "alice"],
      /unknown command "tokens creat" \(did you mean "tokens create"\?\)/,
    ],
    ["a word far from any command", ["frobnicate"], /unknown command "frobnicate"\n/],
    [
      "an unknown --type",
      ["tokens", "create", "alice", "--name", "n", "--ttl", "1h", "--type", "admin"],
      /--type must be read_write or read_scaling, not "admin"/,
    ],
    [
      "a name over the spec's length",
      ["tokens", "create", "alice", "--name", "n".repeat(300), "--ttl", "1h"],
      /^error: --name must be at most 255 characters long$/m,
    ],
    ["a username the API cannot take", ["tokens", "list", ".."], /^error: <username> must not be "\.\."/m],
    [
      "a bad service-account name",
      ["users", "create-service-account", "9lives"],
      /^error: <username> must start with a letter$/m,
    ],
  ];
  for (const [label, args, message] of cases) {
    it(`${label}: exit 2, nothing sent, no parseArgs text, no body field names`, async () => {
      const result = await runCli(args, admin());
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/Unknown option|ERR_PARSE_ARGS|To specify a positional|body\.|token_type/);
      expect(result.stderr).not.toMatch(STACK_TRACE);
      expect(emulator.exchanges).toEqual([]);
    });
  }

  it("a missing token says to set MOTHERDUCK_TOKEN, never 'the token option'", async () => {
    const result = await runCli(["tokens", "list", "alice"], { MOTHERDUCK_API_BASE_URL: emulator.url });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no MotherDuck token: set the environment variable MOTHERDUCK_TOKEN/);
    expect(result.stderr).not.toMatch(/token option/);
  });

  it("a refused token's hint speaks of MOTHERDUCK_TOKEN, not of an option", async () => {
    const result = await runCli(["tokens", "list", "alice"], {
      MOTHERDUCK_TOKEN: "eyJx.eyJy.zzz",
      MOTHERDUCK_API_BASE_URL: emulator.url,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/hint: The token in MOTHERDUCK_TOKEN was refused/);
    expect(result.stderr).not.toMatch(/token option/);
  });
});
