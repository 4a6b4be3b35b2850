// What the CLI prints from the library's errors speaks the CLI's words: flags and environment variables
// (--base-url, MOTHERDUCK_API_BASE_URL, MOTHERDUCK_TOKEN), never the library's option names (baseUrl, the token
// option). Each case is the real CLI as a child process against a real loopback server or a closed port.
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResponseShapeError, createMotherDuckClient } from "../src/index.js";
import { startEmulator } from "../src/emulator/index.js";
import type { Emulator } from "../src/emulator/index.js";
import { closedPort } from "./helpers/closed-port.js";
import { runCli } from "./helpers/cli.js";

const LIBRARY_WORDS = /\bbaseUrl\b|token option|the `?token`? option/;
let emulator: Emulator;
// A web server that answers every request 200 with a page: what a base URL pointing at a website reaches.
let website: Server;
let websiteUrl: string;
beforeAll(async () => {
  emulator = await startEmulator();
  website = createServer((_, response) => {
    response.writeHead(200, { "content-type": "text/html" }).end("<html><title>Welcome</title></html>");
  });
  await new Promise<void>((resolve) => website.listen(0, "127.0.0.1", resolve));
  websiteUrl = `http://127.0.0.1:${(website.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await emulator.close();
  await new Promise((resolve) => website.close(resolve));
});

describe("a base URL that answers 200 with a web page", () => {
  it("gives the library's ResponseShapeError a hint that the base URL is not the API's", async () => {
    const md = createMotherDuckClient({ token: "md-test-token-website-0123", baseUrl: websiteUrl, logger: {} });
    const error = await md.tokens.list("alice").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect((error as ResponseShapeError).hint).toMatch(/base URL is probably not the MotherDuck API's.*baseUrl/);
    expect((error as Error).message).toMatch(/\nHint: .*MOTHERDUCK_API_BASE_URL/);
  });
});

describe("hints in the CLI's words", () => {
  const cases: [string, () => Promise<{ args: string[]; env: Record<string, string> }>, RegExp][] = [
    [
      "a base URL with no API behind it (404 without a code)",
      async () => ({
        args: ["tokens", "list", "alice", "--base-url", `${emulator.url}/nowhere`],
        env: { MOTHERDUCK_TOKEN: emulator.adminToken },
      }),
      /^hint: .*check --base-url or MOTHERDUCK_API_BASE_URL/m,
    ],
    [
      "nothing listening at the base URL",
      async () => ({
        args: ["tokens", "list", "alice"],
        env: {
          MOTHERDUCK_TOKEN: emulator.adminToken,
          MOTHERDUCK_API_BASE_URL: `http://127.0.0.1:${await closedPort()}`,
        },
      }),
      /^hint: Check --base-url or MOTHERDUCK_API_BASE_URL/m,
    ],
    [
      "a base URL that answers 200 with a web page, not the API",
      async () => ({
        args: ["tokens", "list", "alice", "--base-url", websiteUrl],
        env: { MOTHERDUCK_TOKEN: emulator.adminToken },
      }),
      /^hint: .*--base-url \(or MOTHERDUCK_API_BASE_URL\) is probably not the MotherDuck API's/m,
    ],
    [
      "a refused token",
      async () => ({
        args: ["tokens", "list", "alice"],
        env: { MOTHERDUCK_TOKEN: "not-a-token-of-this-emulator", MOTHERDUCK_API_BASE_URL: emulator.url },
      }),
      /^hint: The token in MOTHERDUCK_TOKEN was refused/m,
    ],
    [
      "no token at all",
      async () => ({ args: ["tokens", "list", "alice"], env: { MOTHERDUCK_API_BASE_URL: emulator.url } }),
      /MOTHERDUCK_TOKEN/,
    ],
    [
      "a plain-http base URL that is not loopback",
      async () => ({
        args: ["tokens", "list", "alice", "--base-url", "http://api.example.com"],
        env: { MOTHERDUCK_TOKEN: emulator.adminToken },
      }),
      /^error: --base-url \(or MOTHERDUCK_API_BASE_URL\) must use https/m,
    ],
  ];
  for (const [name, setup, expected] of cases) {
    it(
      name,
      async () => {
        const { args, env } = await setup();
        const result = await runCli(args, env);
        expect(result.code).not.toBe(0);
        expect(result.stderr).toMatch(expected);
        expect(result.stderr).not.toMatch(LIBRARY_WORDS);
      },
      20_000,
    );
  }
});
