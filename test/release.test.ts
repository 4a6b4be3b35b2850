// What ships and what the package says agree: the CLI's --version, package.json, the lockfile, the newest release
// in the CHANGELOG and the tarball the README's Install section names all carry one version.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";

const root = join(import.meta.dirname, "..");
const text = (file: string) => readFile(join(root, file), "utf8");

describe("the release", () => {
  it("--version, package.json, the lockfile and the newest CHANGELOG release name one version", async () => {
    const { version } = JSON.parse(await text("package.json")) as { version: string };
    const lock = JSON.parse(await text("package-lock.json")) as {
      version: string;
      packages: { "": { version: string } };
    };
    const cli = await runCli(["--version"]);
    const newest = /^## (\d+\.\d+\.\d+\S*) — (\d{4}-\d{2}-\d{2})$/m.exec(await text("CHANGELOG.md"));

    expect(cli.code).toBe(0);
    expect(cli.stdout.trim()).toBe(`motherduck-rest ${version}`);
    expect([lock.version, lock.packages[""].version]).toEqual([version, version]);
    expect(newest?.[1]).toBe(version);
    expect(version).toBe("0.2.0");
  });

  it("the README installs the tarball that npm pack writes for this version", async () => {
    const { version } = JSON.parse(await text("package.json")) as { version: string };
    const names = [...(await text("README.md")).matchAll(/motherduck-rest-[\w.-]+?\.tgz/g)].map((m) => m[0]);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name).toBe(`motherduck-rest-${version}.tgz`);
  });

  it("the README's opening line names what the library does today", async () => {
    const opening = (await text("README.md")).split("\n\n")[1]!.replace(/\s+/g, " ");
    for (const what of ["tokens", "service accounts", "users", "Duckling", "active accounts", "Dive embed sessions"]) {
      expect(opening).toContain(what);
    }
  });
});
