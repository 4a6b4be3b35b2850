// The secret stores: files at <dir>/<serviceAccount>/<token name>.json, 0600 in 0700 folders, written whole
// or not at all; keys that would leave the folder refused; a corrupt file a clear error that a re-run neither
// crashes on nor silently overwrites.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MotherDuckError } from "../src/index.js";
import { createTenants, fileSecretStore, memorySecretStore, SecretStoreError } from "../src/tenants/index.js";
import type { SecretStore } from "../src/tenants/index.js";
import { invariantProblems, startWorld, STORED_SECRET } from "./helpers/tenants-world.js";

const secret = STORED_SECRET;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "tenants-store-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function behavesAsAStore(make: () => SecretStore) {
  it("keeps, lists by prefix, replaces and forgets secrets", async () => {
    const store = make();
    expect(await store.get("t_acme/app")).toBeUndefined();
    await store.set("t_acme/app", secret);
    await store.set("t_acme/reader", { ...secret, id: "id-2", name: "reader" });
    await store.set("t_acme2/app", { ...secret, id: "id-3" });
    expect(await store.get("t_acme/app")).toEqual(secret);
    expect((await store.keys("t_acme/")).sort()).toEqual(["t_acme/app", "t_acme/reader"]);
    await store.set("t_acme/app", { ...secret, id: "id-4" });
    expect((await store.get("t_acme/app"))?.id).toBe("id-4");
    await store.delete("t_acme/app");
    await store.delete("t_acme/app");
    expect(await store.keys("t_acme/")).toEqual(["t_acme/reader"]);
  });
}

describe("memorySecretStore", () => behavesAsAStore(memorySecretStore));

describe("fileSecretStore", () => {
  behavesAsAStore(() => fileSecretStore(join(dir, "secrets")));

  it("writes <dir>/<serviceAccount>/<token name>.json, mode 0600, in folders of mode 0700, and nothing else", async () => {
    const root = join(dir, "secrets");
    await fileSecretStore(root).set("t_acme/app", secret);
    expect((await stat(root)).mode & 0o777).toBe(0o700);
    expect((await stat(join(root, "t_acme"))).mode & 0o777).toBe(0o700);
    expect((await stat(join(root, "t_acme", "app.json"))).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(join(root, "t_acme", "app.json"), "utf8"))).toEqual(secret);
    expect(await readdir(join(root, "t_acme"))).toEqual(["app.json"]); // no temporary file left behind
  });

  it("refuses keys that would leave its folder, and writes nothing for them", async () => {
    const store = fileSecretStore(join(dir, "secrets"));
    for (const key of [
      "../x",
      "t_acme/../../x",
      "t_acme/../x",
      "/etc/passwd",
      "t_acme/.hidden",
      "a\\b/c",
      "x",
      "t_acme/a/b",
      "",
    ]) {
      await expect(store.set(key, secret), key).rejects.toBeInstanceOf(SecretStoreError);
      await expect(store.get(key), key).rejects.toBeInstanceOf(SecretStoreError);
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it("keeps the old file whole when a write fails part way", async () => {
    const root = join(dir, "secrets");
    const store = fileSecretStore(root);
    await store.set("t_acme/app", secret);
    const circular: Record<string, unknown> = { ...secret };
    circular.self = circular;
    await expect(store.set("t_acme/app", circular as never)).rejects.toThrow();
    expect(await store.get("t_acme/app")).toEqual(secret);
  });

  it("names a corrupt file in a typed error; apply fails that tenant alone and leaves the file as it is", async () => {
    const root = join(dir, "secrets");
    const world = await startWorld({ store: fileSecretStore(root) });
    try {
      const specs = [
        { serviceAccount: "t_acme", tokens: { app: {} } },
        { serviceAccount: "t_globex", tokens: { app: {} } },
      ];
      const tenants = createTenants(world.md, { secrets: world.store, now: world.now });
      expect((await tenants.apply(specs)).failed).toBe(0);
      const file = join(root, "t_acme", "app.json");
      await writeFile(file, '{"id": "trunc');
      const error = await world.store.get("t_acme/app").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SecretStoreError);
      expect(error).toBeInstanceOf(MotherDuckError);
      expect((error as SecretStoreError).file).toBe(file);
      expect((error as Error).message).toContain(`the secret file ${file} is not JSON`);
      const report = await tenants.apply(specs);
      expect(report.tenants.map((t) => t.outcome)).toEqual(["failed", "unchanged"]);
      expect(report.tenants[0]!.error).toContain(file);
      expect(await readFile(file, "utf8")).toBe('{"id": "trunc');
      // Moved away, the next run mints a new token in its place and revokes the one nobody holds.
      await rm(file);
      expect((await tenants.apply(specs)).tenants[0]!.outcome).toBe("changed");
      expect(await invariantProblems(world, specs)).toEqual([]);
    } finally {
      await world.close();
    }
  });

  it("never shows a secret in its errors", async () => {
    const root = join(dir, "secrets");
    const store = fileSecretStore(root);
    await store.set("t_acme/app", secret);
    await writeFile(join(root, "t_acme", "app.json"), JSON.stringify({ ...secret, id: 5 }));
    const error = (await store.get("t_acme/app").catch((e: unknown) => e)) as Error;
    expect(error.message).toContain("lacks id");
    expect(JSON.stringify(error)).not.toContain("secret-value");
    expect(String(error.stack)).not.toContain("secret-value");
  });

  it("fails only the tenant whose store answers a value that is not a secret, and ignores keys it did not ask for", async () => {
    const world = await startWorld();
    try {
      const specs = [
        { serviceAccount: "t_acme", tokens: { app: {} } },
        { serviceAccount: "t_globex", tokens: { app: {} } },
      ];
      const inner = memorySecretStore();
      const lying: SecretStore = {
        ...inner,
        get: async (key) => (key.startsWith("t_acme/") ? ({ id: 42 } as never) : inner.get(key)),
        // Every key, whatever the prefix: t_globex must not see t_acme's, nor prune them.
        keys: async () => inner.keys(""),
      };
      const tenants = createTenants(world.md, { secrets: lying, now: world.now });
      expect((await tenants.apply(specs)).tenants.map((t) => t.outcome)).toEqual(["created", "created"]);
      const report = await tenants.apply(specs);
      expect(report.tenants.map((t) => t.outcome)).toEqual(["failed", "unchanged"]);
      expect(report.tenants[0]!.error).toContain("the secret store's value under t_acme/app lacks id");
      expect(await inner.get("t_acme/app")).toBeDefined();
    } finally {
      await world.close();
    }
  });
});
