// The file store never follows a symbolic link planted in its folder, and never changes the mode of a folder
// it was given: a linked tenant folder or secret file is a SecretStoreError naming it (that tenant fails
// alone), and a folder any user may write to is refused, its mode left as it was.
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTenants, fileSecretStore, SecretStoreError } from "../src/tenants/index.js";
import type { TenantSpec } from "../src/tenants/index.js";
import { startWorld, STORED_SECRET } from "./helpers/tenants-world.js";
import type { World } from "./helpers/tenants-world.js";

const secret = STORED_SECRET;

let base: string;
let world: World | undefined;
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), "tenants-links-"));
});
afterEach(async () => {
  await world?.close();
  world = undefined;
  await chmod(base, 0o700);
  await rm(base, { recursive: true, force: true });
});

const modeOf = async (path: string) => (await stat(path)).mode & 0o7777;

describe("a symbolic link in the secrets folder", () => {
  it("to another tenant's folder fails that tenant with a SecretStoreError naming it; the other's secret stays its own", async () => {
    const dir = join(base, "secrets");
    const store = fileSecretStore(dir);
    world = await startWorld({ store });
    const specs: TenantSpec[] = [
      { serviceAccount: "t_xa", tokens: { app: {} } },
      { serviceAccount: "t_xb", tokens: { app: {} } },
    ];
    const tenants = createTenants(world.md, { secrets: store, now: world.now });
    await tenants.apply([specs[0]!]);
    const own = await store.get("t_xa/app");
    await symlink("t_xa", join(dir, "t_xb"));
    const report = await tenants.apply(specs);
    expect(report.tenants.map((t) => t.outcome)).toEqual(["unchanged", "failed"]);
    expect(report.tenants[1]!.error).toContain(join(dir, "t_xb"));
    expect(report.tenants[1]!.error).toMatch(/symbolic link/);
    expect(await store.get("t_xa/app")).toEqual(own);
    await expect(tenants.secret("t_xb", "app")).rejects.toBeInstanceOf(SecretStoreError);
    expect(await store.keys("t_xa/")).toEqual(["t_xa/app"]);
  });

  it("to a folder outside is never written to, nor has its mode changed", async () => {
    const dir = join(base, "secrets");
    const outside = join(base, "outside");
    await mkdir(dir, { mode: 0o700 });
    await mkdir(outside, { mode: 0o755 });
    await chmod(outside, 0o755);
    await symlink("../outside", join(dir, "t_sym"));
    const store = fileSecretStore(dir);
    world = await startWorld({ store });
    const report = await createTenants(world.md, { secrets: store, now: world.now }).apply([
      { serviceAccount: "t_sym", tokens: { app: {} } },
    ]);
    expect(report.tenants[0]!.outcome).toBe("failed");
    expect(report.tenants[0]!.error).toContain(join(dir, "t_sym"));
    expect(await readdir(outside)).toEqual([]);
    expect(await modeOf(outside)).toBe(0o755);
    const error = await store.set("t_sym/app", secret).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretStoreError);
    expect((error as SecretStoreError).file).toBe(join(dir, "t_sym"));
    await expect(store.lock!("t_sym")).rejects.toBeInstanceOf(SecretStoreError);
    await expect(store.delete("t_sym/app")).rejects.toBeInstanceOf(SecretStoreError);
    expect(await readdir(outside)).toEqual([]);
  });

  it("as a secret file is neither read through nor written through", async () => {
    const dir = join(base, "secrets");
    const store = fileSecretStore(dir);
    await store.set("t_a/other", { ...secret, name: "other" });
    const elsewhere = join(base, "elsewhere.json");
    await writeFile(elsewhere, JSON.stringify({ ...secret, token: "not-this-tenants" }));
    await symlink(elsewhere, join(dir, "t_a", "app.json"));
    const read = await store.get("t_a/app").catch((e: unknown) => e);
    expect(read).toBeInstanceOf(SecretStoreError);
    expect((read as SecretStoreError).file).toBe(join(dir, "t_a", "app.json"));
    await expect(store.set("t_a/app", secret)).rejects.toBeInstanceOf(SecretStoreError);
    expect(JSON.parse(await readFile(elsewhere, "utf8")).token).toBe("not-this-tenants");
  });
});

describe("the folder a file store is given", () => {
  it("keeps its mode when it exists; a missing one is created 0700", async () => {
    const existing = join(base, "shared");
    await mkdir(existing);
    await chmod(existing, 0o750);
    await fileSecretStore(existing).set("t_a/app", secret);
    expect(await modeOf(existing)).toBe(0o750);
    expect(await modeOf(join(existing, "t_a"))).toBe(0o700);
    const fresh = join(base, "fresh");
    await fileSecretStore(fresh).set("t_a/app", secret);
    expect(await modeOf(fresh)).toBe(0o700);
  });

  it("is refused, its mode unchanged, when any user may write to it (like /tmp)", async () => {
    const open = join(base, "open");
    await mkdir(open);
    await chmod(open, 0o1777);
    const store = fileSecretStore(open);
    const error = await store.set("t_a/app", secret).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretStoreError);
    expect((error as Error).message).toMatch(/may be written by any user \(mode 1777\)/);
    await expect(store.lock!("t_a")).rejects.toBeInstanceOf(SecretStoreError);
    expect(await modeOf(open)).toBe(0o1777);
    expect(await readdir(open)).toEqual([]);
  });
});
