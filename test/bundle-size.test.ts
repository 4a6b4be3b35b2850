// The bundle an app pays for, measured as `npm run bench` does: an app that creates one token, bundled and
// minified by esbuild, gzipped. Sizes are deterministic, so this holds the bundle under its ceiling on every run
// of `npm test`. The ceiling is the size with all ten operations in, plus a margin: the 12 KB budget is not met,
// and the bench reports it.
import { existsSync } from "node:fs";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { BUNDLE_CEILING_BYTES, bundleSizes } from "../scripts/bundle-size.js";
import { withDistAlone } from "./helpers/packed.js";

const root = join(import.meta.dirname, "..");
const CEILING_BYTES = BUNDLE_CEILING_BYTES;

describe("bundle size", () => {
  it(`an app that creates one token stays under ${CEILING_BYTES} bytes gzipped`, async () => {
    const { app, openapiFetch } = await withDistAlone(async () => {
      if (!existsSync(join(root, "dist/index.js")))
        await promisify(execFile)("npm", ["run", "-s", "build"], { cwd: root });
      return bundleSizes();
    });
    console.log(`one-token app: ${app} bytes gzipped; openapi-fetch alone: ${openapiFetch} bytes`);
    expect(openapiFetch).toBeLessThan(app);
    expect(app).toBeLessThanOrEqual(CEILING_BYTES);
  }, 300_000);
});
