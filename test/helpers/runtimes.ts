// The JavaScript runtimes the packed library is tried in, as the npm registry ships them (devDependencies).
// Their packages move the binary into place in a postinstall script; where install scripts did not run, the
// binary is still in the platform package, so both places are looked at.
import { execFile } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { root } from "./packed.js";

const modules = join(root, "node_modules");
// A real runtime binary is tens of megabytes; a placeholder left by a skipped install script is a few bytes.
const MIN_BINARY_BYTES = 1_000_000;

async function platformPackages(scope: string): Promise<string[]> {
  return readdir(join(modules, scope)).then(
    (names) => names.map((name) => join(modules, scope, name)),
    () => [],
  );
}

async function firstBinary(candidates: string[]): Promise<string> {
  for (const path of candidates) {
    const size = await stat(path).then(
      (s) => (s.isFile() ? s.size : 0),
      () => 0,
    );
    if (size >= MIN_BINARY_BYTES) return path;
  }
  throw new Error(`no runtime binary in ${candidates.join(", ")}: run npm ci`);
}

export async function bunBinary(): Promise<string> {
  const platform = (await platformPackages("@oven")).map((dir) => join(dir, "bin/bun"));
  return firstBinary([join(modules, "bun/bin/bun.exe"), ...platform]);
}

export async function denoBinary(): Promise<string> {
  const platform = (await platformPackages("@deno")).map((dir) => join(dir, "deno"));
  return firstBinary([join(modules, "deno/deno"), ...platform]);
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program without blocking this process (an emulator in it must go on answering), and resolves when it
 * ends, whatever its exit code; it is killed after `timeoutMs`.
 */
export function runProgram(
  file: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<Finished> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: options.cwd, env: options.env, timeout: options.timeoutMs, maxBuffer: 4_000_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
