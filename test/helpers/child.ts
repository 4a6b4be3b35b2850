// Runs a TypeScript file as a child Node process, with nothing of this process's environment but PATH, and
// collects what it printed.
import { spawn } from "node:child_process";

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node [...nodeFlags] --import tsx script ...args`, killed after `timeoutMs`. */
export function runTsChild(
  script: string,
  args: string[],
  { nodeFlags = [], timeoutMs = 20_000 }: { nodeFlags?: string[]; timeoutMs?: number } = {},
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, "--import", "tsx", script, ...args], {
      env: { PATH: process.env.PATH ?? "" },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: timeoutMs,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
