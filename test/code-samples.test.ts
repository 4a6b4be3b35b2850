// Every operation's x-codeSamples: the TypeScript ones must type-check against the library, and the CLI
// ones must name a real command with real flags, so that no sample can go stale.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSpec } from "../scripts/lib/spec.mjs";
import { runCli } from "../src/cli/main.js";

const root = join(import.meta.dirname, "..");
interface Sample {
  lang: string;
  label: string;
  source: string;
}
let operations: Array<{ operationId: string; samples: Sample[] }>;
let work: string;

beforeAll(async () => {
  const spec = await loadSpec(join(root, "openapi.yaml"));
  operations = Object.values<any>(spec.paths).flatMap((item) =>
    Object.values<any>(item).map((op) => ({ operationId: op.operationId, samples: op["x-codeSamples"] ?? [] })),
  );
  work = await mkdtemp(join(tmpdir(), "motherduck-rest-samples-"));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe("x-codeSamples", () => {
  it("every operation has a TypeScript, a CLI and a curl sample", () => {
    expect(operations.length).toBe(5);
    for (const { operationId, samples } of operations) {
      expect(samples.map((s) => s.label).sort(), operationId).toEqual(["CLI", "TypeScript", "curl"]);
    }
  });

  it("every TypeScript sample type-checks against the library", async () => {
    const files: string[] = [];
    for (const { operationId, samples } of operations) {
      for (const sample of samples.filter((s) => s.lang === "TypeScript")) {
        const file = join(work, `${operationId}.mts`);
        await writeFile(file, sample.source);
        files.push(file);
      }
    }
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ["lib.es2023.d.ts", "lib.es2024.string.d.ts"],
      types: ["node"],
      typeRoots: [join(root, "node_modules/@types")],
      skipLibCheck: true,
      paths: {
        "motherduck-rest": [join(root, "src/index.ts")],
        "motherduck-rest/emulator": [join(root, "src/emulator/index.ts")],
      },
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file
        ? `${d.file.fileName.split("/").pop()}:${d.file.getLineAndCharacterOfPosition(d.start!).line + 1}`
        : "";
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
    });
    expect(files).toHaveLength(5);
    expect(diagnostics).toEqual([]);
  });

  it("every CLI sample names a real command with real flags", async () => {
    for (const { operationId, samples } of operations) {
      for (const sample of samples.filter((s) => s.label === "CLI")) {
        const words = sample.source.trim().split(/\s+/);
        expect(words[0], operationId).toBe("motherduck-rest");
        const args = words.slice(1, words.includes(">") ? words.indexOf(">") : undefined);
        const output: string[] = [];
        const code = await runCli([...args, "--help"], {
          stdout: (t) => output.push(t),
          stderr: (t) => output.push(t),
        });
        expect(code, `${operationId}: ${output.join("")}`).toBe(0);
      }
    }
  });
});
