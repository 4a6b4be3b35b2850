// A new secret reaches stdout exactly once, or the CLI says it did not and what is still live: tokens create
// and tokens rotate, run as child processes with a reader that went away (`| true`) and with fd 1 closed (`>&-`).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createMotherDuckClient } from "../src/index.js";
import { runCli } from "./helpers/cli.js";
import { useEmulator } from "./helpers/emulator.js";
import { useStarted } from "./helpers/lifecycle.js";

const emulator = useEmulator();
const admin = () => ({ MOTHERDUCK_TOKEN: emulator.adminToken, MOTHERDUCK_API_BASE_URL: emulator.url });
const md = () => createMotherDuckClient({ baseUrl: emulator.url, token: emulator.adminToken });
const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;
const STACK_TRACE = /^\s+at /m;
let counter = 0;
const fresh = (prefix: string) => `${prefix}-${++counter}`;

/** A loopback proxy to the emulator that refuses every DELETE, so that revoking a token fails. */
const noRevoke = useStarted(
  async () => {
    const server = createServer(async (request, response) => {
      if (request.method === "DELETE") {
        response.writeHead(403, { "content-type": "application/json" });
        response.end(JSON.stringify({ code: "FORBIDDEN", message: "revoking is blocked by this test" }));
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const answer = await fetch(`${emulator.url}${request.url}`, {
        method: request.method!,
        headers: request.headers as Record<string, string>,
        ...(chunks.length && { body: Buffer.concat(chunks) }),
      });
      response.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "text/plain" });
      response.end(Buffer.from(await answer.arrayBuffer()));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  },
  ({ server }) => new Promise<void>((resolve) => server.close(() => resolve())),
);
const adminWithoutRevoke = () => ({ MOTHERDUCK_TOKEN: emulator.adminToken, MOTHERDUCK_API_BASE_URL: noRevoke().url });

const tokenNamed = async (name: string) => (await md().tokens.list("alice")).filter((t) => t.name === name);
const idIn = (stderr: string) => /token ([0-9a-f-]{36}) for alice could not be written/.exec(stderr)?.[1];

describe("tokens create with nowhere to deliver the secret", () => {
  it("| true: no stack trace, exit 1, says the secret was not delivered and that the CLI revoked the token", async () => {
    const name = fresh("reader-gone");
    const result = await runCli(
      ["tokens", "create", "alice", "--name", name, "--ttl", "1h"],
      admin(),
      15_000,
      "reader-gone",
    );
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(result.stderr).not.toContain("Its secret is on stdout");
    expect(result.stderr).toMatch(/could not be written to stdout \(EPIPE\), so it was not delivered/);
    expect(result.stderr).toMatch(/The CLI revoked that token/);
    expect(idIn(result.stderr)).toBeDefined();
    expect(await tokenNamed(name)).toEqual([]);
  });

  it("| true, and the revoke fails too: says the token is still live and prints the command that revokes it", async () => {
    const name = fresh("still-live");
    const result = await runCli(
      ["tokens", "create", "alice", "--name", name, "--ttl", "1h"],
      adminWithoutRevoke(),
      15_000,
      "reader-gone",
    );
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(STACK_TRACE);
    const id = idIn(result.stderr)!;
    expect(result.stderr).toMatch(/The token is still live: revoking it failed \(403 FORBIDDEN/);
    expect(result.stderr).toContain(`\n  motherduck-rest tokens delete alice ${id}\n`);
    expect((await tokenNamed(name)).map((t) => t.id)).toEqual([id]);
  });

  it(">&- (fd 1 closed): exits 2 before anything is created, saying why", async () => {
    const name = fresh("closed");
    const result = await runCli(
      ["tokens", "create", "alice", "--name", name, "--ttl", "1h"],
      admin(),
      15_000,
      "closed",
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /stdout is closed or \/dev\/null, so the new secret would be lost; nothing was created/,
    );
    expect(emulator.exchanges.filter((e) => e.method === "POST")).toEqual([]);
    expect(await tokenNamed(name)).toEqual([]);
  });
});

describe("tokens rotate", () => {
  /** A token to rotate; the exchanges that made it are forgotten, so a test sees only the CLI's. */
  const mint = async (name: string, ttl?: number) => {
    const token = await md().tokens.create("alice", { name, ...(ttl !== undefined && { ttl }) });
    emulator.exchanges.length = 0;
    return token;
  };

  it("prints the new secret alone on stdout, revokes the old one and keeps its lifetime", async () => {
    const old = await mint(fresh("rotate"), 7200);
    const result = await runCli(["tokens", "rotate", "alice", old.id], admin());
    expect(result.code).toBe(0);
    const secret = result.stdout.trimEnd();
    expect(secret).toMatch(JWT);
    expect(result.stdout).toBe(`${secret}\n`);
    expect(result.stderr).toMatch(new RegExp(`Rotated token ${old.id}: revoked it after creating read_write token`));
    expect(result.stderr).toContain("Its secret is on stdout and is shown only once.");
    const tokens = await md().tokens.list("alice");
    expect(tokens.map((t) => t.id)).not.toContain(old.id);
    const made = tokens.find((t) => t.name?.startsWith(`${old.name} (rotated `))!;
    expect(Date.parse(made.expire_at!) - Date.parse(made.created_ts)).toBe(7200_000);
    await expect(
      createMotherDuckClient({ baseUrl: emulator.url, token: secret }).tokens.list("alice"),
    ).resolves.toBeInstanceOf(Array);
  });

  it("takes --ttl, --name, --type and --json", async () => {
    const old = await mint(fresh("rotate-flags"), 3600);
    const name = fresh("rotated");
    const result = await runCli(
      ["tokens", "rotate", "alice", old.id, "--ttl", "2h", "--name", name, "--type", "read_scaling", "--json"],
      admin(),
    );
    expect(result.code).toBe(0);
    const token = JSON.parse(result.stdout);
    expect(token).toMatchObject({ name, token_type: "read_scaling", token: expect.stringMatching(JWT) });
    expect(Date.parse(token.expire_at) - Date.parse(token.created_ts)).toBe(7200_000);
    expect(result.stderr).not.toContain("Its secret is on stdout");
  });

  it("--no-expiry: a never-expiring old token gives a never-expiring new one", async () => {
    const old = await mint(fresh("forever"));
    const result = await runCli(["tokens", "rotate", "alice", old.id, "--no-expiry", "--json"], admin());
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).expire_at).toBeUndefined();
  });

  it("--no-expiry on an expiring old token is refused with exit 2, nothing created", async () => {
    const old = await mint(fresh("expiring"), 3600);
    const result = await runCli(["tokens", "rotate", "alice", old.id, "--no-expiry"], admin());
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/cannot make a token that never expires\. Nothing was created/);
    expect(result.stderr).toMatch(/tokens create alice --name <name> --no-expiry/);
    expect(emulator.exchanges.filter((e) => e.method !== "GET")).toEqual([]);
  });

  it("when the old token cannot be revoked (TokenRotationError): the new secret still on stdout, exit 1, how to revoke", async () => {
    const old = await mint(fresh("stuck"), 3600);
    const result = await runCli(["tokens", "rotate", "alice", old.id], adminWithoutRevoke());
    expect(result.code).toBe(1);
    const secret = result.stdout.trimEnd();
    expect(secret).toMatch(JWT);
    expect(result.stdout).toBe(`${secret}\n`);
    expect(result.stderr).toMatch(new RegExp(`But revoking the old token ${old.id} failed, so it is still live`));
    expect(result.stderr).toContain(`\n  motherduck-rest tokens delete alice ${old.id}\n`);
    expect(result.stderr).not.toContain(secret);
    expect((await md().tokens.list("alice")).map((t) => t.id)).toContain(old.id);
  });

  it("| true: the undelivered new token is revoked and the old one kept, so a working token is left", async () => {
    const old = await mint(fresh("rotate-gone"), 3600);
    const result = await runCli(["tokens", "rotate", "alice", old.id], admin(), 15_000, "reader-gone");
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(result.stderr).not.toContain("Its secret is on stdout");
    expect(result.stderr).toMatch(/so it was not delivered\.\nThe CLI revoked that token/);
    expect(result.stderr).toMatch(new RegExp(`The old token ${old.id} was not revoked: it is still live`));
    const left = (await md().tokens.list("alice")).filter((t) => t.name?.startsWith(old.name!));
    expect(left.map((t) => t.id)).toEqual([old.id]);
  });

  it(">&-: exits 2 before anything is created or revoked", async () => {
    const old = await mint(fresh("rotate-closed"), 3600);
    const result = await runCli(["tokens", "rotate", "alice", old.id], admin(), 15_000, "closed");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/nothing was created/);
    expect(emulator.exchanges).toEqual([]);
    expect((await md().tokens.list("alice")).map((t) => t.id)).toContain(old.id);
  });
});

describe("an answer that cannot be written", () => {
  const emulator = useEmulator();
  it("a created service account whose --json answer hits a full disk says the account was created", async () => {
    const result = await runCli(
      ["users", "create-service-account", "svc_full_disk", "--json"],
      { MOTHERDUCK_TOKEN: emulator.adminToken, MOTHERDUCK_API_BASE_URL: emulator.url },
      15_000,
      "full",
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/could not be written to stdout \(ENOSPC\); the command itself completed/);
    const md = createMotherDuckClient({ token: emulator.adminToken, baseUrl: emulator.url, logger: {} });
    expect((await md.users.list({ is_service_account: true })).map((u) => u.username)).toContain("svc_full_disk");
  });
});
