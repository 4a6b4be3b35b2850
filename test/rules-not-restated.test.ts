// The spec is the single source of truth: code outside src/generated/ names its rules, never restates them.
import { readFile, readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");

// Bounds and enum values the spec states. Left out on purpose: 1000 (the description cap, but also every
// millisecond conversion), 60 and 64 (the cooldown and flock bounds, but also minutes and the bench's
// concurrency), and "standard" (a size, and an everyday word).
const RESTATED = [
  /(?<![\w.])(300|31536000|255|8192|65536|86400)(?![\w.])/,
  /["'`](read_write|read_scaling)["'`]/,
  /["'`](pulse|jumbo|mega|giga)["'`]/,
  /["'`](MotherDuck Extension|MotherDuck Flights)["'`]/,
];

async function codeFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.(ts|mts|mjs|js)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .filter((path) => !relative(root, path).startsWith(join("src", "generated")));
}

describe("no code outside src/generated/ restates a bound or enum of the spec", () => {
  it("scans src/ and scripts/", async () => {
    const files = [...(await codeFiles(join(root, "src"))), ...(await codeFiles(join(root, "scripts")))];
    expect(files.length).toBeGreaterThan(10);
    const offences: string[] = [];
    for (const file of files) {
      const lines = (await readFile(file, "utf8")).split("\n");
      lines.forEach((line, index) => {
        if (RESTATED.some((pattern) => pattern.test(line))) {
          offences.push(`${relative(root, file)}:${index + 1}: ${line.trim()}`);
        }
      });
    }
    expect(offences).toEqual([]);
  });
});
