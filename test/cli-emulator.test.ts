// `motherduck-rest emulator` as a child process: its stdout is a script a shell can source, status lines go
// to stderr, and a taken port is a plain error with a hint.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createMotherDuckClient } from "../src/index.js";
import { runCli, startEmulatorCommand } from "./helpers/cli.js";

const exec = promisify(execFile);

describe("motherduck-rest emulator", () => {
  it("prints only export lines and # comments, which bash sources into working variables", async () => {
    const emulator = await startEmulatorCommand();
    try {
      for (const line of emulator.stdout.trimEnd().split("\n")) expect(line).toMatch(/^(export [A-Z_]+=\S+|#.*)$/);
      // Node's stdin pipes are sockets, which /dev/stdin cannot reopen; a here-string is a real file or pipe.
      const { stdout: sourced } = await exec(
        "bash",
        [
          "-c",
          'source /dev/stdin <<<"$EMULATOR_OUTPUT"; printf "%s\\n" "$MOTHERDUCK_API_BASE_URL" "$MOTHERDUCK_TOKEN" "$MOTHERDUCK_MEMBER_TOKEN"',
        ],
        { env: { PATH: process.env.PATH ?? "", EMULATOR_OUTPUT: emulator.stdout }, timeout: 10_000 },
      );
      const [url, adminToken, memberToken] = sourced.trimEnd().split("\n");
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(emulator.stderr()).toContain(`listening on ${url}`);
      expect(emulator.stdout).not.toContain("listening");
      const admin = createMotherDuckClient({ baseUrl: url!, token: adminToken! });
      await expect(admin.tokens.create("alice", { name: "via-cli-emulator" })).resolves.toMatchObject({
        name: "via-cli-emulator",
      });
      const bob = createMotherDuckClient({ baseUrl: url!, token: memberToken! });
      await expect(bob.tokens.list("bob")).resolves.toBeInstanceOf(Array);
    } finally {
      emulator.child.kill("SIGTERM");
    }
    expect(await emulator.exited).toBe(0);
  });

  it("a taken port: exit 1, a hint to use --port 0, no stack trace", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      const result = await runCli(["emulator", "--port", String(port)]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`));
      expect(result.stderr).toMatch(/--port 0/);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it("its usage lists --host, in its own page and in the overview", async () => {
    expect((await runCli(["--help"])).stdout).toContain("motherduck-rest emulator [--port <n>] [--host <address>]");
    const result = await runCli(["emulator", "--help"]);
    expect(result.stdout).toMatch(/Usage: motherduck-rest emulator \[--port <n>\] \[--host <address>\]/);
    expect(result.stdout).toMatch(/--host <address>/);
  });
});
