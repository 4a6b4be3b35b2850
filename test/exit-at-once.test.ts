import { execFile } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

describe("no timer is left running", () => {
  it("a process that used every timer path exits on its own as soon as its work is done", async () => {
    // Its per-attempt timeout is 60 s and one backoff is 30 s: a leaked timer would keep it alive far
    // past the 20 s this run allows, and it would be killed instead of exiting.
    const result = await new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>(
      (resolve) => {
        const child = execFile(
          process.execPath,
          ["--import", "tsx", join(import.meta.dirname, "fixtures/exit-at-once.ts")],
          { timeout: 20_000, env: { PATH: process.env.PATH ?? "" } },
          (_error, stdout, stderr) => resolve({ code: child.exitCode, signal: child.signalCode, stdout, stderr }),
        );
      },
    );
    expect(result.stderr).toBe("");
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      outcomes: ["ok", "TimeoutError", "AbortError", "ok"],
      unhandled: 0,
      served: 5,
    });
  });
});
