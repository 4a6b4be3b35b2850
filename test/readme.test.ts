// The README is for people who use the package; what only maintainers need lives in CONTRIBUTING.md.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const text = (file: string) => readFile(join(root, file), "utf8");
const headings = (markdown: string) => [...markdown.matchAll(/^#{2,3} (.+)$/gm)].map((m) => m[1]!);

const MAINTAINERS_ONLY = ["Performance", "Development", "Soak", "When MotherDuck changes its spec"];

describe("README and CONTRIBUTING", () => {
  it("the README keeps no maintainers' section, and links CONTRIBUTING.md, which holds them", async () => {
    const readme = await text("README.md");
    const contributing = await text("CONTRIBUTING.md");
    for (const title of MAINTAINERS_ONLY) {
      expect(headings(readme), title).not.toContain(title);
      expect(headings(contributing), title).toContain(title);
    }
    expect(readme).toContain("](CONTRIBUTING.md)");
    expect(readme.replace("(CONTRIBUTING.md)", "")).not.toMatch(/\bbudgets? ≤|: MISS|npm run soak|npm run bench/);
  });

  it("the README says which TypeScript settings work", async () => {
    expect(headings(await text("README.md"))).toContain("TypeScript");
  });
});
