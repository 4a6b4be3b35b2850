// The embed example from outside, as a browser or an operator meets it: its server as a child process, and a
// customer signing in over HTTP.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";

const root = join(import.meta.dirname, "../..");
const SERVER = "examples/embed-dive/server.ts";

/** Variables the example reads, removed from the test's own environment so that only what a test sets counts. */
const EXAMPLE_VARIABLES = [
  "MOTHERDUCK_TOKEN",
  "motherduck_token",
  "MOTHERDUCK_API_BASE_URL",
  "DIVE_ID",
  "EMBED_USERNAME",
  "EMBED_CUSTOMERS",
  "SESSION_SECRET",
  "REDIS_URL",
  "PORT",
];

export function exampleEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = { ...process.env };
  for (const name of EXAMPLE_VARIABLES) delete clean[name];
  return { ...clean, PORT: "0", ...env };
}

export async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface ExampleProcess {
  url: string;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the example as `npm run example:embed` does (or through npm itself), in its own process group, so
 * that npm, tsx and the server all stop together; resolves once it listens.
 */
export async function startExampleProcess(env: Record<string, string>, viaNpm = false): Promise<ExampleProcess> {
  const [command, args] = viaNpm
    ? ["npm", ["run", "-s", "example:embed"]]
    : [process.execPath, ["--import", "tsx", SERVER]];
  const child = spawn(command, args as string[], { cwd: root, env: exampleEnv(env), detached: true, stdio: "pipe" });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = once(child, "exit");
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(-child.pid!, "SIGTERM");
    const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await until(
      () => /listening on http:\/\/127\.0\.0\.1:\d+\)/.test(output) || child.exitCode !== null,
      "the example to listen",
      30_000,
    );
    if (child.exitCode !== null) throw new Error(`the example exited at start: ${output}`);
  } catch (error) {
    await stop();
    throw error;
  }
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)\)/.exec(output)![1]!;
  return { url, output: () => output, stop };
}

/** Runs the example expecting it to stop by itself (a start-up check failing): its exit code and output. */
export async function runExampleToExit(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", SERVER], {
    cwd: root,
    env: exampleEnv(env),
    stdio: "pipe",
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const [code] = (await once(child, "exit")) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Signs in as a customer through the sign-in form's post, and answers the cookie to send back. */
export async function signIn(url: string, customer: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(`${url}/signin`, {
    method: "POST",
    body: new URLSearchParams({ customer }),
    redirect: "manual",
    headers,
  });
  if (response.status !== 303) throw new Error(`sign-in as ${customer} answered ${response.status}`);
  const setCookie = response.headers.get("set-cookie") ?? "";
  return setCookie.split(";")[0]!;
}

/** The session in a page's iframe src, as a browser would read it back, or undefined when there is no iframe. */
export function sessionInPage(html: string): string | undefined {
  const src = /<iframe [^>]*src="([^"]*)"/.exec(html)?.[1];
  if (!src) return undefined;
  const url = new URL(src.replaceAll("&#39;", "'").replaceAll("&#38;", "&"));
  return new URLSearchParams(url.hash.slice(1)).get("session") ?? "";
}
