// Runs the real CLI as a child process and collects what it printed.
import { spawn } from "node:child_process";
import { join } from "node:path";

const root = join(import.meta.dirname, "../..");
export const CLI = [process.execPath, "--import", "tsx", join(root, "src/cli/bin.ts")] as const;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * How the child's stdout is wired: "pipe" collects it; "reader-gone" is a pipe whose reading end this process
 * destroys at once, as `| true` does; "closed" runs the CLI with fd 1 closed, as `>&-` does; "full" sends it to
 * /dev/full, where every write fails with ENOSPC.
 */
export type StdoutMode = "pipe" | "reader-gone" | "closed" | "full";

const REDIRECTS: Partial<Record<StdoutMode, string>> = { closed: 'exec "$@" >&-', full: 'exec "$@" >/dev/full' };

/** Runs the CLI with exactly `env` (plus PATH), so that no token of the machine's leaks into a test. */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 15_000,
  stdoutMode: StdoutMode = "pipe",
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const redirect = REDIRECTS[stdoutMode];
    const [command, ...rest] = redirect ? ["sh", "-c", redirect, "sh", ...CLI, ...args] : [...CLI, ...args];
    const child = spawn(command!, rest, {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: timeoutMs,
    });
    let stdout = "";
    let stderr = "";
    if (stdoutMode === "reader-gone") child.stdout.destroy();
    else child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Starts the emulator command and resolves once it has printed its last export line. It is killed after
 * `timeoutMs` in any case, so that a failed test leaves no process behind.
 */
export async function startEmulatorCommand(timeoutMs = 15_000) {
  const child = spawn(CLI[0], [...CLI.slice(1), "emulator", "--port", "0"], {
    env: { PATH: process.env.PATH ?? "" },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: timeoutMs,
  });
  let stdout = "";
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (/MOTHERDUCK_MEMBER_TOKEN=.*\n/.test(stdout)) resolve();
    });
    child.on("close", () => reject(new Error(`emulator exited early: ${stdout}${stderr}`)));
  });
  return { child, exited, stdout, stderr: () => stderr };
}
