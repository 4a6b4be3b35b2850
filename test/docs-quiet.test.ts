// `npm run docs` as a user runs it: nothing but Redocly's own progress lines. Redocly prints boxed banners (Node.js
// 20's end of life, the switch to Redoc 3) that no setting turns off; scripts/redocly.mjs drops them.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
let out: string;

afterAll(() => rm(out, { recursive: true, force: true }));

describe("npm run docs", () => {
  let printed: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), "motherduck-rest-docs-"));
    // The docs script exactly as package.json has it, writing elsewhere so that it does not race the browser test.
    const { scripts } = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
    const command = (scripts.docs as string).replace("docs/index.html", join(out, "index.html"));
    expect(command).not.toBe(scripts.docs);
    const { stdout, stderr } = await promisify(execFile)("sh", ["-c", command], { cwd: root, timeout: 60_000 });
    printed = stdout + stderr;
  }, 90_000);

  it("writes the page", async () => {
    expect((await stat(join(out, "index.html"))).size).toBeGreaterThan(100_000);
    expect(printed).toContain("bundled successfully");
  });

  it("prints no banner: no box, no Node.js end-of-life notice, no Redoc 3 notice, no update notice", () => {
    expect(printed).not.toMatch(/[╔║╚]/);
    expect(printed).not.toMatch(/end-of-life|support is ending|Redoc 3|new version|update/i);
    expect(printed.split("\n").filter((line) => line.trim() !== "").length).toBeLessThanOrEqual(4);
  });
});
