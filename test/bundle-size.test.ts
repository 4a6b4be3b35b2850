// The bundle an app pays for, measured as `npm run bench` does: an app that creates one token, bundled and
// minified by esbuild, gzipped. Sizes are deterministic, so this holds the bundle under its ceiling on every run
// of `npm test`. The ceiling is the size with all ten operations in, plus a margin: the 12 KB budget is not met,
// and the bench reports it.
import { existsSync } from "node:fs";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { BUNDLE_CEILING_BYTES, bundleBreakdown, bundleSizes, oneTokenAppInputs } from "../scripts/bundle-size.js";

const root = join(import.meta.dirname, "..");
const CEILING_BYTES = BUNDLE_CEILING_BYTES;

describe("bundle size", () => {
  beforeAll(async () => {
    if (!existsSync(join(root, "dist/index.js")))
      await promisify(execFile)("npm", ["run", "-s", "build"], { cwd: root });
  }, 120_000);

  it(`an app that creates one token stays under ${CEILING_BYTES} bytes gzipped`, async () => {
    const { app, openapiFetch } = await bundleSizes();
    console.log(`one-token app: ${app} bytes gzipped; openapi-fetch alone: ${openapiFetch} bytes`);
    expect(openapiFetch).toBeLessThan(app);
    expect(app).toBeLessThanOrEqual(CEILING_BYTES);
  });

  it("ships none of the tenants code in an app that imports only createMotherDuckClient", async () => {
    const fromPackage = await oneTokenAppInputs();
    expect(fromPackage.some((file) => file.endsWith("dist/index.js"))).toBe(true);
    expect(fromPackage.filter((file) => file.includes("tenants"))).toEqual([]);
    const fromSources = (await bundleBreakdown()).map(({ file }) => file);
    expect(fromSources.some((file) => file.startsWith("src/resources/"))).toBe(true);
    expect(fromSources.filter((file) => file.includes("tenants"))).toEqual([]);
  });
});
