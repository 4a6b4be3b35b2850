// A real redis-server for a test: on a free loopback port, with nothing written to disk, stopped after.
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { connect } from "node:net";
import { closedPort } from "./closed-port.js";

/**
 * Whether redis-server is installed. Outside CI a missing one skips the caller's tests with a loud warning; in CI
 * it fails the run, since a skipped test there would hide exactly what it exists to show.
 */
export function redisAvailable(what: string): boolean {
  if (spawnSync("redis-server", ["--version"]).status === 0) return true;
  const message = `redis-server is not installed, so ${what} cannot run.`;
  if (process.env.CI) throw new Error(`${message} CI must install it: apt-get install -y redis-server`);
  const bar = "!".repeat(100);
  console.warn(`\n${bar}\n!! SKIPPING ${what}. ${message}\n!! Install it: apt-get install -y redis-server\n${bar}\n`);
  return false;
}

/** Whether a Redis answers PING on the port, within a bounded time. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (chunk) => done(chunk.toString().startsWith("+PONG")));
  });
}

export interface RunningRedis {
  url: string;
  port: number;
  /** Stops it (SIGTERM, then SIGKILL after 5 s); resolves once it has exited. */
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RunningRedis> {
  const port = await closedPort();
  const server = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const exited = once(server, "exit");
  const stop = async () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    server.kill("SIGTERM");
    const timer = setTimeout(() => server.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 10_000;
  while (!(await answersPing(port))) {
    if (server.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`redis-server did not start on port ${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url: `redis://127.0.0.1:${port}`, port, stop };
}
