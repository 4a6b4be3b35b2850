// Ctrl-C during a command that writes, against an emulator that holds each request back: the CLI says the write
// may have happened, prints the command that checks, prints no secret, and exits 130. A loopback relay in front
// of the emulator tells the test when the request is on its way, so the signal lands mid-call.
import { spawn } from "node:child_process";
import { createServer, connect } from "node:net";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../src/emulator/index.js";
import type { Emulator } from "../src/emulator/index.js";
import { CLI } from "./helpers/cli.js";

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ faults: { delayMs: 5_000 } });
});
afterAll(() => emulator.close());

/** A TCP relay to the emulator that reports each connection it accepts. */
async function startRelay(onConnection: () => void) {
  const sockets = new Set<Socket>();
  const target = new URL(emulator.url);
  const relay = createServer((client) => {
    onConnection();
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(relay.address() as AddressInfo).port}`,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => relay.close(resolve));
    },
  };
}

/** Runs the CLI through the relay and sends it SIGINT once its first request is on its way. */
async function interruptMidCall(args: string[]) {
  let connected = () => {};
  const arrived = new Promise<void>((resolve) => (connected = resolve));
  const relay = await startRelay(() => connected());
  try {
    const child = spawn(CLI[0], [...CLI.slice(1), ...args], {
      env: { PATH: process.env.PATH ?? "", MOTHERDUCK_API_BASE_URL: relay.url, MOTHERDUCK_TOKEN: emulator.adminToken },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 20_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on("close", (code, signal) => resolve({ code, signal })),
    );
    await Promise.race([arrived, closed]);
    child.kill("SIGINT");
    return { ...(await closed), stdout, stderr: () => stderr };
  } finally {
    await relay.close();
  }
}

describe("Ctrl-C during a write", () => {
  const cases: [string[], string][] = [
    [["tokens", "create", "alice", "--name", "late", "--no-expiry"], "check with: motherduck-rest tokens list alice"],
    [["ducklings", "set", "bob", "--flock-size", "2"], "check with: motherduck-rest ducklings get bob"],
  ];
  for (const [args, check] of cases) {
    it(`${args.slice(0, 2).join(" ")}: says the write may have happened, names "${check}", exits 130`, async () => {
      const result = await interruptMidCall(args);
      expect(result.signal).toBeNull();
      expect(result.code).toBe(130);
      expect(result.stderr()).toMatch(/^interrupted: .*may already have reached the API.*may have happened\.$/m);
      expect(result.stderr()).toContain(`\n${check}\n`);
      expect(result.stderr()).not.toMatch(/^\s+at /m);
      expect(result.stdout).toBe("");
    }, 30_000);
  }
});
