// `npm start -- --help` and a mistyped flag: the main-job script answers in plain words, never with a stack trace.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..");

function mainJob(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run("npx", ["tsx", "scripts/main-job.ts", ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "" },
    timeout: 30_000,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe("npm start flags", () => {
  it("--help prints the usage and runs nothing", async () => {
    const result = await mainJob(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm start \[-- --live \[--member <username>\]\]/);
    expect(result.stdout).toMatch(/--live/);
    expect(result.stdout).not.toMatch(/Create a service account/);
    expect(result.stderr).toBe("");
  });

  for (const [args, message] of [
    [["--bogus"], /^error: unknown flag --bogus\nRun "npm start -- --help" for usage\.\n$/],
    [["--live", "--membr", "x"], /^error: unknown flag --membr \(did you mean "--member"\?\)\n/],
    [["--member"], /^error: --member needs a value\n/],
  ] as const) {
    it(`${args.join(" ")}: a plain error, exit 2, no stack trace`, async () => {
      const result = await mainJob([...args]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/^\s+at |TypeError|ERR_PARSE_ARGS/m);
      expect(result.stdout).toBe("");
    });
  }
});
