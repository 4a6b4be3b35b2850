// The built entry point `motherduck-rest/tenants`: it loads the library's own entry point rather than a copy,
// so an error it throws is an instance of the classes `motherduck-rest` exports.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");

describe("dist/tenants/index.js", () => {
  beforeAll(async () => {
    if (!existsSync(join(root, "dist/tenants/index.js")))
      await promisify(execFile)("npm", ["run", "-s", "build"], { cwd: root });
  }, 120_000);

  it("imports the library's entry point, and throws its very ValidationError", async () => {
    const text = await readFile(join(root, "dist/tenants/index.js"), "utf8");
    expect(text).toContain('from"../index.js"');
    expect(text).not.toMatch(/class \w+ extends Error\{static\{\w+\(this,"ValidationError"\)/);
    const library = await import(pathToFileURL(join(root, "dist/index.js")).href);
    const tenants = await import(pathToFileURL(join(root, "dist/tenants/index.js")).href);
    const md = library.createMotherDuckClient({ token: "not-a-real-token", baseUrl: "http://127.0.0.1:9", logger: {} });
    const error = await tenants
      .createTenants(md, { secrets: tenants.memorySecretStore() })
      .apply([{ serviceAccount: "a/b" }])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(library.ValidationError);
    expect(new tenants.SecretStoreError("m", "k")).toBeInstanceOf(library.MotherDuckError);
  });
});
