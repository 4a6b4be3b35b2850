// The bundle an app pays for, measured as `npm run bench` does: an app that creates one token, bundled and
// minified by esbuild, gzipped. Sizes are deterministic, so every run of `npm test` holds the bundle under its
// ceiling, so that it cannot grow unnoticed, and at most the same app written with Octokit's core and its retry
// and paging plugins, built the same way in the same run: the peer with the same features.
import { existsSync } from "node:fs";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { BUNDLE_CEILING_BYTES, bundleBreakdown, bundleSizes, oneTokenAppInputs } from "../scripts/bundle-size.js";
import { withDistAlone } from "./helpers/packed.js";

const root = join(import.meta.dirname, "..");
const CEILING_BYTES = BUNDLE_CEILING_BYTES;

/** Runs `measure` on dist/, built first if missing, while no other test packs or reads it. */
function fromBuiltPackage<T>(measure: () => Promise<T>): Promise<T> {
  return withDistAlone(async () => {
    if (!existsSync(join(root, "dist/index.js")))
      await promisify(execFile)("npm", ["run", "-s", "build"], { cwd: root });
    return measure();
  });
}

describe("bundle size", () => {
  it(`an app that creates one token stays under ${CEILING_BYTES} bytes gzipped, and at most Octokit's`, async () => {
    const { app, openapiFetch, octokit } = await fromBuiltPackage(bundleSizes);
    console.log(`one-token app: ${app} bytes gzipped; openapi-fetch alone: ${openapiFetch}; Octokit: ${octokit}`);
    expect(openapiFetch).toBeLessThan(app);
    expect(app).toBeLessThanOrEqual(CEILING_BYTES);
    expect(app).toBeLessThanOrEqual(octokit);
    expect(app).toBeLessThanOrEqual(16 * 1024);
  }, 300_000);

  it("the bench prints the one-token app beside Octokit's, with the verdict", async () => {
    const { stdout } = await withDistAlone(() =>
      promisify(execFile)(process.execPath, ["--import", "tsx", join(root, "scripts/bench.ts"), "--only=bundle"], {
        cwd: root,
        timeout: 60_000,
      }),
    );
    const kb = (label: string) => stdout.match(new RegExp(`^${label}\\s+([\\d.]+) KB`, "m"))?.[1];
    expect(kb("Octokit core \\+ retry \\+ paginate-rest")).toBeDefined();
    expect(kb("motherduck-rest")).toBeDefined();
    expect(stdout).toMatch(/^motherduck-rest vs Octokit\s+[\d.]+x {2}budget ≤ 1\.00x {2}(PASS|MISS)$/m);
  }, 90_000);

  it("ships none of the tenants code in an app that imports only createMotherDuckClient", async () => {
    const fromPackage = await fromBuiltPackage(oneTokenAppInputs);
    expect(fromPackage.some((file) => file.endsWith("dist/index.js"))).toBe(true);
    expect(fromPackage.filter((file) => file.includes("tenants"))).toEqual([]);
    const fromSources = (await bundleBreakdown()).map(({ file }) => file);
    expect(fromSources.some((file) => file.startsWith("src/resources/"))).toBe(true);
    expect(fromSources.filter((file) => file.includes("tenants"))).toEqual([]);
  }, 300_000);
});
